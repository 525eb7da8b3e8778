// One model version (REG-1 to REG-3, REG-5): its files by role and hash, the signature, the
// lineage (run, experiment, data versions, package), the stage history (a move made by an approval
// links its request), the version's approval requests and, for holders of model.register, the
// "Request production" form, the stage move outside production and the aliases.
import { useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { deleteModelAlias, getModel, getModelVersion, listApprovals, modelExportUrl, moveModelStage, requestStage, setModelAlias } from '../../api/endpoints';
import type { ApprovalRequest, ModelStage, ModelVersion } from '../../api/types';
import { useAuth } from '../../components/auth';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { RequestStateChip } from '../../components/RequestStateChip';
import { StageChip } from '../../components/StageChip';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { approvalPath, pendingRequestOf, productionRequestBody, progress, requestIdInReason, requestsOfVersion } from '../../lib/approvals';
import { formatDateTime, formatDateTimeShort } from '../../lib/format';
import { archiveApplies, archivedForVersion, isApprovalRequired, modelPath, shortHash, STAGES, stageMoveBody } from '../../lib/registry';
import { approvalsKey, RefusalBox } from '../approvals/shared';
import { ModelCardPanel } from './ModelCardPanel';
import { useModelProject } from './useModelProject';
import { FilesCard, LineageCard, SignatureCard } from './VersionCards';

/** The id of the production request card, which the stage form's pointer scrolls to. */
const REQUEST_CARD_ID = 'production-request';

function goToRequestForm() {
  const card = document.getElementById(REQUEST_CARD_ID);
  card?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  const field = card?.querySelector<HTMLElement>('textarea, a');
  field?.focus({ preventScroll: true });
}

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
                {v.retirement && (
                  <span className="badge" data-testid="version-retired">
                    {t('registry.retired')}
                  </span>
                )}{' '}
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
              {v.retirement && (
                <p className="muted small" data-testid="retirement-record">
                  {t('registry.retiredRecord', {
                    by: v.retirement.retired_by,
                    at: formatDateTime(v.retirement.retired_at, locale),
                    reason: v.retirement.reason,
                    until: formatDateTime(v.retirement.keep_files_until, locale),
                  })}{' '}
                  <Link to={approvalPath(v.retirement.request_id)}>#{v.retirement.request_id}</Link>
                </p>
              )}
            </div>
            {!v.retirement && (
              <div className="actions">
                <a className="btn" href={modelExportUrl(v.model, v.version)} download data-testid="export-triton" title={t('registry.exportHint')}>
                  {t('registry.exportTriton')}
                </a>
              </div>
            )}
          </div>
          <div className="two-col">
            <SummaryCard v={v} />
            <SignatureCard v={v} />
          </div>
          <FilesCard v={v} />
          <LineageCard lineage={v.lineage} projectName={project?.name} />
          <ModelCardPanel v={v} mayEdit={mayRegister} />
          <HistoryCard v={v} versions={modelQ.data?.versions ?? []} locale={locale} />
          {project && <RequestsCard v={v} project={project.name} mayRegister={mayRegister} />}
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
              const request = requestIdInReason(h.reason);
              return (
                <tr key={i}>
                  <td className="small nowrap">{formatDateTimeShort(h.at, locale)}</td>
                  <td>
                    <StageChip stage={h.from} /> → <StageChip stage={h.to} />
                  </td>
                  <td>{h.by}</td>
                  <td data-stat="reason">
                    {h.reason}
                    {request !== null && (
                      <div className="small">
                        <Link to={approvalPath(request)} data-testid="history-request-link">
                          {t('approvals.openRequest', { id: request })}
                        </Link>
                      </div>
                    )}
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
      {stage === 'production' && (
        <p className="hint" data-testid="production-pointer">
          {t('registry.productionHint')}{' '}
          <button type="button" className="link-button" onClick={goToRequestForm}>
            {t('approvals.goToRequestForm')}
          </button>
        </p>
      )}
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
          <span className="error-code">{m.error.code}</span>{' '}
          <button type="button" className="link-button" onClick={goToRequestForm}>
            {t('approvals.goToRequestForm')}
          </button>
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

/**
 * The version's approval requests (all states, newest first) and, for holders of model.register
 * while the version is not in production and has no pending request, the "Request production" form.
 */
function RequestsCard({ v, project, mayRegister }: { v: ModelVersion; project: string; mayRegister: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const q = useQuery({ queryKey: approvalsKey({ project }), queryFn: () => listApprovals({ project }) });
  const [created, setCreated] = useState<ApprovalRequest | null>(null);
  const requests = requestsOfVersion(q.data?.requests, v.model, v.version);
  const pending = pendingRequestOf(q.data?.requests, v.model, v.version);
  const showForm = mayRegister && v.stage !== 'production' && !pending && !created && q.isSuccess;
  return (
    <section className="card" id={REQUEST_CARD_ID} data-testid="production-request">
      <h2>{t('approvals.versionRequests')}</h2>
      {created && (
        <div className="notice" role="status" data-testid="request-created">
          {t('approvals.created', { id: created.id, count: progress(created).required })}{' '}
          <Link to={approvalPath(created.id)} data-testid="request-link">
            {t('approvals.openIt')}
          </Link>
        </div>
      )}
      {pending && !created && (
        <p className="note-warn" data-testid="request-pending">
          {t('approvals.pendingForVersion', { id: pending.id, by: pending.requested_by })}{' '}
          <Link to={approvalPath(pending.id)}>{t('approvals.openRequest', { id: pending.id })}</Link>
        </p>
      )}
      {showForm && <RequestForm v={v} project={project} onCreated={setCreated} />}
      {!mayRegister && v.stage !== 'production' && !pending && (
        <p className="muted small" data-testid="request-needs-permission">
          {t('approvals.needsRegister')}
        </p>
      )}
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.isSuccess && requests.length === 0 && <Empty>{t('approvals.noVersionRequests')}</Empty>}
      {requests.length > 0 && (
        <table className="table compact" data-testid="version-requests">
          <thead>
            <tr>
              <th>{t('approvals.request')}</th>
              <th>{t('approvals.state')}</th>
              <th>{t('approvals.requestedBy')}</th>
              <th>{t('approvals.approvalsCol')}</th>
              <th>{t('approvals.createdAt')}</th>
              <th>{t('registry.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.id} data-request={r.id}>
                <td>
                  <Link to={approvalPath(r.id)}>#{r.id}</Link> <StageChip stage={r.target_stage} />
                </td>
                <td data-stat="state">
                  <RequestStateChip state={r.state} />
                </td>
                <td>{r.requested_by}</td>
                <td className="mono" data-stat="approvals">
                  {t('approvals.nOfN', { n: r.approvals, of: progress(r).required })}
                </td>
                <td className="small nowrap">{formatDateTimeShort(r.created_at, locale)}</td>
                <td className="break">{r.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function RequestForm({ v, project, onCreated }: { v: ModelVersion; project: string; onCreated: (q: ApprovalRequest) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const [archive, setArchive] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const m = useMutation({
    mutationFn: (body: { stage: 'production'; reason: string; archive_existing: boolean }) => requestStage(v.model, v.version, body),
    onSuccess: async (res) => {
      setReason('');
      setArchive(false);
      onCreated(res.request);
      await qc.invalidateQueries({ queryKey: ['approvals'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = productionRequestBody(reason, archive);
    if (!body.ok) {
      setProblem(body.error);
      reasonRef.current?.focus();
      return;
    }
    setProblem(null);
    m.mutate(body.value);
  };
  return (
    <form className="form" onSubmit={submit} data-testid="request-form" noValidate>
      <h3>{t('approvals.requestProduction')}</h3>
      <p className="muted small">{t('approvals.requestHint', { project })}</p>
      <label className="field">
        <span>{t('approvals.reason')}</span>
        <textarea
          ref={reasonRef}
          name="request-reason"
          rows={3}
          value={reason}
          aria-invalid={problem ? true : undefined}
          onChange={(e) => {
            setReason(e.target.value);
            setProblem(null);
            m.reset();
          }}
        />
        <small className="hint">{t('approvals.reasonHint')}</small>
      </label>
      <label className="check-row">
        <input type="checkbox" name="request-archive-existing" checked={archive} onChange={(e) => setArchive(e.target.checked)} />
        {t('approvals.archiveExisting')}
      </label>
      {problem && (
        <p className="hint error" role="alert" data-testid="request-problem">
          {t(problem)}
        </p>
      )}
      <RefusalBox error={m.error} />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={m.isPending}>
          {t('approvals.requestSubmit')}
        </button>
      </div>
    </form>
  );
}
