// One item of a labeling project, annotated with the tool of its schema's task type. Every change
// is kept in localStorage at once and saved to the server as a draft after a pause; when the tab
// closes a keepalive request carries the last change, and a local copy newer than the server's is
// restored on the next visit. Reviewers open a submitted assignment here to accept or reject it.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import {
  getLabelItem,
  getLabelingProject,
  itemContentUrl,
  labelHistory,
  listAssignments,
  reviewAssignment,
  saveDraft,
  saveDraftOnExit,
  submitAnnotation,
} from '../../api/labelEndpoints';
import type { Annotation, Assignment, LabelingProject } from '../../api/labelTypes';
import { useAuth } from '../../components/auth';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTimeShort } from '../../lib/format';
import { classForKey, draftKey, emptyAnnotation, pickDraft, readDraft, writeDraft } from '../../lib/label';
import { ImageCanvas } from './ImageCanvas';
import { ClassPicker, QaHighlighter, SpanTagger, TableRows } from './TextTools';

const AUTOSAVE_MS = 700;
type SaveState = 'saved' | 'saving' | 'unsaved' | 'failed';

function useItemText(url: string, enabled: boolean) {
  return useQuery({
    queryKey: ['label-item-text', url],
    enabled,
    queryFn: async () => {
      const r = await fetch(url, { credentials: 'same-origin' });
      if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
      return r.text();
    },
  });
}

export default function AnnotatePage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { project = '', labeling = '', item: itemParam = '' } = useParams();
  const [params] = useSearchParams();
  const review = params.get('review') === '1';
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { me, can } = useAuth();
  const username = me?.user.username;
  const itemId = Number(itemParam);

  const lpQ = useQuery({ queryKey: ['labeling', project, labeling], queryFn: () => getLabelingProject(project, labeling) });
  const itemQ = useQuery({ queryKey: ['label-item', project, labeling, itemId], queryFn: () => getLabelItem(project, labeling, itemId) });
  // The queue next/previous walk: my assignments, or the review queue.
  const queueQ = useQuery({
    queryKey: ['label-queue', project, labeling, review],
    queryFn: () => listAssignments(project, labeling, review ? { state: 'submitted' } : { mine: 1 }),
  });
  const historyQ = useQuery({ queryKey: ['label-history', project, labeling, itemId], queryFn: () => labelHistory(project, labeling, itemId) });
  const lp: LabelingProject | undefined = lpQ.data?.labeling_project;
  const item = itemQ.data?.item;
  const type = lp?.schema.task_type;
  const wanted = Number(params.get('assignment') || 0);
  const assignment: Assignment | undefined =
    item?.assignments.find((a) => a.id === wanted) ?? item?.assignments.find((a) => a.labeler === username) ?? item?.assignments[0];
  const mine = !!assignment && assignment.labeler === username;
  const editable = !review && mine && ['todo', 'in_progress', 'rejected'].includes(assignment.state) && lp?.state === 'open';
  const contentUrl = itemContentUrl(project, labeling, itemId);
  const textQ = useItemText(contentUrl, !!type && !['image_classification', 'object_detection', 'segmentation'].includes(type));

  const [annotation, setAnnotation] = useState<Annotation | null>(null);
  const [saveState, setSaveState] = useState<SaveState>('saved');
  const [error, setError] = useState<unknown>(null);
  const [activeClass, setActiveClass] = useState('');
  const [comment, setComment] = useState('');
  // The state the last save answered (the item itself is not reloaded after each autosave).
  const [savedState, setSavedState] = useState<string | null>(null);
  const dirty = useRef(false);
  const latest = useRef<Annotation | null>(null);
  const key = assignment ? draftKey(project, labeling, assignment.id) : '';

  // Start from the newer of the local copy and the server's annotation.
  useEffect(() => {
    if (!assignment || !type) return;
    const local = editable ? readDraft(key) : null;
    const start = pickDraft(local, assignment.annotation, assignment.updated_at) ?? emptyAnnotation(type);
    const initial = Object.keys(start).length ? start : emptyAnnotation(type);
    setAnnotation(initial);
    latest.current = initial;
    dirty.current = !!local && local.savedAt > assignment.updated_at;
    setSaveState(dirty.current ? 'unsaved' : 'saved');
    setComment('');
    setSavedState(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [assignment?.id, assignment?.revision, assignment?.state, type]);

  useEffect(() => {
    if (lp && !activeClass && lp.schema.spec.classes.length) setActiveClass(lp.schema.spec.classes[0].name);
  }, [lp, activeClass]);

  const flush = useCallback(async () => {
    if (!assignment || !dirty.current || !latest.current) return;
    const sent = latest.current;
    setSaveState('saving');
    try {
      const saved = await saveDraft(project, labeling, assignment.id, sent);
      setSavedState(saved.assignment.state);
      if (latest.current === sent) {
        dirty.current = false;
        setSaveState('saved');
        localStorage.removeItem(key);  // the server holds it now
      }
      setError(null);
      void queryClient.invalidateQueries({ queryKey: ['label-history', project, labeling, itemId] });
    } catch (e) {
      setSaveState('failed');
      setError(e);
    }
  }, [assignment, project, labeling, itemId, queryClient, key]);

  // Autosave after a pause in editing.
  useEffect(() => {
    if (saveState !== 'unsaved') return;
    const timer = setTimeout(() => void flush(), AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [saveState, annotation, flush]);

  // The tab closing: send what is unsaved with a keepalive request.
  useEffect(() => {
    const onHide = () => {
      if (dirty.current && latest.current && assignment) saveDraftOnExit(project, labeling, assignment.id, latest.current);
    };
    window.addEventListener('pagehide', onHide);
    window.addEventListener('beforeunload', onHide);
    return () => {
      window.removeEventListener('pagehide', onHide);
      window.removeEventListener('beforeunload', onHide);
    };
  }, [assignment, project, labeling]);

  const change = (a: Annotation) => {
    if (!editable || !assignment) return;
    setAnnotation(a);
    latest.current = a;
    dirty.current = true;
    writeDraft(key, { annotation: a, savedAt: Date.now(), serverUpdatedAt: assignment.updated_at });
    setSaveState('unsaved');
  };

  const queue = useMemo(() => {
    const seen = new Set<number>();
    return (queueQ.data?.assignments ?? []).filter((a) => !seen.has(a.item_id) && seen.add(a.item_id));
  }, [queueQ.data]);
  const at = queue.findIndex((a) => a.item_id === itemId);
  const go = useCallback(
    async (delta: number) => {
      const next = queue[at + delta];
      if (!next) return;
      await flush();
      navigate(`/projects/${encodeURIComponent(project)}/labeling/${encodeURIComponent(labeling)}/items/${next.item_id}${review ? `?review=1&assignment=${next.id}` : ''}`);
    },
    [queue, at, flush, navigate, project, labeling, review],
  );

  // Keys: class hotkeys, arrows (or [ and ]) for previous and next.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement)?.closest('input, textarea, select') || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'ArrowRight' || e.key === ']') void go(1);
      else if (e.key === 'ArrowLeft' || e.key === '[') void go(-1);
      else if (lp) {
        const cls = classForKey(lp.schema.spec.classes, e.key);
        if (!cls) return;
        setActiveClass(cls);
        if (annotation && (type === 'image_classification' || type === 'text_classification')) {
          const chosen = annotation.classes ?? [];
          change(lp.schema.spec.multi_label ? { classes: chosen.includes(cls) ? chosen.filter((c) => c !== cls) : [...chosen, cls] } : { classes: [cls] });
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const submit = async () => {
    if (!assignment || !annotation) return;
    try {
      setSaveState('saving');
      await submitAnnotation(project, labeling, assignment.id, annotation);
      dirty.current = false;
      setSaveState('saved');
      setError(null);
      localStorage.removeItem(key);
      await queryClient.invalidateQueries({ queryKey: ['label-item', project, labeling, itemId] });
      await queryClient.invalidateQueries({ queryKey: ['label-history', project, labeling, itemId] });
      await queryClient.invalidateQueries({ queryKey: ['label-queue', project, labeling] });
    } catch (e) {
      setSaveState('failed');
      setError(e);
    }
  };
  const decide = async (decision: 'accept' | 'reject') => {
    if (!assignment) return;
    try {
      await reviewAssignment(project, labeling, assignment.id, decision, comment);
      setError(null);
      await queryClient.invalidateQueries({ queryKey: ['label-item', project, labeling, itemId] });
      await queryClient.invalidateQueries({ queryKey: ['label-history', project, labeling, itemId] });
      await queryClient.invalidateQueries({ queryKey: ['label-queue', project, labeling] });
    } catch (e) {
      setError(e);
    }
  };

  let qa = { context: '', question: '' };
  if (type === 'qa' && textQ.data !== undefined) {
    try {
      const j = JSON.parse(textQ.data) as { context?: string; question?: string };
      qa = { context: j.context ?? '', question: j.question ?? '' };
    } catch {
      qa = { context: textQ.data, question: '' };
    }
  }

  return (
    <div className="page" data-testid="annotate-page">
      <Breadcrumbs
        items={[
          { label: t('nav.projects'), to: '/projects' },
          { label: project, to: `/projects/${encodeURIComponent(project)}?tab=labeling` },
          { label: labeling, to: `/projects/${encodeURIComponent(project)}/labeling/${encodeURIComponent(labeling)}` },
          { label: item?.path ?? String(itemId) },
        ]}
      />
      {(lpQ.isPending || itemQ.isPending) && <Loading />}
      <ErrorBox error={lpQ.error || itemQ.error || textQ.error} />
      {lp && item && (
        <>
          <div className="page-head">
            <div>
              <h1 className="mono">{item.path}</h1>
              <div className="muted small">
                {t(`labeling.taskTypes.${lp.schema.task_type}`)} · {t('labeling.batchN', { batch: item.batch })} ·{' '}
                {assignment ? (
                  <>
                    <span data-testid="assignment-labeler">{assignment.labeler}</span> ·{' '}
                    <span className="badge" data-testid="assignment-state">
                      {t(`labeling.states.${savedState ?? assignment.state}`)}
                    </span>
                  </>
                ) : (
                  t('labeling.notAssigned')
                )}
              </div>
              {assignment?.state === 'rejected' && assignment.comment && (
                <div className="error-box" data-testid="reject-comment">
                  {t('labeling.rejectedBecause', { reviewer: assignment.reviewer })}: {assignment.comment}
                </div>
              )}
            </div>
            <div className="actions">
              <button type="button" className="btn" data-testid="prev" disabled={at <= 0} onClick={() => void go(-1)}>
                ← {t('labeling.previous')}
              </button>
              <span className="muted small">{at >= 0 ? `${at + 1} / ${queue.length}` : ''}</span>
              <button type="button" className="btn" data-testid="next" disabled={at < 0 || at + 1 >= queue.length} onClick={() => void go(1)}>
                {t('labeling.next')} →
              </button>
            </div>
          </div>
          {lp.schema.spec.classes.length > 0 && type !== 'image_classification' && type !== 'text_classification' && type !== 'tabular_classification' && (
            <div className="class-picker" data-testid="active-class">
              {lp.schema.spec.classes.map((c) => (
                <button
                  key={c.name}
                  type="button"
                  data-class={c.name}
                  className={activeClass === c.name ? 'btn small primary' : 'btn small'}
                  onClick={() => setActiveClass(c.name)}
                  title={c.description}
                >
                  <span className="swatch" style={{ background: c.color || '#868e96' }} /> {c.name} {c.hotkey && <kbd>{c.hotkey}</kbd>}
                </button>
              ))}
            </div>
          )}
          {annotation && (
            <div className="label-workspace">
              {(type === 'object_detection' || type === 'segmentation') && (
                <ImageCanvas
                  src={contentUrl}
                  annotation={annotation}
                  classes={lp.schema.spec.classes}
                  activeClass={activeClass}
                  readOnly={!editable}
                  mode={type}
                  onChange={change}
                />
              )}
              {type === 'image_classification' && <img src={contentUrl} alt={item.path} className="label-image" />}
              {(type === 'image_classification' || type === 'text_classification') && (
                <>
                  {type === 'text_classification' && <div className="label-text">{textQ.data}</div>}
                  <ClassPicker classes={lp.schema.spec.classes} multi={lp.schema.spec.multi_label} annotation={annotation} readOnly={!editable} onChange={change} />
                </>
              )}
              {type === 'ner' && textQ.data !== undefined && (
                <SpanTagger
                  text={textQ.data}
                  annotation={annotation}
                  classes={lp.schema.spec.classes}
                  activeClass={activeClass}
                  allowOverlap={lp.schema.spec.allow_overlap}
                  readOnly={!editable}
                  onChange={change}
                />
              )}
              {type === 'qa' && textQ.data !== undefined && (
                <QaHighlighter context={qa.context} question={qa.question} annotation={annotation} readOnly={!editable} onChange={change} />
              )}
              {type === 'tabular_classification' && textQ.data !== undefined && (
                <TableRows csv={textQ.data} classes={lp.schema.spec.classes} annotation={annotation} readOnly={!editable} onChange={change} />
              )}
            </div>
          )}
          <ErrorBox error={error} />
          <div className="actions">
            {editable && (
              <>
                <span className="muted small" data-testid="save-state">
                  {t(`labeling.saveStates.${saveState}`)}
                </span>
                <button type="button" className="btn primary" data-testid="submit" onClick={() => void submit()}>
                  {t('labeling.submit')}
                </button>
              </>
            )}
            {review && assignment?.state === 'submitted' && can('label.manage', project) && (
              <>
                <input
                  className="input"
                  data-testid="review-comment"
                  placeholder={t('labeling.commentPlaceholder')}
                  value={comment}
                  onChange={(e) => setComment(e.target.value)}
                />
                <button type="button" className="btn primary" data-testid="accept" onClick={() => void decide('accept')}>
                  {t('labeling.accept')}
                </button>
                <button type="button" className="btn danger" data-testid="reject" onClick={() => void decide('reject')}>
                  {t('labeling.reject')}
                </button>
              </>
            )}
          </div>
          {item.assignments.length > 1 && (
            <p className="small muted">
              {t('labeling.otherAssignments')}:{' '}
              {item.assignments.map((a) => (
                <Link key={a.id} to={`?${review ? 'review=1&' : ''}assignment=${a.id}`} className="badge">
                  {a.labeler} ({t(`labeling.states.${a.state}`)})
                </Link>
              ))}
            </p>
          )}
          <h2>{t('labeling.history')}</h2>
          <table className="table small" data-testid="item-history">
            <tbody>
              {(historyQ.data?.events ?? []).map((e) => (
                <tr key={e.id} data-action={e.action}>
                  <td className="nowrap">{formatDateTimeShort(e.at, locale)}</td>
                  <td>{e.actor}</td>
                  <td>{t(`labeling.actions.${e.action}`)}</td>
                  <td>{e.comment}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
