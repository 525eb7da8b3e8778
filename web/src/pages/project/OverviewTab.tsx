// A project's first page (issue 17, item 10): each task with its best run judged against its
// acceptance criteria, the latest version of each dataset, the jobs running now, and what
// happened last (runs started, versions made, jobs ended), each linked to its page.
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { evaluateTask, getDataset, listDatasets, listExperiments, listJobs, listTasks, searchRuns } from '../../api/endpoints';
import type { Run, Task } from '../../api/types';
import { DataStatusChip } from '../../components/DataStatusChip';
import { JobStateChip } from '../../components/JobStateChip';
import { RunStatus } from '../../components/RunStatus';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTimeShort, formatNumber } from '../../lib/format';
import { resolveMetricKey, splitFailure } from '../../lib/runMetrics';

const RECENT = 8;

export function OverviewTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const tasks = useQuery({ queryKey: ['tasks', project], queryFn: () => listTasks(project) });
  const exps = useQuery({ queryKey: ['experiments', project], queryFn: () => listExperiments(project) });
  const expIds = (exps.data?.experiments ?? []).filter((e) => e.lifecycle_stage !== 'deleted').map((e) => e.experiment_id);
  const recentRuns = useQuery({
    queryKey: ['overview-runs', project, expIds.join(',')],
    queryFn: () => searchRuns({ experiment_ids: expIds, order_by: ['attributes.start_time DESC'], max_results: 200 }),
    enabled: expIds.length > 0,
  });
  const runs = recentRuns.data?.runs ?? [];
  const jobs = useQuery({ queryKey: ['jobs', project], queryFn: () => listJobs(project) });
  const datasets = useQuery({ queryKey: ['datasets', project], queryFn: () => listDatasets(project) });
  const running = (jobs.data?.jobs ?? []).filter((j) => j.state === 'running' || j.state === 'queued');
  const ended = (jobs.data?.jobs ?? []).filter((j) => j.finished_at > 0).slice(0, RECENT);
  return (
    <div className="overview" data-testid="project-overview">
      <div className="two-col">
        <section className="card" data-testid="overview-tasks">
          <h2>{t('overview.tasks')}</h2>
          {tasks.isPending && <Loading />}
          <ErrorBox error={tasks.error} />
          {tasks.data && (tasks.data.tasks ?? []).length === 0 && <Empty>{t('overview.noTasks')}</Empty>}
          {(tasks.data?.tasks ?? []).map((task) => (
            <TaskStatus key={task.name} project={project} task={task} runs={runs} locale={locale} />
          ))}
        </section>
        <section className="card" data-testid="overview-experiments">
          <h2>{t('overview.experiments')}</h2>
          {exps.isPending && <Loading />}
          <ul className="plain-list">
            {(exps.data?.experiments ?? [])
              .filter((e) => e.lifecycle_stage !== 'deleted')
              .map((e) => (
                <li key={e.experiment_id}>
                  <Link to={`/projects/${encodeURIComponent(project)}/experiments/${encodeURIComponent(e.experiment_id)}`}>{e.name}</Link>{' '}
                  <span className="muted small">{t('overview.runsIn', { count: runs.filter((r) => r.info.experiment_id === e.experiment_id).length })}</span>
                </li>
              ))}
          </ul>
        </section>
      </div>
      <div className="two-col">
        <section className="card" data-testid="overview-jobs">
          <h2>{t('overview.running', { count: running.length })}</h2>
          {jobs.isPending && <Loading />}
          {jobs.data && running.length === 0 && <p className="muted small">{t('overview.noRunning')}</p>}
          <ul className="plain-list">
            {running.map((j) => (
              <li key={j.id}>
                <Link to={`/jobs/${j.id}`}>#{j.id} {j.name}</Link> <JobStateChip state={j.state} cancelRequested={j.cancel_requested} />
              </li>
            ))}
          </ul>
        </section>
      </div>
      <div className="two-col">
        <section className="card" data-testid="overview-data">
          <h2>{t('overview.data')}</h2>
          {datasets.isPending && <Loading />}
          {datasets.data && (datasets.data.datasets ?? []).length === 0 && <Empty>{t('overview.noData')}</Empty>}
          <table className="table compact">
            <tbody>
              {(datasets.data?.datasets ?? []).slice(0, 10).map((d) => (
                <LatestVersion key={d.name} project={project} dataset={d.name} locale={locale} />
              ))}
            </tbody>
          </table>
        </section>
        <section className="card" data-testid="overview-activity">
          <h2>{t('overview.activity')}</h2>
          <ul className="plain-list activity-list">
            {runs.slice(0, RECENT).map((r) => (
              <li key={r.info.run_id}>
                <span className="muted small">{formatDateTimeShort(r.info.start_time, locale)}</span>{' '}
                {t('overview.runStarted')} <Link to={`/runs/${encodeURIComponent(r.info.run_id)}`}>{r.info.run_name || r.info.run_id.slice(0, 8)}</Link>{' '}
                <RunStatus status={r.info.status} />
              </li>
            ))}
            {ended.map((j) => (
              <li key={`job-${j.id}`}>
                <span className="muted small">{formatDateTimeShort(j.finished_at, locale)}</span>{' '}
                {t('overview.jobEnded')} <Link to={`/jobs/${j.id}`}>#{j.id} {j.name}</Link> <JobStateChip state={j.state} cancelRequested={false} />
                {j.state === 'failed' && j.error && <span className="job-reason">{splitFailure(j.error).reason || j.error}</span>}
              </li>
            ))}
          </ul>
          {runs.length === 0 && ended.length === 0 && <p className="muted small">{t('overview.noActivity')}</p>}
        </section>
      </div>
    </div>
  );
}

/** A task, its criteria, and its best run by the primary metric, checked against the criteria. */
function TaskStatus({ project, task, runs, locale }: { project: string; task: Task; runs: Run[]; locale: string }) {
  const { t } = useTranslation();
  const primary = task.primary_metric;
  // The best run by the primary metric (higher is better unless the name says loss or error).
  const lowerBetter = !!primary && /loss|error|rmse|mae|latency/i.test(primary);
  let best: { run: Run; value: number } | null = null;
  if (primary) {
    for (const r of runs) {
      const key = resolveMetricKey(primary, (r.data.metrics ?? []).map((m) => m.key));
      const v = key ? r.data.metrics?.find((m) => m.key === key)?.value : undefined;
      if (v === undefined || Number.isNaN(v)) continue;
      if (!best || (lowerBetter ? v < best.value : v > best.value)) best = { run: r, value: v };
    }
  }
  const check = useQuery({
    queryKey: ['task-check', project, task.name, best?.run.info.run_id],
    queryFn: () => evaluateTask(project, task.name, best!.run.info.run_id),
    enabled: !!best && !!task.acceptance_criteria,
  });
  return (
    <div className="overview-task" data-testid="overview-task" data-task={task.name}>
      <h3>
        {task.name} <span className="muted small">· {t(`problemTypes.${task.problem_type}`, { defaultValue: task.problem_type })}</span>
      </h3>
      {task.acceptance_criteria ? <div className="mono small">{task.acceptance_criteria}</div> : <p className="muted small">{t('report.noCriteria')}</p>}
      {!best ? (
        <p className="muted small">{primary ? t('overview.noRunWith', { metric: primary }) : t('overview.noPrimary')}</p>
      ) : (
        <p className="small">
          {t('overview.best', { metric: primary })}{' '}
          <Link to={`/runs/${encodeURIComponent(best.run.info.run_id)}?tab=evaluation`} data-testid="overview-best-run">
            {best.run.info.run_name || best.run.info.run_id.slice(0, 8)}
          </Link>{' '}
          <span className="mono">{formatNumber(best.value, locale)}</span>{' '}
          {check.data && (
            <span className={check.data.passed ? 'pass' : 'fail'} data-testid="overview-criteria" data-passed={check.data.passed}>
              {check.data.passed ? t('report.criteriaPassed') : t('report.criteriaFailed')}
            </span>
          )}
        </p>
      )}
    </div>
  );
}

function LatestVersion({ project, dataset, locale }: { project: string; dataset: string; locale: string }) {
  const q = useQuery({ queryKey: ['dataset', project, dataset], queryFn: () => getDataset(project, dataset) });
  const versions = q.data?.versions ?? [];
  const v = versions.length ? versions.reduce((a, b) => (b.number > a.number ? b : a)) : undefined;
  return (
    <tr data-dataset={dataset}>
      <td>
        <Link to={`/projects/${encodeURIComponent(project)}/datasets/${encodeURIComponent(dataset)}`}>{dataset}</Link>
      </td>
      <td>
        {v && (
          <Link className="mono" to={`/projects/${encodeURIComponent(project)}/datasets/${encodeURIComponent(dataset)}/versions/${v.number}`}>
            {v.name}
          </Link>
        )}
      </td>
      <td>{v && <DataStatusChip status={v.status} />}</td>
      <td className="muted small">{v?.created_at ? formatDateTimeShort(v.created_at, locale) : ''}</td>
    </tr>
  );
}
