import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { listJobs } from '../../api/endpoints';
import type { Job } from '../../api/types';
import { useAuth } from '../../components/auth';
import { JobStateChip } from '../../components/JobStateChip';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { useNow } from '../../components/useNow';
import { formatDateTimeShort, formatDuration } from '../../lib/format';
import { anyActive, formatResources, JOB_STATES, jobRunMillis } from '../../lib/jobs';
import { splitFailure } from '../../lib/runMetrics';
import { SubmitJobForm } from './SubmitJobForm';
import { SchedulesSection } from '../jobrun/SchedulesSection';

export const jobsKey = (project: string) => ['jobs', project];
const REFRESH_MS = 2000;

/**
 * A project's job queue (EXP-9): newest first, refreshed every 2 s while any listed job is
 * queued or running. Submitting needs job.run; reading project.read.
 */
export function JobsTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const run = can('job.run', project);
  const [state, setState] = useState('');
  const [formOpen, setFormOpen] = useState(false);
  const [submitted, setSubmitted] = useState<Job | null>(null);
  const q = useQuery({
    queryKey: [...jobsKey(project), state],
    queryFn: () => listJobs(project, state || undefined),
    refetchInterval: (query) => (anyActive(query.state.data?.jobs ?? []) ? REFRESH_MS : false),
  });
  const jobs = q.data?.jobs ?? [];
  const now = useNow(jobs.some((j) => j.state === 'running'));
  return (
    <section data-testid="jobs">
      <div className="section-head">
        <h2>{t('jobs.title')}</h2>
        {run && !formOpen && (
          <button type="button" className="btn primary" onClick={() => setFormOpen(true)}>
            {t('jobs.submit')}
          </button>
        )}
      </div>
      <p className="muted small">{t('jobs.hint')}</p>
      {!run && q.data && <p className="muted small">{t('jobs.readOnly')}</p>}
      {formOpen && (
        <SubmitJobForm
          project={project}
          onClose={() => setFormOpen(false)}
          onSubmitted={async (job) => {
            setSubmitted(job);
            setFormOpen(false);
            await queryClient.invalidateQueries({ queryKey: jobsKey(project) });
          }}
        />
      )}
      {submitted && (
        <div className="notice" role="status" data-testid="job-submitted">
          {t('jobs.submitted', { id: submitted.id })} <Link to={`/jobs/${submitted.id}`}>{t('jobs.open')}</Link>
        </div>
      )}
      <div className="filter-bar">
        <label className="check">
          {t('jobs.filterState')}
          <select name="job-state" className="small-select" value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">{t('jobs.allStates')}</option>
            {JOB_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`jobs.states.${s}`)}
              </option>
            ))}
          </select>
        </label>
        {q.data && anyActive(jobs) && <span className="muted small">{t('jobs.autoRefresh')}</span>}
      </div>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && jobs.length === 0 && <Empty>{state ? t('jobs.emptyFiltered') : t('jobs.empty')}</Empty>}
      {jobs.length > 0 && (
        <div className="table-scroll">
          <table className="table" data-testid="jobs-table">
            <thead>
              <tr>
                <th>{t('jobs.id')}</th>
                <th>{t('jobs.name')}</th>
                <th>{t('jobs.state')}</th>
                <th>{t('jobs.group')}</th>
                <th className="right">{t('jobs.priority')}</th>
                <th>{t('jobs.resources')}</th>
                <th className="right">{t('jobs.attempts')}</th>
                <th>{t('jobs.worker')}</th>
                <th>{t('jobs.createdBy')}</th>
                <th>{t('jobs.created')}</th>
                <th className="right">{t('jobs.duration')}</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => {
                const ms = jobRunMillis(j, now);
                return (
                  <tr key={j.id} data-job={j.id}>
                    <td className="mono">
                      <Link to={`/jobs/${j.id}`}>#{j.id}</Link>
                    </td>
                    <td data-stat="name">
                      <Link to={`/jobs/${j.id}`}>{j.name || <span className="muted">{t('jobs.unnamed')}</span>}</Link>
                    </td>
                    <td data-stat="state">
                      <JobStateChip state={j.state} cancelRequested={j.cancel_requested} />
                      {(j.state === 'failed' || j.state === 'timed_out') && j.error && (
                        <span className="job-reason" data-testid="job-reason" title={j.error}>
                          {splitFailure(j.error).reason || j.error}
                        </span>
                      )}
                    </td>
                    <td className="small nowrap" data-stat="group">
                      {j.group ? (
                        <span title={t('jobs.groupRank', { rank: j.rank ?? 0, size: j.world_size ?? 1, group: j.group })}>
                          <Link to={`/jobs/${j.group}`}>#{j.group}</Link> · {j.rank ?? 0}/{j.world_size ?? 1}
                        </span>
                      ) : (
                        ''
                      )}
                    </td>
                    <td className="right mono" data-stat="priority">
                      {j.priority}
                    </td>
                    <td className="small nowrap" data-stat="resources">
                      {formatResources(j.resources)}
                    </td>
                    <td className="right mono" data-stat="attempts">
                      {j.attempts}/{j.max_attempts}
                    </td>
                    <td className="mono small" data-stat="worker">
                      {j.worker}
                    </td>
                    <td>{j.created_by}</td>
                    <td className="small nowrap">{formatDateTimeShort(j.created_at, locale)}</td>
                    <td className="right mono small" data-stat="duration">
                      {ms === null ? '' : formatDuration(j.started_at, j.started_at + ms, locale)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <SchedulesSection project={project} canRun={run} />
    </section>
  );
}
