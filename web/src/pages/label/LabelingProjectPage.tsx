// One labeling project: progress per labeler, batch and class; my work and the review queue
// (each row opens the annotation page); agreement between labelers with the disagreements; the
// label history of every item; assignment and finishing for those who manage labeling.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { assignItems, finishLabeling, getLabelingProject, labelAgreement, labelHistory, listAssignments } from '../../api/labelEndpoints';
import type { Assignment, LabelingProject } from '../../api/labelTypes';
import { useAuth } from '../../components/auth';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { Tabs } from '../../components/Tabs';
import { useLocale } from '../../components/useLocale';
import { formatDateTimeShort } from '../../lib/format';
import { ASSIGNMENT_STATES } from '../../lib/label';

export const LABELING_TABS = ['overview', 'work', 'review', 'agreement', 'history', 'manage'] as const;
type TabId = (typeof LABELING_TABS)[number];

const num = (v: unknown) => (typeof v === 'number' ? v.toFixed(3) : '—');

function itemLink(project: string, labeling: string, a: Assignment, review: boolean) {
  return `/projects/${encodeURIComponent(project)}/labeling/${encodeURIComponent(labeling)}/items/${a.item_id}${review ? `?review=1&assignment=${a.id}` : ''}`;
}

function Overview({ lp }: { lp: LabelingProject }) {
  const { t } = useTranslation();
  const p = lp.progress;
  return (
    <div data-testid="label-overview">
      <p>
        {t('labeling.acceptedOf', { accepted: p.accepted_items, total: p.items })} · {t('labeling.assignedItems', { count: p.assigned_items })}
      </p>
      <table className="table small" data-testid="labeler-progress">
        <thead>
          <tr>
            <th>{t('labeling.labeler')}</th>
            {ASSIGNMENT_STATES.map((s) => (
              <th key={s}>{t(`labeling.states.${s}`)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.labelers.map((l) => (
            <tr key={l.labeler} data-labeler={l.labeler}>
              <td>{l.labeler}</td>
              {ASSIGNMENT_STATES.map((s) => (
                <td key={s} data-state={s}>
                  {l[s]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('labeling.batches')}</h3>
      <ul className="small">
        {p.batches.map((b) => (
          <li key={b.batch}>
            {t('labeling.batchN', { batch: b.batch })}: {t('labeling.acceptedOf', { accepted: b.accepted_items, total: b.items })}
          </li>
        ))}
      </ul>
      <h3>{t('labeling.classes')}</h3>
      <ul className="small" data-testid="class-progress">
        {p.classes.map((c) => (
          <li key={c.class}>
            {c.class}: {c.annotations}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Queue({ project, labeling, review }: { project: string; labeling: string; review: boolean }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['label-queue', project, labeling, review],
    queryFn: () => listAssignments(project, labeling, review ? { state: 'submitted' } : { mine: 1 }),
  });
  const rows = q.data?.assignments ?? [];
  return (
    <div data-testid={review ? 'review-queue' : 'my-work'}>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && rows.length === 0 && <Empty>{review ? t('labeling.reviewEmpty') : t('labeling.workEmpty')}</Empty>}
      {rows.length > 0 && (
        <table className="table small">
          <tbody>
            {rows.map((a) => (
              <tr key={a.id} data-path={a.path}>
                <td>
                  <Link to={itemLink(project, labeling, a, review)}>{a.path}</Link>
                </td>
                <td>{a.labeler}</td>
                <td>{t(`labeling.states.${a.state}`)}</td>
                <td>{t('labeling.batchN', { batch: a.batch ?? 0 })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Agreement({ project, labeling }: { project: string; labeling: string }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['label-agreement', project, labeling], queryFn: () => labelAgreement(project, labeling) });
  const a = q.data?.agreement;
  return (
    <div data-testid="agreement">
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {a && a.items_compared === 0 && <Empty>{t('labeling.agreementEmpty')}</Empty>}
      {a && a.items_compared > 0 && (
        <>
          <p>
            {t('labeling.itemsCompared', { count: a.items_compared })} · {t('labeling.disagreementCount', { count: a.disagreement_count })}
          </p>
          {a.hlp && (
            <p data-testid="hlp">
              {t('labeling.hlp')}: {a.hlp.metric} {num(a.hlp.value)}
            </p>
          )}
          <table className="table small" data-testid="agreement-overall">
            <tbody>
              {Object.entries(a.overall).map(([k, v]) => (
                <tr key={k} data-metric={k}>
                  <td>{k}</td>
                  <td className="mono">{typeof v === 'number' && Number.isInteger(v) ? v : num(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('labeling.perLabeler')}</h3>
          <table className="table small">
            <tbody>
              {a.per_labeler.map((l) => (
                <tr key={l.labeler}>
                  <td>{l.labeler}</td>
                  {Object.entries(l)
                    .filter(([k]) => k !== 'labeler')
                    .map(([k, v]) => (
                      <td key={k}>
                        {k} {typeof v === 'number' && !Number.isInteger(v) ? num(v) : String(v)}
                      </td>
                    ))}
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('labeling.perClass')}</h3>
          <table className="table small">
            <tbody>
              {a.per_class.map((c) => (
                <tr key={c.class}>
                  <td>{c.class}</td>
                  {Object.entries(c)
                    .filter(([k]) => k !== 'class')
                    .map(([k, v]) => (
                      <td key={k}>
                        {k} {typeof v === 'number' && !Number.isInteger(v) ? num(v) : String(v ?? '—')}
                      </td>
                    ))}
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('labeling.disagreements')}</h3>
          <table className="table small" data-testid="disagreements">
            <tbody>
              {a.disagreements.map((d) => (
                <tr key={`${d.item_id}-${d.unit ?? ''}`}>
                  <td>
                    <Link to={`/projects/${encodeURIComponent(project)}/labeling/${encodeURIComponent(labeling)}/items/${d.item_id}`}>{d.path}</Link>
                    {d.unit && <span className="muted"> {d.unit}</span>}
                  </td>
                  <td>
                    {Object.entries(d.labels).map(([who, v]) => (
                      <div key={who}>
                        {who}: {v}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

function History({ project, labeling }: { project: string; labeling: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const q = useQuery({ queryKey: ['label-history-all', project, labeling], queryFn: () => labelHistory(project, labeling) });
  return (
    <div>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      <table className="table small" data-testid="label-history">
        <tbody>
          {(q.data?.events ?? []).map((e) => (
            <tr key={e.id} data-action={e.action} data-path={e.path}>
              <td className="nowrap">{formatDateTimeShort(e.at, locale)}</td>
              <td>{e.actor}</td>
              <td>{t(`labeling.actions.${e.action}`)}</td>
              <td>
                <Link to={`/projects/${encodeURIComponent(project)}/labeling/${encodeURIComponent(labeling)}/items/${e.item_id}`}>{e.path}</Link>
              </td>
              <td>{e.comment}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Manage({ project, lp }: { project: string; lp: LabelingProject }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [labelers, setLabelers] = useState('');
  const [manual, setManual] = useState(false);
  const [overlap, setOverlap] = useState(String(lp.overlap));
  const [message, setMessage] = useState('');
  const [partial, setPartial] = useState(false);
  const refresh = () => void qc.invalidateQueries({ queryKey: ['labeling', project, lp.name] });
  const assign = useMutation({
    mutationFn: () =>
      assignItems(project, lp.name, {
        mode: manual ? 'manual' : 'round_robin',
        labelers: labelers.split(',').map((s) => s.trim()).filter(Boolean),
        overlap: manual ? undefined : Number(overlap),
      }),
    onSuccess: refresh,
  });
  const finish = useMutation({ mutationFn: () => finishLabeling(project, lp.name, message, partial), onSuccess: refresh });
  if (lp.state === 'finished') return <p data-testid="finished">{t('labeling.finishedAs', { version: lp.result_version ?? '' })}</p>;
  return (
    <div>
      <form
        className="form-grid"
        data-testid="assign-form"
        onSubmit={(e) => {
          e.preventDefault();
          assign.mutate();
        }}
      >
        <label>
          {t('labeling.labelers')}
          <input className="input" data-testid="assign-labelers" value={labelers} placeholder="kim, lee" onChange={(e) => setLabelers(e.target.value)} />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={manual} onChange={(e) => setManual(e.target.checked)} /> {t('labeling.manual')}
        </label>
        {!manual && (
          <label>
            {t('labeling.overlap')}
            <input className="input" type="number" min={1} value={overlap} onChange={(e) => setOverlap(e.target.value)} />
          </label>
        )}
        <button type="submit" className="btn" data-testid="assign" disabled={assign.isPending}>
          {t('labeling.assign')}
        </button>
        <ErrorBox error={assign.error} />
        {assign.data && <span className="small muted">{t('labeling.assigned', { count: assign.data.added })}</span>}
      </form>
      <form
        className="form-grid"
        data-testid="finish-form"
        onSubmit={(e) => {
          e.preventDefault();
          finish.mutate();
        }}
      >
        <label>
          {t('labeling.message')}
          <input className="input" value={message} onChange={(e) => setMessage(e.target.value)} />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={partial} onChange={(e) => setPartial(e.target.checked)} /> {t('labeling.allowPartial')}
        </label>
        <button type="submit" className="btn primary" data-testid="finish" disabled={finish.isPending}>
          {t('labeling.finish')}
        </button>
        <ErrorBox error={finish.error} />
      </form>
    </div>
  );
}

export default function LabelingProjectPage() {
  const { t } = useTranslation();
  const { project = '', labeling = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const { can } = useAuth();
  const tab: TabId = (LABELING_TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as TabId) : 'overview';
  const q = useQuery({ queryKey: ['labeling', project, labeling], queryFn: () => getLabelingProject(project, labeling) });
  const lp = q.data?.labeling_project;
  const tabs = LABELING_TABS.filter((id) => id !== 'manage' || can('label.manage', project));
  return (
    <div className="page" data-testid="labeling-page">
      <Breadcrumbs
        items={[
          { label: t('nav.projects'), to: '/projects' },
          { label: project, to: `/projects/${encodeURIComponent(project)}?tab=labeling` },
          { label: labeling },
        ]}
      />
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {lp && (
        <>
          <div className="page-head">
            <div>
              <h1>{lp.name}</h1>
              <div className="muted small">
                {lp.dataset} {lp.data_version} · {lp.schema.name} v{lp.schema.version} · {t(`labeling.taskTypes.${lp.schema.task_type}`)} ·{' '}
                {lp.state === 'finished' ? (
                  <Link to={`/projects/${encodeURIComponent(project)}/datasets/${encodeURIComponent(lp.dataset)}/versions/${lp.result_version}`}>
                    {t('labeling.finishedAs', { version: lp.result_version ?? '' })}
                  </Link>
                ) : (
                  t('labeling.open')
                )}
              </div>
              {lp.description && <p className="muted">{lp.description}</p>}
            </div>
          </div>
          <Tabs tabs={tabs.map((id) => ({ id, label: t(`labeling.tabs.${id}`) }))} active={tab} onChange={(id) => setParams({ tab: id }, { replace: true })} />
          <div className="tab-panel">
            {tab === 'overview' && <Overview lp={lp} />}
            {tab === 'work' && <Queue project={project} labeling={labeling} review={false} />}
            {tab === 'review' && <Queue project={project} labeling={labeling} review />}
            {tab === 'agreement' && <Agreement project={project} labeling={labeling} />}
            {tab === 'history' && <History project={project} labeling={labeling} />}
            {tab === 'manage' && <Manage project={project} lp={lp} />}
          </div>
        </>
      )}
    </div>
  );
}
