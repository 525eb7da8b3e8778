// Where a run came from (issue 17, item 7): its experiment by name, the data versions it read
// (linked to their pages), the job that ran it with the environment revision and code snapshot
// the job pinned, and its place among runs: the parent, the study or pipeline that started it,
// and its child runs.
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { getJob, searchRuns } from '../../api/endpoints';
import type { Run } from '../../api/types';
import { JobStateChip } from '../../components/JobStateChip';
import { RunStatus } from '../../components/RunStatus';
import { formatDateTime, formatDuration } from '../../lib/format';
import { shortId } from '../../lib/envcode';

interface RunInput {
  kind: string;
  ref: string;
  detail?: { items?: number; status?: string; path?: string } | null;
}

/** "proj/customers@v2" → the version page's path, or null. */
export function versionPath(ref: string): string | null {
  const m = /^([^/]+)\/([^@]+)@v(\d+)$/.exec(ref);
  return m ? `/projects/${encodeURIComponent(m[1])}/datasets/${encodeURIComponent(m[2])}/versions/${m[3]}` : null;
}

export function RunContextCard({
  run,
  inputs,
  project,
  experimentName,
  locale,
}: {
  run: Run;
  inputs: RunInput[];
  project?: string;
  experimentName?: string;
  locale: string;
}) {
  const { t } = useTranslation();
  const i = run.info;
  const tags = Object.fromEntries((run.data.tags ?? []).map((kv) => [kv.key, kv.value]));
  const jobId = tags['moebius.job_id'] && /^\d+$/.test(tags['moebius.job_id']) ? tags['moebius.job_id'] : '';
  const job = useQuery({ queryKey: ['job', jobId], queryFn: () => getJob(jobId), enabled: !!jobId, staleTime: 30_000 }).data?.job;
  const children = useQuery({
    queryKey: ['run-children', i.run_id],
    queryFn: () =>
      searchRuns({
        experiment_ids: [i.experiment_id],
        filter: `tags.\`mlflow.parentRunId\` = '${i.run_id}'`,
        max_results: 200,
        order_by: ['attributes.start_time ASC'],
      }),
    staleTime: 10_000,
  }).data?.runs;
  const parent = tags['mlflow.parentRunId'];
  const expLink = project ? `/projects/${encodeURIComponent(project)}/experiments/${encodeURIComponent(i.experiment_id)}` : null;
  const env = (job?.payload?.environment as string | undefined) ?? tags['moebius.environment'];
  const envRev = (job?.payload?.environment_revision as number | undefined) ?? tags['moebius.environment_revision'];
  const code = (job?.payload?.code as string | undefined) ?? tags['moebius.code_snapshot'];
  const base = project ? `/projects/${encodeURIComponent(project)}` : null;
  const data = inputs.filter((x) => x.kind === 'dataset_version');
  const rows: [string, React.ReactNode, string][] = [
    [t('run.experiment'), expLink ? <Link to={expLink}>{experimentName || i.experiment_id}</Link> : experimentName || i.experiment_id, 'experiment'],
    [
      t('run.dataVersions'),
      data.length === 0 ? (
        <span className="muted">{t('run.noData')}</span>
      ) : (
        <ul className="plain-list">
          {data.map((d) => {
            const to = versionPath(d.ref);
            return (
              <li key={d.ref} data-ref={d.ref}>
                {to ? <Link to={to}>{d.ref}</Link> : d.ref}
                {d.detail?.status && <span className="muted small"> · {d.detail.status}</span>}
                {d.detail?.path && <span className="muted small mono"> → {d.detail.path}/</span>}
              </li>
            );
          })}
        </ul>
      ),
      'data',
    ],
    ...(jobId
      ? ([
          [
            t('run.job'),
            <span>
              <Link to={`/jobs/${jobId}`} data-testid="run-job-link">
                {t('jobrun.jobLink', { id: jobId })}
              </Link>{' '}
              {job && <JobStateChip state={job.state} cancelRequested={job.cancel_requested} />}
            </span>,
            'job',
          ],
        ] as [string, React.ReactNode, string][])
      : []),
    ...(env
      ? ([
          [
            t('run.environment'),
            <span>
              {base ? <Link to={`${base}?tab=environments`}>{env}</Link> : env}{' '}
              {envRev !== undefined && <span className="muted">{t('env.revisionN', { revision: envRev })}</span>}
            </span>,
            'environment',
          ],
        ] as [string, React.ReactNode, string][])
      : []),
    ...(code
      ? ([
          [
            t('run.code'),
            <span className="mono">
              {base ? <Link to={`${base}?tab=code&snapshot=${code}`}>{shortId(code)}</Link> : shortId(code)}
              {tags['mlflow.source.git.commit'] && (
                <span className="muted">
                  {' '}
                  git {tags['mlflow.source.git.commit'].slice(0, 12)}
                  {tags['mlflow.source.git.branch'] ? ` (${tags['mlflow.source.git.branch']})` : ''}
                  {tags['moebius.code_dirty'] === 'true' ? ` ${t('code.dirty')}` : ''}
                </span>
              )}
            </span>,
            'code',
          ],
        ] as [string, React.ReactNode, string][])
      : []),
    ...(tags['moebius.study_id']
      ? ([
          [
            t('run.study'),
            <span>
              <Link to={`/studies/${tags['moebius.study_id']}`} data-testid="run-study-link">
                {tags['moebius.study'] || `#${tags['moebius.study_id']}`}
              </Link>
              {tags['moebius.trial'] !== undefined && <span className="muted"> · {t('run.trialN', { n: tags['moebius.trial'] })}</span>}
            </span>,
            'study',
          ],
        ] as [string, React.ReactNode, string][])
      : []),
    ...(tags['moebius.pipeline_run']
      ? ([
          [
            t('run.pipeline'),
            <span>
              <Link to={`/pipeline-runs/${tags['moebius.pipeline_run']}`} data-testid="run-pipeline-link">
                #{tags['moebius.pipeline_run']}
              </Link>
              {tags['moebius.pipeline_step'] && <span className="muted"> · {t('run.stepName', { step: tags['moebius.pipeline_step'] })}</span>}
            </span>,
            'pipeline',
          ],
        ] as [string, React.ReactNode, string][])
      : []),
    ...(parent
      ? ([[t('run.parent'), <Link className="mono" to={`/runs/${encodeURIComponent(parent)}`} data-testid="run-parent-link">{shortId(parent)}</Link>, 'parent']] as [
          string,
          React.ReactNode,
          string,
        ][])
      : []),
    [t('run.user'), i.user_id, 'user'],
    [t('run.started'), formatDateTime(i.start_time, locale), 'started'],
    [t('run.duration'), formatDuration(i.start_time, i.end_time, locale), 'duration'],
    [t('run.runId'), <span className="mono">{i.run_id}</span>, 'run-id'],
  ];
  return (
    <section className="card" data-testid="run-context">
      <h2>{t('run.context')}</h2>
      <dl className="kv">
        {rows.map(([k, v, id]) => (
          <div key={id} data-field={id}>
            <dt>{k}</dt>
            <dd>{v || <span className="muted">—</span>}</dd>
          </div>
        ))}
      </dl>
      {children && children.length > 0 && (
        <div data-testid="run-children">
          <h3 className="small">{t('run.children', { count: children.length })}</h3>
          <ul className="plain-list">
            {children.map((c) => (
              <li key={c.info.run_id}>
                <Link to={`/runs/${encodeURIComponent(c.info.run_id)}`}>{c.info.run_name || shortId(c.info.run_id)}</Link> <RunStatus status={c.info.status} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
