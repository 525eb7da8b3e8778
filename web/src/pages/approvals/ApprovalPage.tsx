// One approval request (REG-5): what is asked and why, its timeline of events, the evidence a
// reviewer decides on (the version's signature, the model card's written sections and metrics,
// files and lineage, the confirmed package's criteria clause by clause, the run's metrics), and
// the actions: approve (comment optional), reject (comment required), cancel (the requester),
// comment (anyone who reads the project). The server's refusals (409 SELF_APPROVAL, NOT_PENDING,
// …) are shown as it words them.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { approveRequest, cancelRequest, commentOnRequest, getApproval, rejectRequest } from '../../api/endpoints';
import type { ApprovalRequest, ModelVersion } from '../../api/types';
import { useAuth } from '../../components/auth';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { RequestStateChip } from '../../components/RequestStateChip';
import { StageChip } from '../../components/StageChip';
import { ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { useNow } from '../../components/useNow';
import { commentText, EVENT_ACTIONS, formatAge, inboxPath, progress, requestActions, reviewComment } from '../../lib/approvals';
import { formatDateTime } from '../../lib/format';
import { shortHash, versionPath } from '../../lib/registry';
import { FilesCard, LineageCard, SignatureCard } from '../model/VersionCards';
import { useModelProject } from '../model/useModelProject';
import { CardEvidence } from './CardEvidence';
import { approvalKey, RefusalBox } from './shared';

export default function ApprovalPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { id = '' } = useParams();
  const q = useQuery({ queryKey: approvalKey(id), queryFn: () => getApproval(id) });
  const r = q.data?.request;
  const project = useModelProject(r?.project_id);
  return (
    <div className="page">
      <Breadcrumbs items={[{ label: t('approvals.title'), to: inboxPath() }, { label: `#${id}` }]} />
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {r && (
        <>
          <div className="page-head">
            <div>
              <h1 data-testid="request-title">
                {t('approvals.requestTitle', { id: r.id })} <RequestStateChip state={r.state} />
              </h1>
              <div className="muted small">
                {t('approvals.askedBy', { by: r.requested_by, at: formatDateTime(r.created_at, locale) })}
                {project && (
                  <>
                    {' · '}
                    <Link to={`/projects/${encodeURIComponent(project.name)}?tab=models`}>{project.display_name || project.name}</Link>
                  </>
                )}
              </div>
            </div>
          </div>
          <div className="two-col">
            <DetailsCard r={r} />
            <ActionsCard r={r} projectName={project?.name} />
          </div>
          <TimelineCard r={r} />
          {r.evidence && <Evidence v={r.evidence} projectName={project?.name} />}
        </>
      )}
    </div>
  );
}

function DetailsCard({ r }: { r: ApprovalRequest }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const p = progress(r);
  const rows: [string, React.ReactNode][] = [
    [
      t('approvals.modelVersion'),
      <Link to={versionPath(r.model, r.version)} data-testid="request-version-link">
        {r.model} v{r.version}
      </Link>,
    ],
    [
      t('approvals.move'),
      // While pending: from the version's stage now; once decided, that stage says nothing of the request.
      <span data-testid="request-move">
        {r.state === 'pending' && r.evidence && (
          <>
            <StageChip stage={r.evidence.stage} /> →{' '}
          </>
        )}
        <StageChip stage={r.target_stage} />
      </span>,
    ],
    [t('approvals.archiveExistingShort'), r.archive_existing ? t('approvals.archiveYes') : t('approvals.archiveNo')],
    [t('approvals.reason'), <span className="break" data-testid="request-reason">{r.reason}</span>],
    [
      t('approvals.approvalsCol'),
      <span data-testid="request-progress">
        {t('approvals.nOfN', { n: p.approvals, of: p.required })}
        {r.state === 'pending' && p.remaining > 0 && <span className="muted small"> · {t('approvals.remaining', { count: p.remaining })}</span>}
      </span>,
    ],
    [t('approvals.requestedBy'), r.requested_by],
    [t('approvals.createdAt'), formatDateTime(r.created_at, locale)],
    [t('approvals.decidedAt'), r.decided_at ? formatDateTime(r.decided_at, locale) : ''],
  ];
  return (
    <section className="card" data-testid="request-details">
      <h2>{t('approvals.details')}</h2>
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

function useAfterChange(r: ApprovalRequest) {
  const qc = useQueryClient();
  return async () => {
    await qc.invalidateQueries({ queryKey: ['approvals'] });
    await qc.invalidateQueries({ queryKey: ['model', r.model] });
    await qc.invalidateQueries({ queryKey: ['models'] });
  };
}

function ActionsCard({ r, projectName }: { r: ApprovalRequest; projectName?: string }) {
  const { t } = useTranslation();
  const { me, can } = useAuth();
  const username = me?.user.username;
  const canApprove = !!projectName && can('model.approve', projectName);
  const canRegister = !!projectName && can('model.register', projectName);
  const actions = requestActions(r, username, canApprove, canRegister);
  const refresh = useAfterChange(r);
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const review = useMutation({
    mutationFn: ({ decision, text }: { decision: 'approve' | 'reject'; text: string }) =>
      decision === 'approve' ? approveRequest(r.id, text) : rejectRequest(r.id, text),
    onSuccess: async () => {
      setComment('');
      await refresh();
    },
  });
  const cancel = useMutation({ mutationFn: () => cancelRequest(r.id), onSuccess: refresh });
  const decide = (decision: 'approve' | 'reject') => {
    cancel.reset();
    const checked = reviewComment(decision, comment);
    if (!checked.ok) {
      setProblem(checked.error);
      review.reset();
      return;
    }
    setProblem(null);
    review.mutate({ decision, text: checked.value });
  };
  const submit = (e: FormEvent) => e.preventDefault();
  const busy = review.isPending || cancel.isPending;
  return (
    <section className="card" data-testid="request-actions">
      <h2>{t('approvals.actions')}</h2>
      {r.state !== 'pending' && (
        <p className="muted" data-testid="request-decided">
          {t(`approvals.decided.${r.state}`)}
        </p>
      )}
      {actions.reviewed && (
        <p className="muted small" data-testid="you-reviewed">
          {t(actions.reviewed === 'approve' ? 'approvals.youApproved' : 'approvals.youRejected')}
        </p>
      )}
      {actions.review && (
        <form className="form" onSubmit={submit} data-testid="review-form" noValidate>
          {actions.ownRequest && <p className="note-warn small">{t('approvals.ownRequestNote')}</p>}
          <label className="field">
            <span>{t('approvals.reviewComment')}</span>
            <textarea
              name="review-comment"
              rows={3}
              value={comment}
              aria-invalid={problem ? true : undefined}
              onChange={(e) => {
                setComment(e.target.value);
                setProblem(null);
              }}
            />
            <small className="hint">{t('approvals.reviewCommentHint')}</small>
          </label>
          {problem && (
            <p className="hint error" role="alert" data-testid="review-problem">
              {t(problem)}
            </p>
          )}
          <div className="form-actions">
            <button type="button" className="btn primary" disabled={busy} onClick={() => decide('approve')}>
              {t('approvals.approve')}
            </button>
            <button type="button" className="btn danger" disabled={busy} onClick={() => decide('reject')}>
              {t('approvals.reject')}
            </button>
          </div>
        </form>
      )}
      {r.state === 'pending' && !canApprove && (
        <p className="muted small" data-testid="review-needs-permission">
          {t('approvals.needsApprove')}
        </p>
      )}
      {actions.cancel && (
        <div className="form-actions">
          <button type="button" className="btn" disabled={busy} onClick={() => cancel.mutate()} data-testid="cancel-request">
            {t('approvals.cancel')}
          </button>
        </div>
      )}
      <RefusalBox error={review.error ?? cancel.error} testId="action-error" />
    </section>
  );
}

function TimelineCard({ r }: { r: ApprovalRequest }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const now = useNow(true, 30_000);
  const refresh = useAfterChange(r);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: (body: string) => commentOnRequest(r.id, body),
    onSuccess: async () => {
      setText('');
      await refresh();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = commentText(text);
    if (!checked.ok) {
      setProblem(checked.error);
      return;
    }
    setProblem(null);
    add.mutate(checked.value);
  };
  return (
    <section className="card" data-testid="request-timeline">
      <h2>{t('approvals.timeline')}</h2>
      <ol className="timeline request-timeline">
        {r.events.map((e, i) => (
          <li key={i} className={`timeline-item event-${e.action}`} data-action={e.action} data-actor={e.actor}>
            <span className="timeline-dot" aria-hidden="true" />
            <div className="timeline-title">
              <strong>{e.actor}</strong>
              <span>
                {(EVENT_ACTIONS as readonly string[]).includes(e.action) ? t(`approvals.events.${e.action}`) : e.action}
              </span>
              <span className="muted small" title={formatDateTime(e.at, locale)}>
                {formatAge(e.at, now, locale)}
              </span>
            </div>
            {e.comment && <div className="timeline-note break">{e.comment}</div>}
          </li>
        ))}
      </ol>
      <form className="form comment-form" onSubmit={submit} data-testid="comment-form" noValidate>
        <label className="field">
          <span>{t('approvals.addComment')}</span>
          <textarea
            name="comment-text"
            rows={2}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setProblem(null);
              add.reset();
            }}
          />
        </label>
        {problem && (
          <p className="hint error" role="alert">
            {t(problem)}
          </p>
        )}
        <RefusalBox error={add.error} />
        <div className="form-actions">
          <button type="submit" className="btn" disabled={add.isPending}>
            {t('approvals.commentSubmit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function Evidence({ v, projectName }: { v: ModelVersion; projectName?: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const rows: [string, React.ReactNode][] = [
    [t('registry.format'), v.format],
    [t('registry.flavor'), v.flavor],
    [t('registry.modelFile'), <span className="mono">{v.model_file}</span>],
    [t('registry.source'), <span className="mono break">{v.source}</span>],
    [t('registry.contentHash'), <span className="mono" title={v.content_sha256}>{shortHash(v.content_sha256, 16)}</span>],
    [t('approvals.currentStage'), <StageChip stage={v.stage} />],
    [t('approvals.registeredBy'), t('registry.createdBy', { by: v.created_by, at: formatDateTime(v.created_at, locale) })],
  ];
  return (
    <div data-testid="evidence">
      <h2 className="section-title">{t('approvals.evidence')}</h2>
      <p className="muted small">{t('approvals.evidenceHint')}</p>
      <div className="two-col">
        <section className="card" data-testid="evidence-summary">
          <h2>
            <Link to={versionPath(v.model, v.version)}>
              {v.model} v{v.version}
            </Link>
          </h2>
          <dl className="kv">
            {rows.map(([k, val]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{val || <span className="muted">—</span>}</dd>
              </div>
            ))}
          </dl>
        </section>
        <SignatureCard v={v} />
      </div>
      <CardEvidence v={v} />
      <LineageCard lineage={v.lineage} projectName={projectName} />
      {!v.lineage?.package && (
        <p className="muted small" data-testid="no-package">
          {t('approvals.noPackage')}
        </p>
      )}
      <FilesCard v={v} />
    </div>
  );
}
