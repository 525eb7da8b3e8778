// One run: its header (with why it failed), where it came from, its parameters and artifacts,
// then its metrics — curves for what was logged over steps, every value in a table (issue 17,
// items 4, 5 and 7) — and the Evaluation tab.
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getJob, getRun } from '../../api/endpoints';
import type { KeyValue, Run } from '../../api/types';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { ExplanationsCard } from './ExplanationsCard';
import { Tabs } from '../../components/Tabs';
import { EvaluationTab } from '../evaluation/EvaluationTab';
import { RunStatus } from '../../components/RunStatus';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { splitFailure } from '../../lib/runMetrics';
import { useAuth } from '../../components/auth';
import { RegisterModelForm } from '../model/RegisterModelForm';
import { ArtifactsCard } from './ArtifactsCard';
import { RunContextCard } from './RunContextCard';
import { RunMetricsSection } from './RunMetricsSection';

interface RunInput {
  kind: string;
  ref: string;
  detail?: { items?: number; status?: string; path?: string } | null;
}
type RunWithInputs = Run & { inputs?: { moebius_inputs?: RunInput[] } };

export default function RunPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { runId = '' } = useParams();
  const runQ = useQuery({
    queryKey: ['run', runId],
    queryFn: () => getRun(runId) as Promise<{ run: RunWithInputs; experiment_name?: string; project?: string }>,
  });
  const run = runQ.data?.run;
  const project = runQ.data?.project;
  const experimentName = runQ.data?.experiment_name;
  const title = run?.info.run_name || runId;
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'evaluation' ? 'evaluation' : 'overview';
  const { can } = useAuth();
  const [registering, setRegistering] = useState(false);
  const mayRegister = !!project && can('model.register', project);
  const jobId = (run?.data.tags ?? []).find((x) => x.key === 'moebius.job_id')?.value ?? '';
  const mayRerun = !!project && /^\d+$/.test(jobId) && can('job.run', project);

  return (
    <div className="page">
      <Breadcrumbs
        items={[
          { label: t('nav.projects'), to: '/projects' },
          ...(project && run
            ? [
                { label: project, to: `/projects/${encodeURIComponent(project)}` },
                {
                  label: experimentName || run.info.experiment_id,
                  to: `/projects/${encodeURIComponent(project)}/experiments/${encodeURIComponent(run.info.experiment_id)}`,
                },
              ]
            : []),
          { label: title },
        ]}
      />
      {runQ.isPending && <Loading />}
      <ErrorBox error={runQ.error} />
      {run && (
        <>
          <div className="page-head">
            <div>
              <h1>
                {title} <RunStatus status={run.info.status} />
              </h1>
              <div className="muted small mono">{run.info.run_id}</div>
            </div>
            <div className="row gap">
              {mayRerun && (
                <Link className="btn" to={`/jobs/${jobId}?clone=1`} data-testid="run-rerun">
                  {t('jobs.rerunWithChanges')}
                </Link>
              )}
              {mayRegister && (
                <button type="button" className="btn primary" onClick={() => setRegistering(true)}>
                  {t('registry.register')}
                </button>
              )}
            </div>
          </div>
          <FailureReason run={run} />
          {registering && project && (
            <RegisterModelForm project={project} source={{ run_id: run.info.run_id }} onClose={() => setRegistering(false)} />
          )}
          <Tabs
            tabs={[
              { id: 'overview', label: t('report.tabOverview') },
              { id: 'evaluation', label: t('report.tabEvaluation') },
            ]}
            active={tab}
            onChange={(id) => setParams(id === 'overview' ? {} : { tab: id }, { replace: true })}
          />
          {tab === 'evaluation' && <EvaluationTab runId={run.info.run_id} project={project} />}
          {tab === 'overview' && (
            <>
              <div className="two-col">
                <RunContextCard
                  run={run}
                  inputs={run.inputs?.moebius_inputs ?? []}
                  project={project}
                  experimentName={experimentName}
                  locale={locale}
                />
                <KeyValueCard title={t('run.params')} items={run.data.params ?? []} empty={t('run.noParams')} testid="run-params" />
              </div>
              <ArtifactsCard runId={run.info.run_id} />
              <RunMetricsSection run={run} locale={locale} />
              {(run.data.tags ?? []).some((x) => x.key === 'moebius.trainer') && <ExplanationsCard runId={run.info.run_id} />}
              <KeyValueCard title={t('run.tags')} items={run.data.tags ?? []} empty={t('run.noTags')} testid="run-tags" />
            </>
          )}
        </>
      )}
    </div>
  );
}

/**
 * A failed run's reason in its header: the tag the server sets when its job fails
 * (moebius.failure_reason, the end of the job's log), else the job's error itself.
 */
function FailureReason({ run }: { run: Run }) {
  const { t } = useTranslation();
  const tags = Object.fromEntries((run.data.tags ?? []).map((kv) => [kv.key, kv.value]));
  const failed = run.info.status === 'FAILED';
  const jobId = tags['moebius.job_id'] && /^\d+$/.test(tags['moebius.job_id']) ? tags['moebius.job_id'] : '';
  const tagged = tags['moebius.failure_reason'];
  const job = useQuery({ queryKey: ['job', jobId], queryFn: () => getJob(jobId), enabled: failed && !tagged && !!jobId, staleTime: 30_000 });
  if (!failed) return null;
  const error = tagged || job.data?.job.error || '';
  if (!error) return null;
  const { status, reason } = splitFailure(error);
  return (
    <div className="error-box failure-reason" role="alert" data-testid="run-failure-reason">
      <strong>{t('run.failedBecause')}:</strong> <span className="mono">{reason || error}</span>
      {status !== null && <span className="muted small"> ({t('run.exitStatus', { status })})</span>}
    </div>
  );
}

function KeyValueCard({ title, items, empty, testid }: { title: string; items: KeyValue[]; empty: string; testid?: string }) {
  const { t } = useTranslation();
  const sorted = [...items].sort((a, b) => a.key.localeCompare(b.key));
  return (
    <section className="card" data-testid={testid}>
      <h2>{title}</h2>
      {sorted.length === 0 ? (
        <Empty>{empty}</Empty>
      ) : (
        <table className="table compact">
          <thead>
            <tr>
              <th>{t('run.key')}</th>
              <th>{t('run.value')}</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((p) => (
              <tr key={p.key}>
                <td className="mono">{p.key}</td>
                <td className="mono break">{p.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
