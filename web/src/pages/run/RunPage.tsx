import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { artifactContentUrl, getExperiment, getRun, listArtifacts } from '../../api/endpoints';
import type { KeyValue, Run } from '../../api/types';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { ExplanationsCard } from './ExplanationsCard';
import { Tabs } from '../../components/Tabs';
import { EvaluationTab } from '../evaluation/EvaluationTab';
import { MetricChart, XAxisToggle, type XAxisMode } from '../../components/charts/MetricChart';
import { RunStatus } from '../../components/RunStatus';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { useMetricHistory } from '../../components/useMetricHistory';
import { formatBytes, formatDateTime, formatDuration, formatNumber } from '../../lib/format';
import { RunEnvCode } from '../envcode/RunEnvCode';
import { useAuth } from '../../components/auth';
import { RegisterModelForm } from '../model/RegisterModelForm';

export default function RunPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { runId = '' } = useParams();
  const runQ = useQuery({ queryKey: ['run', runId], queryFn: () => getRun(runId) });
  const run = runQ.data?.run;
  const expId = run?.info.experiment_id;
  const expQ = useQuery({
    queryKey: ['experiment', expId],
    queryFn: () => getExperiment(expId!),
    enabled: !!expId,
  });
  const exp = expQ.data?.experiment;
  const title = run?.info.run_name || runId;
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'evaluation' ? 'evaluation' : 'overview';
  const { can } = useAuth();
  const [registering, setRegistering] = useState(false);
  const mayRegister = !!exp?.project && can('model.register', exp.project);

  return (
    <div className="page">
      <Breadcrumbs
        items={[
          { label: t('nav.projects'), to: '/projects' },
          ...(exp?.project
            ? [
                { label: exp.project, to: `/projects/${encodeURIComponent(exp.project)}` },
                {
                  label: exp.name,
                  to: `/projects/${encodeURIComponent(exp.project)}/experiments/${encodeURIComponent(exp.experiment_id)}`,
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
            {mayRegister && (
              <button type="button" className="btn primary" onClick={() => setRegistering(true)}>
                {t('registry.register')}
              </button>
            )}
          </div>
          {registering && exp?.project && (
            <RegisterModelForm project={exp.project} source={{ run_id: run.info.run_id }} onClose={() => setRegistering(false)} />
          )}
          <Tabs
            tabs={[
              { id: 'overview', label: t('report.tabOverview') },
              { id: 'evaluation', label: t('report.tabEvaluation') },
            ]}
            active={tab}
            onChange={(id) => setParams(id === 'overview' ? {} : { tab: id }, { replace: true })}
          />
          {tab === 'evaluation' && <EvaluationTab runId={run.info.run_id} project={exp?.project} />}
          {tab === 'overview' && (
            <>
              <div className="two-col">
                <InfoCard run={run} locale={locale} />
                <MetricsCard run={run} locale={locale} />
              </div>
              <RunEnvCode run={run} project={exp?.project} />
              <ChartsSection run={run} />
              <div className="two-col">
                <KeyValueCard title={t('run.params')} items={run.data.params ?? []} empty={t('run.noParams')} />
                <KeyValueCard title={t('run.tags')} items={run.data.tags ?? []} empty={t('run.noTags')} />
              </div>
              {(run.data.tags ?? []).some((x) => x.key === 'moebius.trainer') && <ExplanationsCard runId={run.info.run_id} />}
              <ArtifactsCard runId={run.info.run_id} />
            </>
          )}
        </>
      )}
    </div>
  );
}

function InfoCard({ run, locale }: { run: Run; locale: string }) {
  const { t } = useTranslation();
  const i = run.info;
  // A run that a job executes carries the job's id (tag moebius.job_id, set by the server).
  const jobId = (run.data.tags ?? []).find((x) => x.key === 'moebius.job_id')?.value;
  const rows: [string, React.ReactNode][] = [
    [t('run.runId'), <span className="mono">{i.run_id}</span>],
    ...(jobId && /^\d+$/.test(jobId)
      ? ([
          [
            t('jobrun.job'),
            <Link to={`/jobs/${jobId}`} data-testid="run-job-link">
              {t('jobrun.jobLink', { id: jobId })}
            </Link>,
          ],
        ] as [string, React.ReactNode][])
      : []),
    [t('run.experimentId'), <span className="mono">{i.experiment_id}</span>],
    [t('run.user'), i.user_id],
    [t('run.started'), formatDateTime(i.start_time, locale)],
    [t('run.ended'), formatDateTime(i.end_time, locale)],
    [t('run.duration'), formatDuration(i.start_time, i.end_time)],
    [t('run.lifecycle'), i.lifecycle_stage],
    [t('run.artifactUri'), <span className="mono break">{i.artifact_uri}</span>],
  ];
  return (
    <section className="card">
      <h2>{t('run.info')}</h2>
      <dl className="kv">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v || <span className="muted">—</span>}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function MetricsCard({ run, locale }: { run: Run; locale: string }) {
  const { t } = useTranslation();
  const metrics = [...(run.data.metrics ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  return (
    <section className="card">
      <h2>{t('run.latestMetrics')}</h2>
      {metrics.length === 0 ? (
        <Empty>{t('run.noMetrics')}</Empty>
      ) : (
        <table className="table compact">
          <thead>
            <tr>
              <th>{t('run.key')}</th>
              <th className="right">{t('run.value')}</th>
              <th className="right">{t('charts.step')}</th>
            </tr>
          </thead>
          <tbody>
            {metrics.map((m) => (
              <tr key={m.key}>
                <td className="mono">{m.key}</td>
                <td className="right mono" title={String(m.value)}>
                  {formatNumber(m.value, locale)}
                </td>
                <td className="right">{m.step}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function KeyValueCard({ title, items, empty }: { title: string; items: KeyValue[]; empty: string }) {
  const { t } = useTranslation();
  const sorted = [...items].sort((a, b) => a.key.localeCompare(b.key));
  return (
    <section className="card">
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

function ChartsSection({ run }: { run: Run }) {
  const { t } = useTranslation();
  const [xMode, setXMode] = useState<XAxisMode>('step');
  const keys = useMemo(() => [...new Set((run.data.metrics ?? []).map((m) => m.key))].sort(), [run]);
  const runIds = useMemo(() => [run.info.run_id], [run]);
  const hist = useMetricHistory(runIds, keys);
  const byKey = useMemo(() => new Map((hist.data ?? []).map((s) => [s.key, s])), [hist.data]);
  if (keys.length === 0) return null;
  return (
    <section className="card">
      <div className="section-head">
        <h2>{t('run.charts')}</h2>
        <XAxisToggle value={xMode} onChange={setXMode} />
      </div>
      {hist.isPending && <Loading />}
      <ErrorBox error={hist.error} />
      {hist.data && (
        <div className="chart-grid">
          {keys.map((key) => {
            const s = byKey.get(key);
            return (
              <div key={key} className="chart-cell" data-testid="metric-chart">
                {s && s.points.length > 0 ? (
                  <>
                    <MetricChart title={key} series={[{ name: run.info.run_name || run.info.run_id, points: s.points }]} xMode={xMode} />
                    <div className="muted small chart-note">
                      {s.downsampled
                        ? t('charts.downsampled', { shown: s.points.length, total: s.total })
                        : t('charts.points', { count: s.total ?? s.points.length })}
                    </div>
                  </>
                ) : (
                  <Empty>{t('charts.noHistory', { key })}</Empty>
                )}
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}

function ArtifactsCard({ runId }: { runId: string }) {
  const { t } = useTranslation();
  const [path, setPath] = useState('');
  const q = useQuery({ queryKey: ['artifacts', runId, path], queryFn: () => listArtifacts(runId, path || undefined) });
  const files = [...(q.data?.files ?? [])].sort((a, b) => Number(b.is_dir) - Number(a.is_dir) || a.path.localeCompare(b.path));
  const parts = path ? path.split('/') : [];
  const base = (p: string) => p.split('/').filter(Boolean).pop() ?? p;
  return (
    <section className="card">
      <h2>{t('run.artifacts')}</h2>
      <div className="artifact-path small">
        <button type="button" className="link-button" onClick={() => setPath('')}>
          {t('run.artifactRoot')}
        </button>
        {parts.map((p, i) => (
          <span key={i}>
            <span className="sep">/</span>
            <button type="button" className="link-button" onClick={() => setPath(parts.slice(0, i + 1).join('/'))}>
              {p}
            </button>
          </span>
        ))}
      </div>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && files.length === 0 && <Empty>{t('run.noArtifacts')}</Empty>}
      {files.length > 0 && (
        <table className="table compact">
          <thead>
            <tr>
              <th>{t('run.fileName')}</th>
              <th className="right">{t('run.fileSize')}</th>
            </tr>
          </thead>
          <tbody>
            {files.map((f) => (
              <tr key={f.path}>
                <td>
                  {f.is_dir ? (
                    <button type="button" className="link-button" onClick={() => setPath(f.path)}>
                      <FileIcon dir /> {base(f.path)}/
                    </button>
                  ) : (
                    <a href={artifactContentUrl(runId, f.path)} download={base(f.path)}>
                      <FileIcon /> {base(f.path)}
                    </a>
                  )}
                </td>
                <td className="right">{f.is_dir ? '' : formatBytes(f.file_size)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function FileIcon({ dir }: { dir?: boolean }) {
  return (
    <svg className="file-icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
      {dir ? (
        <path d="M1.5 3.5h4l1.5 1.5h7.5v8.5h-13z" fill="#f5c451" stroke="#c99a2e" />
      ) : (
        <path d="M3.5 1.5h6l3 3v10h-9z M9.5 1.5v3h3" fill="#fff" stroke="#8a94a6" />
      )}
    </svg>
  );
}
