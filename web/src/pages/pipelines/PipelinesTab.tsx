import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { listPipelineRuns, listPipelines, startPipelineRun } from '../../api/endpoints';
import type { PipelineDefinition, Saved } from '../../api/types';
import { useAuth } from '../../components/auth';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { STEP_STATES } from '../../lib/dag';
import { formatDateTimeShort, formatParams } from '../../lib/format';
import { paramInitialText, parseParam, summarizeSteps } from '../../lib/pipelines';
import { PipelineStateChip } from './PipelineStateChip';

const REFRESH_MS = 2000;

/**
 * A project's pipelines (EXP-3): each pipeline's latest version with its steps, a Run form (its
 * parameters, typed, and whether cached steps may be reused), and the project's recent runs,
 * refreshed while any is running. Running needs job.run.
 */
export function PipelinesTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { can } = useAuth();
  const mayRun = can('job.run', project);
  const [open, setOpen] = useState<string | null>(null);
  const q = useQuery({ queryKey: ['pipelines', project], queryFn: () => listPipelines(project) });
  const runs = useQuery({
    queryKey: ['pipeline-runs', project],
    queryFn: () => listPipelineRuns(project),
    refetchInterval: (query) => ((query.state.data?.runs ?? []).some((r) => r.state === 'running') ? REFRESH_MS : false),
  });
  const pipelines = q.data?.pipelines ?? [];
  return (
    <section data-testid="pipelines">
      <div className="section-head">
        <h2>{t('pipeline.title')}</h2>
      </div>
      <p className="muted small">{t('pipeline.hint')}</p>
      {!mayRun && q.data && <p className="muted small">{t('pipeline.readOnly')}</p>}
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && pipelines.length === 0 && <Empty>{t('pipeline.empty')}</Empty>}
      {pipelines.length > 0 && (
        <div className="table-scroll">
          <table className="table" data-testid="pipelines-table">
            <thead>
              <tr>
                <th>{t('pipeline.name')}</th>
                <th className="right">{t('pipeline.version')}</th>
                <th>{t('pipeline.steps')}</th>
                <th>{t('pipeline.parameters')}</th>
                <th>{t('pipeline.created')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {pipelines.map((p) => (
                <tr key={p.name} data-pipeline={p.name}>
                  <td>
                    <strong>{p.name}</strong>
                    {p.definition.description && <div className="muted small">{p.definition.description}</div>}
                  </td>
                  <td className="right mono">{p.version}</td>
                  <td className="small mono">{p.definition.steps.map((s) => s.name).join(' → ')}</td>
                  <td className="small mono">{p.definition.parameters.map((x) => x.name).join(', ')}</td>
                  <td className="small nowrap">
                    {formatDateTimeShort(p.created_at, locale)} · {p.created_by}
                  </td>
                  <td>
                    {mayRun && (
                      <button type="button" className="btn small" onClick={() => setOpen(open === p.name ? null : p.name)}>
                        {t('pipeline.run')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && pipelines.some((p) => p.name === open) && (
        <RunForm project={project} pipeline={pipelines.find((p) => p.name === open)!} onClose={() => setOpen(null)} />
      )}
      <h3>{t('pipeline.runs.title')}</h3>
      <ErrorBox error={runs.error} />
      {runs.data && runs.data.runs.length === 0 && <Empty>{t('pipeline.runs.empty')}</Empty>}
      {runs.data && runs.data.runs.length > 0 && (
        <div className="table-scroll">
          <table className="table" data-testid="pipeline-runs-table">
            <thead>
              <tr>
                <th>{t('pipeline.runs.id')}</th>
                <th>{t('pipeline.name')}</th>
                <th>{t('pipeline.runs.state')}</th>
                <th>{t('pipeline.parameters')}</th>
                <th>{t('pipeline.created')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.runs.map((r) => (
                <tr key={r.id} data-run={r.id}>
                  <td className="mono">
                    <Link to={`/pipeline-runs/${r.id}`}>#{r.id}</Link>
                  </td>
                  <td>
                    {r.pipeline} <span className="muted small">v{r.pipeline_version}</span>
                  </td>
                  <td>
                    <PipelineStateChip state={r.state} />{' '}
                    <span className="muted small">
                      {summarizeSteps(r.step_counts, STEP_STATES)
                        .map(([s, n]) => `${n} ${t(`pipeline.states.${s}`)}`)
                        .join(' · ')}
                    </span>
                  </td>
                  <td className="small mono">{formatParams(r.params) || <span className="muted">—</span>}</td>
                  <td className="small nowrap">
                    {formatDateTimeShort(r.created_at, locale)} · {r.created_by}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Starts a run of `pipeline`; `initial` fills the parameters from an earlier run (run again with changes). */
export function RunForm({
  project,
  pipeline,
  onClose,
  initial,
}: {
  project: string;
  pipeline: Saved<PipelineDefinition>;
  onClose: () => void;
  initial?: Record<string, unknown>;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const params = pipeline.definition.parameters;
  const [texts, setTexts] = useState<Record<string, string>>(() =>
    Object.fromEntries(params.map((p) => [p.name, initial && initial[p.name] !== undefined ? String(initial[p.name]) : paramInitialText(p)])),
  );
  const [cache, setCache] = useState(true);
  const [problem, setProblem] = useState('');
  const start = useMutation({
    mutationFn: (body: { parameters: Record<string, unknown>; cache: boolean }) => startPipelineRun(project, pipeline.name, body),
    onSuccess: (res) => navigate(`/pipeline-runs/${res.run.id}`),
  });
  const submit = () => {
    const values: Record<string, unknown> = {};
    for (const p of params) {
      const r = parseParam(p, texts[p.name] ?? '');
      if (r.error) {
        setProblem(t(`pipeline.form.${r.error}`, { name: p.name }));
        return;
      }
      if (r.value !== undefined) values[p.name] = r.value;
    }
    setProblem('');
    start.mutate({ parameters: values, cache });
  };
  return (
    <form
      className="card form"
      data-testid="pipeline-run-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h3>{t('pipeline.form.title', { name: pipeline.name, version: pipeline.version })}</h3>
      {params.length === 0 && <p className="muted small">{t('pipeline.form.noParams')}</p>}
      {params.map((p) => (
        <label key={p.name} className="field">
          <span>
            {p.name} <span className="muted small">({p.type})</span>
          </span>
          <input name={`param-${p.name}`} value={texts[p.name] ?? ''} onChange={(e) => setTexts({ ...texts, [p.name]: e.target.value })} />
        </label>
      ))}
      <label className="check">
        <input type="checkbox" name="use-cache" checked={cache} onChange={(e) => setCache(e.target.checked)} /> {t('pipeline.form.cache')}
      </label>
      {problem && (
        <p className="error small" data-testid="pipeline-form-problem">
          {problem}
        </p>
      )}
      <ErrorBox error={start.error} />
      <div className="actions">
        <button type="submit" className="btn primary" disabled={start.isPending}>
          {t('pipeline.form.start')}
        </button>
        <button type="button" className="btn" onClick={onClose}>
          {t('pipeline.form.close')}
        </button>
      </div>
    </form>
  );
}
