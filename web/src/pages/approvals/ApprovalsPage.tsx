// The approvals inbox (REG-5): the requests of the caller's projects by state (pending first, as
// an inbox), optionally of one project, with those awaiting the caller's review on top and marked.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { listApprovals, listProjects } from '../../api/endpoints';
import { RequestStateChip } from '../../components/RequestStateChip';
import { StageChip } from '../../components/StageChip';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { Tabs } from '../../components/Tabs';
import { useLocale } from '../../components/useLocale';
import { useNow } from '../../components/useNow';
import { approvalPath, awaitingCount, formatAge, INBOX_FILTERS, inboxFilter, progress, sortInbox, stateParam } from '../../lib/approvals';
import { formatDateTime } from '../../lib/format';
import { projectNameOf, versionPath } from '../../lib/registry';
import { approvalsKey } from './shared';

export default function ApprovalsPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const now = useNow(true, 30_000);
  const [params, setParams] = useSearchParams();
  const filter = inboxFilter(params.get('state'));
  const project = params.get('project') ?? '';
  const state = stateParam(filter);
  const q = useQuery({
    queryKey: approvalsKey({ state, project: project || undefined }),
    queryFn: () => listApprovals({ state, project: project || undefined }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  const projects = useQuery({ queryKey: ['projects'], queryFn: listProjects });
  const requests = sortInbox(q.data?.requests ?? []);
  const awaiting = awaitingCount(requests);
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  return (
    <div className="page page-wide">
      <div className="page-head">
        <div>
          <h1>{t('approvals.title')}</h1>
          <p className="muted small">{t('approvals.inboxHint')}</p>
        </div>
      </div>
      <Tabs
        tabs={INBOX_FILTERS.map((id) => ({ id, label: t(`approvals.filters.${id}`) }))}
        active={filter}
        onChange={(id) => setParam('state', id === 'pending' ? '' : id)}
      />
      <div className="tab-panel">
        <div className="filter-bar inbox-filters">
          <label className="field inbox-project">
            <span>{t('approvals.project')}</span>
            <select name="approvals-project" value={project} onChange={(e) => setParam('project', e.target.value)}>
              <option value="">{t('approvals.allProjects')}</option>
              {(projects.data?.projects ?? []).map((p) => (
                <option key={p.id} value={p.name}>
                  {p.display_name || p.name}
                </option>
              ))}
            </select>
          </label>
          {filter === 'pending' && q.data && (
            <span className="muted small" data-testid="awaiting-summary">
              {t('approvals.awaitingSummary', { count: awaiting })}
            </span>
          )}
        </div>
        {q.isPending && <Loading />}
        <ErrorBox error={q.error} />
        {q.data && requests.length === 0 && <Empty>{t(`approvals.empty.${filter}`)}</Empty>}
        {requests.length > 0 && (
          <div className="table-scroll">
            <table className="table" data-testid="approvals-table">
              <thead>
                <tr>
                  <th>{t('approvals.request')}</th>
                  <th>{t('approvals.modelVersion')}</th>
                  <th>{t('approvals.target')}</th>
                  <th>{t('approvals.project')}</th>
                  <th>{t('approvals.requestedBy')}</th>
                  <th>{t('approvals.approvalsCol')}</th>
                  <th>{t('approvals.age')}</th>
                  <th>{t('approvals.state')}</th>
                </tr>
              </thead>
              <tbody>
                {requests.map((r) => {
                  const p = progress(r);
                  const projectName = projectNameOf(projects.data?.projects, r.project_id);
                  return (
                    <tr
                      key={r.id}
                      data-request={r.id}
                      data-awaiting={r.awaiting_you ? 'true' : 'false'}
                      className={r.awaiting_you ? 'awaiting-row' : undefined}
                    >
                      <td>
                        <Link to={approvalPath(r.id)}>#{r.id}</Link>
                        {r.awaiting_you && (
                          <span className="badge awaiting" data-testid="awaiting-you">
                            {t('approvals.awaitingYou')}
                          </span>
                        )}
                      </td>
                      <td data-stat="model">
                        <Link to={versionPath(r.model, r.version)}>
                          {r.model} v{r.version}
                        </Link>
                        {r.reason && <div className="muted small break reason-preview">{r.reason}</div>}
                      </td>
                      <td>
                        <StageChip stage={r.target_stage} />
                      </td>
                      <td>{projectName ?? <span className="mono muted">{r.project_id}</span>}</td>
                      <td data-stat="requester">{r.requested_by}</td>
                      <td className="mono" data-stat="approvals">
                        {t('approvals.nOfN', { n: p.approvals, of: p.required })}
                      </td>
                      <td className="nowrap small" data-stat="age" title={formatDateTime(r.created_at, locale)}>
                        {formatAge(r.created_at, now, locale)}
                      </td>
                      <td data-stat="state">
                        <RequestStateChip state={r.state} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </div>
  );
}
