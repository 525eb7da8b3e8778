// One model version (REG-1 to REG-3): its files by role and hash, the signature, the lineage
// (run, experiment, data versions, package), the stage history, and for holders of
// model.register the stage move and the aliases.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { deleteModelAlias, getModel, getModelVersion, moveModelStage, setModelAlias } from '../../api/endpoints';
import type { ModelStage, ModelVersion, TensorSpec, VersionLineage } from '../../api/types';
import { useAuth } from '../../components/auth';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { StageChip } from '../../components/StageChip';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatBytes, formatDateTime, formatDateTimeShort, formatNumber } from '../../lib/format';
import {
  archiveApplies,
  archivedForVersion,
  dataVersionPath,
  formatShape,
  isApprovalRequired,
  modelPath,
  shortHash,
  signatureSourceKey,
  sortFiles,
  STAGES,
  stageMoveBody,
} from '../../lib/registry';
import { useModelProject } from './useModelProject';

export default function ModelVersionPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { can } = useAuth();
  const { model = '', version = '' } = useParams();
  const q = useQuery({ queryKey: ['model', model, 'version', version], queryFn: () => getModelVersion(model, version) });
  const modelQ = useQuery({ queryKey: ['model', model], queryFn: () => getModel(model) });
  const v = q.data?.version;
  const project = useModelProject(v?.project_id);
  const mayRegister = !!project && can('model.register', project.name);
  return (
    <div className="page">
      <Breadcrumbs
        items={[
          { label: t('nav.projects'), to: '/projects' },
          ...(project ? [{ label: project.display_name || project.name, to: `/projects/${encodeURIComponent(project.name)}?tab=models` }] : []),
          { label: model, to: modelPath(model) },
          { label: v ? `v${v.version}` : version },
        ]}
      />
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {v && (
        <>
          <div className="page-head">
            <div>
              <h1 data-testid="version-title">
                {v.model} v{v.version} <StageChip stage={v.stage} />{' '}
                {v.aliases.map((a) => (
                  <span key={a} className="badge alias" data-testid="version-alias">
                    @{a}
                  </span>
                ))}
              </h1>
              <div className="muted small">
                {t('registry.createdBy', { by: v.created_by, at: formatDateTime(v.created_at, locale) })} · {t('registry.status')}: {v.status}
              </div>
              {v.description && <p className="muted">{v.description}</p>}
            </div>
          </div>
          <div className="two-col">
            <SummaryCard v={v} />
            <SignatureCard v={v} />
          </div>
          <FilesCard v={v} />
          <LineageCard lineage={v.lineage} projectName={project?.name} />
          <HistoryCard v={v} versions={modelQ.data?.versions ?? []} locale={locale} />
          {mayRegister ? (
            <ActionsCard v={v} />
          ) : (
            project && (
              <p className="muted small" data-testid="actions-need-permission">
                {t('registry.needsRegister')}
              </p>
            )
          )}
        </>
      )}
    </div>
  );
}

function SummaryCard({ v }: { v: ModelVersion }) {
  const { t } = useTranslation();
  const rows: [string, React.ReactNode][] = [
    [t('registry.format'), v.format],
    [t('registry.flavor'), v.flavor],
    [t('registry.modelFile'), <span className="mono">{v.model_file}</span>],
    [
      t('registry.source'),
      v.run_id ? (
        <Link className="mono break" to={`/runs/${encodeURIComponent(v.run_id)}`}>
          {v.source}
        </Link>
      ) : (
        <span className="mono break">{v.source}</span>
      ),
    ],
    [t('registry.contentHash'), <span className="mono" title={v.content_sha256}>{shortHash(v.content_sha256, 16)}</span>],
    [
      t('registry.tags'),
      v.tags.length ? (
        <span className="mono small">{v.tags.map((x) => `${x.key}=${x.value}`).join(', ')}</span>
      ) : (
        ''
      ),
    ],
  ];
  return (
    <section className="card" data-testid="version-summary">
      <h2>{t('registry.summary')}</h2>
      <dl className="kv">
        {rows.map(([k, val]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{val || <span className="muted">—</span>}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function TensorTable({ specs, testId }: { specs: TensorSpec[]; testId: string }) {
  const { t } = useTranslation();
  return (
    <table className="table compact" data-testid={testId}>
      <thead>
        <tr>
          <th>{t('registry.tensorName')}</th>
          <th>{t('registry.datatype')}</th>
          <th>{t('registry.shape')}</th>
        </tr>
      </thead>
      <tbody>
        {specs.map((s, i) => (
          <tr key={`${s.name}-${i}`}>
            <td className="mono">{s.name}</td>
            <td className="mono">{s.datatype}</td>
            <td className="mono" title={JSON.stringify(s.shape)}>
              {formatShape(s.shape)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SignatureCard({ v }: { v: ModelVersion }) {
  const { t } = useTranslation();
  const sig = v.signature;
  return (
    <section className="card" data-testid="signature">
      <h2>{t('registry.signature')}</h2>
      {!sig ? (
        <Empty>{t('registry.noSignature')}</Empty>
      ) : (
        <>
          {sig.source && (
            <p className="muted small" data-testid="signature-source">
              {t(signatureSourceKey(sig.source) ?? 'registry.signatureSource', { source: sig.source })}
            </p>
          )}
          <h3>{t('registry.inputs')}</h3>
          {sig.inputs?.length ? <TensorTable specs={sig.inputs} testId="signature-inputs" /> : <Empty>{t('registry.none')}</Empty>}
          <h3>{t('registry.outputs')}</h3>
          {sig.outputs?.length ? <TensorTable specs={sig.outputs} testId="signature-outputs" /> : <Empty>{t('registry.none')}</Empty>}
          <p className="muted small">{t('registry.shapeHint')}</p>
        </>
      )}
    </section>
  );
}

function FilesCard({ v }: { v: ModelVersion }) {
  const { t } = useTranslation();
  return (
    <section className="card">
      <h2>{t('registry.files', { count: v.files.length })}</h2>
      <table className="table compact" data-testid="version-files">
        <thead>
          <tr>
            <th>{t('registry.path')}</th>
            <th>{t('registry.role')}</th>
            <th className="right">{t('report.size')}</th>
            <th>sha256</th>
          </tr>
        </thead>
        <tbody>
          {sortFiles(v.files).map((f) => (
            <tr key={f.path} data-file={f.path}>
              <td className="mono">{f.path}</td>
              <td data-stat="role">{t(`registry.roles.${f.role}`, { defaultValue: f.role })}</td>
              <td className="right">{formatBytes(f.size)}</td>
              <td className="mono small" title={f.sha256}>
                {shortHash(f.sha256)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function LineageCard({ lineage, projectName }: { lineage: VersionLineage | null; projectName?: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const l = lineage ?? {};
  const exp = l.experiment;
  const pkg = l.package;
  const metrics = Object.entries(l.metrics ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const rows: [string, React.ReactNode][] = [
    [
      t('registry.run'),
      l.run ? (
        <span data-testid="lineage-run">
          <Link to={`/runs/${encodeURIComponent(l.run.id)}`}>{l.run.name || l.run.id}</Link>{' '}
          <span className="muted small mono">
            {l.run.id.slice(0, 12)} · {l.run.status}
          </span>
        </span>
      ) : (
        ''
      ),
    ],
    [
      t('registry.experiment'),
      exp ? (
        projectName ? (
          <Link data-testid="lineage-experiment" to={`/projects/${encodeURIComponent(projectName)}/experiments/${encodeURIComponent(String(exp.id))}`}>
            {exp.name}
          </Link>
        ) : (
          exp.name
        )
      ) : (
        ''
      ),
    ],
    [
      t('registry.dataVersions'),
      l.data_versions?.length ? (
        <ul className="plain-list" data-testid="lineage-data">
          {l.data_versions.map((d) => {
            const to = dataVersionPath(d.ref);
            return <li key={`${d.kind}:${d.ref}`}>{to ? <Link to={to}>{d.ref}</Link> : <span className="mono">{d.ref}</span>}</li>;
          })}
        </ul>
      ) : (
        ''
      ),
    ],
    [
      t('registry.package'),
      pkg ? (
        <span data-testid="lineage-package">
          {projectName ? <Link to={`/projects/${encodeURIComponent(projectName)}?tab=packages`}>#{pkg.id}</Link> : `#${pkg.id}`} ·{' '}
          {t('registry.packageTask', { task: pkg.task })} · <span className="mono">{pkg.criteria}</span>
          {pkg.criteria_result && (
            <span className={pkg.criteria_result.passed ? 'pass' : 'fail'}>
              {' '}
              ({pkg.criteria_result.passed ? t('report.criteriaPassed') : t('report.criteriaFailed')})
            </span>
          )}
          <div className="muted small">{t('registry.confirmedBy', { by: pkg.confirmed_by, at: formatDateTime(pkg.confirmed_at, locale) })}</div>
        </span>
      ) : (
        ''
      ),
    ],
    [t('registry.code'), l.code?.length ? <span className="mono small break">{l.code.map((c) => `${c.key}=${c.value}`).join(', ')}</span> : ''],
    [t('registry.environment'), l.environment ? <span className="mono">{l.environment}</span> : ''],
    [
      t('registry.evaluations'),
      l.evaluations?.length ? <span className="mono small">{l.evaluations.map((e) => e.artifact).join(', ')}</span> : '',
    ],
  ];
  return (
    <section className="card" data-testid="lineage">
      <h2>{t('registry.lineage')}</h2>
      <dl className="kv">
        {rows.map(([k, val]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{val || <span className="muted">—</span>}</dd>
          </div>
        ))}
      </dl>
      {metrics.length > 0 && (
        <>
          <h3>{t('registry.runMetrics')}</h3>
          <table className="table compact" data-testid="lineage-metrics">
            <tbody>
              {metrics.map(([k, val]) => (
                <tr key={k}>
                  <td className="mono">{k}</td>
                  <td className="right mono">{val === null ? '—' : formatNumber(val, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function HistoryCard({ v, versions, locale }: { v: ModelVersion; versions: ModelVersion[]; locale: string }) {
  const { t } = useTranslation();
  const history = v.stage_history ?? [];
  return (
    <section className="card">
      <h2>{t('registry.history')}</h2>
      {history.length === 0 ? (
        <Empty>{t('registry.noHistory')}</Empty>
      ) : (
        <table className="table compact" data-testid="stage-history">
          <thead>
            <tr>
              <th>{t('registry.at')}</th>
              <th>{t('registry.change')}</th>
              <th>{t('registry.by')}</th>
              <th>{t('registry.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h, i) => {
              const promoted = archivedForVersion(h, versions);
              return (
                <tr key={i}>
                  <td className="small nowrap">{formatDateTimeShort(h.at, locale)}</td>
                  <td>
                    <StageChip stage={h.from} /> → <StageChip stage={h.to} />
                  </td>
                  <td>{h.by}</td>
                  <td data-stat="reason">
                    {h.reason}
                    {h.archived_for !== null && (
                      <div className="muted small">
                        {promoted !== null ? t('registry.archivedFor', { version: promoted }) : t('registry.archivedForGone')}
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ActionsCard({ v }: { v: ModelVersion }) {
  const { t } = useTranslation();
  return (
    <section className="card" data-testid="version-actions">
      <h2>{t('registry.actions')}</h2>
      <div className="registry-actions">
        <StageForm v={v} />
        <AliasForm v={v} />
      </div>
    </section>
  );
}

function useRefresh(model: string) {
  const qc = useQueryClient();
  return async () => {
    await qc.invalidateQueries({ queryKey: ['model', model] });
    await qc.invalidateQueries({ queryKey: ['models'] });
  };
}

function StageForm({ v }: { v: ModelVersion }) {
  const { t } = useTranslation();
  const refresh = useRefresh(v.model);
  const [stage, setStage] = useState<ModelStage>(v.stage === 'staging' ? 'production' : 'staging');
  const [archive, setArchive] = useState(false);
  const [reason, setReason] = useState('');
  const m = useMutation({
    mutationFn: () => moveModelStage(v.model, v.version, stageMoveBody(stage, archive, reason)),
    onSuccess: async () => {
      setReason('');
      await refresh();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate();
  };
  return (
    <form className="form" onSubmit={submit} data-testid="stage-form">
      <h3>{t('registry.moveStage')}</h3>
      <label className="field">
        <span>{t('registry.stage')}</span>
        <select
          name="stage"
          value={stage}
          onChange={(e) => {
            setStage(e.target.value as ModelStage);
            m.reset();
          }}
        >
          {STAGES.map((s) => (
            <option key={s} value={s} disabled={s === v.stage}>
              {s === 'production' ? t('registry.productionOption') : t(`registry.stages.${s}`)}
            </option>
          ))}
        </select>
      </label>
      {stage === 'production' && <p className="hint">{t('registry.productionHint')}</p>}
      {archiveApplies(stage) && (
        <label className="check-row">
          <input type="checkbox" name="archive-existing" checked={archive} onChange={(e) => setArchive(e.target.checked)} />
          {t('registry.archiveExisting', { stage: t(`registry.stages.${stage}`) })}
        </label>
      )}
      <label className="field">
        <span>{t('registry.reason')}</span>
        <input name="stage-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      {isApprovalRequired(m.error) ? (
        <div className="note-warn" role="alert" data-testid="approval-required">
          <strong>{t('registry.approvalRequired')}</strong> {m.error.message}
          <span className="error-code">{m.error.code}</span>
        </div>
      ) : (
        <ErrorBox error={m.error} />
      )}
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={m.isPending || stage === v.stage}>
          {t('registry.moveSubmit')}
        </button>
      </div>
    </form>
  );
}

function AliasForm({ v }: { v: ModelVersion }) {
  const { t } = useTranslation();
  const refresh = useRefresh(v.model);
  const [alias, setAlias] = useState('');
  const set = useMutation({
    mutationFn: (a: string) => setModelAlias(v.model, a, v.version),
    onSuccess: async () => {
      setAlias('');
      await refresh();
    },
  });
  const remove = useMutation({ mutationFn: (a: string) => deleteModelAlias(v.model, a), onSuccess: refresh });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (alias.trim()) set.mutate(alias.trim());
  };
  return (
    <form className="form" onSubmit={submit} data-testid="alias-form">
      <h3>{t('registry.aliasesOf', { version: v.version })}</h3>
      {v.aliases.length === 0 ? (
        <p className="muted small">{t('registry.noAliases')}</p>
      ) : (
        <ul className="plain-list">
          {v.aliases.map((a) => (
            <li key={a} data-alias={a}>
              <span className="badge alias">@{a}</span>
              <button
                type="button"
                className="btn small danger"
                aria-label={t('registry.removeAlias', { alias: a })}
                disabled={remove.isPending}
                onClick={() => remove.mutate(a)}
              >
                {t('registry.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <label className="field">
        <span>{t('registry.newAlias')}</span>
        <input
          name="alias"
          className="mono"
          placeholder="champion"
          value={alias}
          onChange={(e) => {
            setAlias(e.target.value);
            set.reset();
          }}
        />
        <small className="hint">{t('registry.aliasHint')}</small>
      </label>
      <ErrorBox error={set.error ?? remove.error} />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={set.isPending || !alias.trim()}>
          {t('registry.setAlias')}
        </button>
      </div>
    </form>
  );
}
