import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { cancelPipelineRun, getPipelineRun, listPipelines } from '../../api/endpoints';
import type { PipelineStep } from '../../api/types';
import { useAuth } from '../../components/auth';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { isStepActive, layoutDag } from '../../lib/dag';
import { formatDateTime, formatDuration, formatParams } from '../../lib/format';
import { quoteArgv } from '../../lib/jobs';
import { PipelineStateChip } from '../pipelines/PipelineStateChip';
import { RunForm } from '../pipelines/PipelinesTab';

const REFRESH_MS = 1000;

/**
 * One pipeline run (EXP-3): its DAG drawn as an SVG (layers left to right, lib/dag.ts), each
 * step coloured by its state and linking to its job's log and its tracking run, refreshed every
 * second while the run is running; below, the selected step's parameters, command, inputs and
 * outputs (content hashes), and a Cancel button.
 */
export default function PipelineRunPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { runId = '' } = useParams();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<string | null>(null);
  const q = useQuery({
    queryKey: ['pipeline-run', runId],
    queryFn: () => getPipelineRun(runId),
    refetchInterval: (query) => (query.state.data?.run.state === 'running' ? REFRESH_MS : false),
  });
  const run = q.data?.run;
  const steps = run?.steps ?? [];
  const layout = useMemo(() => layoutDag(steps.map((s) => ({ id: s.name, deps: s.depends_on }))), [steps]);
  const cancel = useMutation({
    mutationFn: () => cancelPipelineRun(runId),
    onSuccess: (res) => queryClient.setQueryData(['pipeline-run', runId], res),
  });
  const byName = new Map(steps.map((s) => [s.name, s]));
  // Run again with changes: the pipeline's form, filled with this run's parameters.
  const [again, setAgain] = useState(false);
  useEffect(() => setAgain(false), [runId]);
  const pipelines = useQuery({ queryKey: ['pipelines', run?.project], queryFn: () => listPipelines(run!.project), enabled: again && !!run });
  const saved = pipelines.data?.pipelines?.find((p) => p.name === run?.pipeline);
  const current = selected ? byName.get(selected) : undefined;
  return (
    <div className="page">
      <Breadcrumbs
        items={[
          { label: t('nav.projects'), to: '/projects' },
          ...(run ? [{ label: run.project, to: `/projects/${run.project}?tab=pipelines` }] : []),
          { label: t('pipeline.runPage.title', { id: runId }) },
        ]}
      />
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {run && (
        <>
          <div className="page-head">
            <div>
              <h1>
                {t('pipeline.runPage.heading', { id: run.id, pipeline: run.pipeline, version: run.pipeline_version })}{' '}
                <PipelineStateChip state={run.state} />
              </h1>
              <div className="muted small">
                {formatDateTime(run.created_at, locale)} · {run.created_by}
                {run.finished_at > 0 && ` · ${formatDuration(run.created_at, run.finished_at, locale)}`}
                {' · '}
                <Link to={`/runs/${run.run_id}`}>{t('pipeline.runPage.trackingRun')}</Link>
                {!run.cache && ` · ${t('pipeline.runPage.noCache')}`}
              </div>
              {formatParams(run.params) && <div className="mono small">{formatParams(run.params)}</div>}
              {run.error && (
                <p className="error" data-testid="pipeline-run-error">
                  {run.error}
                </p>
              )}
            </div>
            {run.state !== 'running' && can('job.run', run.project) && (
              <button type="button" className="btn" data-testid="pipeline-rerun" onClick={() => setAgain(true)}>
                {t('jobs.rerunWithChanges')}
              </button>
            )}
            {run.state === 'running' && can('job.run', run.project) && (
              <button type="button" className="btn danger" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
                {t('pipeline.runPage.cancel')}
              </button>
            )}
          </div>
          <ErrorBox error={cancel.error} />
          <ErrorBox error={pipelines.error} />
          {again && saved && <RunForm project={run.project} pipeline={saved} initial={run.params} onClose={() => setAgain(false)} />}
          {run.state === 'running' && <p className="muted small">{t('pipeline.runPage.live')}</p>}
          <div className="dag-scroll">
            <svg
              className="dag"
              data-testid="pipeline-dag"
              width={layout.width}
              height={layout.height}
              viewBox={`0 0 ${layout.width} ${layout.height}`}
              role="img"
              aria-label={t('pipeline.runPage.dag')}
            >
              <defs>
                <marker id="dag-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                  <path d="M 0 0 L 10 5 L 0 10 z" className="dag-arrow" />
                </marker>
              </defs>
              {layout.edges.map((e) => (
                <path key={`${e.from}->${e.to}`} d={e.path} className="dag-edge" markerEnd="url(#dag-arrow)" />
              ))}
              {layout.nodes.map((n) => {
                const s = byName.get(n.id)!;
                return (
                  <g
                    key={n.id}
                    transform={`translate(${n.x},${n.y})`}
                    className={`dag-node dag-node--${s.state}${selected === n.id ? ' dag-node--selected' : ''}`}
                    data-step={n.id}
                    data-state={s.state}
                    onClick={() => setSelected(n.id)}
                    role="button"
                    tabIndex={0}
                    onKeyDown={(e) => e.key === 'Enter' && setSelected(n.id)}
                  >
                    <title>{`${n.id}: ${t(`pipeline.states.${s.state}`)}${s.error ? ` — ${s.error}` : ''}`}</title>
                    <rect width={layout.nodeWidth} height={layout.nodeHeight} rx={8} />
                    <text x={10} y={22} className="dag-name">
                      {n.id.length > 20 ? `${n.id.slice(0, 19)}…` : n.id}
                    </text>
                    <text x={10} y={42} className="dag-sub">
                      {`${s.component}@${s.component_version} · ${t(`pipeline.states.${s.state}`)}`}
                    </text>
                    {isStepActive(s.state) && s.state === 'running' && <circle cx={layout.nodeWidth - 12} cy={12} r={4} className="dag-live" />}
                  </g>
                );
              })}
            </svg>
          </div>
          <div className="table-scroll">
            <table className="table" data-testid="pipeline-steps">
              <thead>
                <tr>
                  <th>{t('pipeline.runPage.step')}</th>
                  <th>{t('pipeline.runPage.component')}</th>
                  <th>{t('pipeline.runs.state')}</th>
                  <th>{t('pipeline.runPage.job')}</th>
                  <th>{t('pipeline.runPage.run')}</th>
                  <th>{t('pipeline.runPage.duration')}</th>
                  <th>{t('pipeline.runPage.note')}</th>
                </tr>
              </thead>
              <tbody>
                {steps.map((s) => (
                  <StepRow key={s.name} step={s} onSelect={() => setSelected(s.name)} />
                ))}
              </tbody>
            </table>
          </div>
          {current && <StepDetail step={current} />}
        </>
      )}
    </div>
  );
}

function StepRow({ step: s, onSelect }: { step: PipelineStep; onSelect: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <tr data-step-row={s.name}>
      <td>
        <button type="button" className="link-button" onClick={onSelect}>
          {s.name}
        </button>
      </td>
      <td className="mono small">
        {s.component}@{s.component_version}
      </td>
      <td>
        <PipelineStateChip state={s.state} />
      </td>
      <td className="mono">{s.job_id ? <Link to={`/jobs/${s.job_id}`}>{t('pipeline.runPage.logs', { id: s.job_id })}</Link> : ''}</td>
      <td className="mono small">{s.run_id ? <Link to={`/runs/${s.run_id}`}>{s.run_id.slice(0, 8)}</Link> : ''}</td>
      <td className="mono small">{s.finished_at > 0 && s.started_at > 0 ? formatDuration(s.started_at, s.finished_at, locale) : ''}</td>
      <td className="small">
        {s.cached_from && t('pipeline.runPage.cachedFrom', { from: s.cached_from })}
        {s.error && <span className="error">{s.error}</span>}
      </td>
    </tr>
  );
}

function StepDetail({ step: s }: { step: PipelineStep }) {
  const { t } = useTranslation();
  return (
    <section className="card" data-testid="pipeline-step-detail">
      <h3>{t('pipeline.runPage.stepTitle', { name: s.name })}</h3>
      <dl className="kv">
        <div>
          <dt>{t('pipeline.parameters')}</dt>
          <dd className="mono small">{formatParams(s.params) || <span className="muted">—</span>}</dd>
        </div>
        <div>
          <dt>{t('pipeline.components.command')}</dt>
          <dd className="mono small">{quoteArgv(s.command)}</dd>
        </div>
        <div>
          <dt>{t('pipeline.components.inputs')}</dt>
          <dd className="mono small">
            {Object.entries(s.inputs).map(([name, i]) => (
              <div key={name}>
                {name} ← {i.from} {i.sha256 && <span className="muted">{i.sha256.slice(0, 12)}</span>}
              </div>
            ))}
          </dd>
        </div>
        <div>
          <dt>{t('pipeline.components.outputs')}</dt>
          <dd className="mono small">
            {Object.entries(s.outputs).map(([name, o]) => (
              <div key={name}>
                {name} ({o.type}, {o.files.length} {t('pipeline.runPage.files')}, {o.size} B) <span className="muted">{o.sha256.slice(0, 12)}</span>
              </div>
            ))}
          </dd>
        </div>
        <div>
          <dt>{t('pipeline.runPage.cacheKey')}</dt>
          <dd className="mono small">{s.cache_key}</dd>
        </div>
      </dl>
    </section>
  );
}
