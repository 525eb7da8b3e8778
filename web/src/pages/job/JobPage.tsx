import { useCallback, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { cancelJob, getJob, listProjects, submitJob } from '../../api/endpoints';
import type { Job, JobDataInput } from '../../api/types';
import { useAuth } from '../../components/auth';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { JobStateChip } from '../../components/JobStateChip';
import { ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { useNow } from '../../components/useNow';
import { formatDateTime, formatDuration } from '../../lib/format';
import { canCancel, formatResources, isActiveState, jobFormOf, jobRunMillis, jobSubmission, quoteArgv } from '../../lib/jobs';
import { SubmitJobForm } from '../project/SubmitJobForm';
import { splitFailure } from '../../lib/runMetrics';
import { LogView } from './LogView';

const REFRESH_MS = 1000;

/** One job (EXP-9): what it runs, where it stands, its outcome, a Cancel button and its live log. */
export default function JobPage() {
  const { t } = useTranslation();
  const { jobId = '' } = useParams();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const key = ['job', jobId];
  const q = useQuery({
    queryKey: key,
    queryFn: () => getJob(jobId),
    refetchInterval: (query) => (query.state.data && isActiveState(query.state.data.job.state) ? REFRESH_MS : false),
  });
  const job = q.data?.job;
  // Jobs carry the project's id; the name (for links and permissions) comes from the project list.
  const projects = useQuery({ queryKey: ['projects'], queryFn: listProjects, enabled: !!job });
  const project = projects.data?.projects?.find((p) => job && String(p.id) === String(job.project_id));
  const cancel = useMutation({
    mutationFn: () => cancelJob(jobId),
    onSuccess: (r) => queryClient.setQueryData(key, r),
  });
  const onLogDone = useCallback(() => void queryClient.invalidateQueries({ queryKey: ['job', jobId] }), [queryClient, jobId]);
  const mayRun = can('job.run', project?.name);
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  // ?clone=1 (the run page's "Run again with changes"): the form opens filled from this job.
  const [cloning, setCloning] = useState(search.get('clone') === '1');
  // Run again as it was: the same body as a clone submitted without edits.
  const rerun = useMutation({
    mutationFn: async () => {
      const body = jobSubmission(jobFormOf(job!));
      if (!body.ok) throw new Error(body.problem.key);
      return submitJob(project!.name, body.value);
    },
    onSuccess: (r) => navigate(`/jobs/${r.job.id}`),
  });

  return (
    <div className="page">
      <Breadcrumbs
        items={[
          { label: t('nav.projects'), to: '/projects' },
          ...(project ? [{ label: project.display_name || project.name, to: `/projects/${encodeURIComponent(project.name)}?tab=jobs` }] : []),
          { label: t('jobs.jobTitle', { id: jobId }) },
        ]}
      />
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {job && (
        <>
          <div className="page-head">
            <div>
              <h1>
                {t('jobs.jobTitle', { id: job.id })} {job.name && <span className="muted">— {job.name}</span>}{' '}
                <JobStateChip state={job.state} cancelRequested={job.cancel_requested} />
              </h1>
            </div>
            {mayRun && project && !canCancel(job) && (
              <div className="row gap">
                <button type="button" className="btn" data-testid="job-rerun" disabled={rerun.isPending} onClick={() => rerun.mutate()}>
                  {t('jobs.rerun')}
                </button>
                <button type="button" className="btn" data-testid="job-clone" onClick={() => setCloning(true)}>
                  {t('jobs.clone')}
                </button>
              </div>
            )}
            {mayRun && canCancel(job) && (
              <button
                type="button"
                className="btn danger"
                data-testid="job-cancel"
                disabled={cancel.isPending}
                onClick={() => {
                  if (window.confirm(t('jobs.confirmCancel', { id: job.id }))) cancel.mutate();
                }}
              >
                {t('jobs.cancel')}
              </button>
            )}
          </div>
          <ErrorBox error={cancel.error} />
          <ErrorBox error={rerun.error} />
          {cloning && project && (
            <SubmitJobForm
              project={project.name}
              initial={jobFormOf(job)}
              title={t('jobs.cloneTitle', { id: job.id })}
              onClose={() => {
                setCloning(false);
                if (search.get('clone')) setSearch({}, { replace: true });
              }}
              onSubmitted={(j) => navigate(`/jobs/${j.id}`)}
            />
          )}
          {job.state === 'running' && job.cancel_requested && (
            <p className="note-warn" role="status" data-testid="job-cancelling">
              {t('jobs.cancelRequested')}
            </p>
          )}
          {job.error && <JobErrorText job={job} />}
          <JobDetails job={job} />
          <LogView jobId={jobId} onDone={onLogDone} />
        </>
      )}
    </div>
  );
}

/**
 * Why the job ended as it did, in its header (issue 17): for a failure, the reason the server
 * read from the end of the log (src/jobs/failure_reason.h) before the exit status.
 */
function JobErrorText({ job }: { job: Job }) {
  const { t } = useTranslation();
  const failed = job.state === 'failed' || job.state === 'timed_out';
  if (!failed) {
    return (
      <div className="note-warn" data-testid="job-error-text">
        {job.error}
      </div>
    );
  }
  const { status, reason } = splitFailure(job.error);
  return (
    <div className="error-box failure-reason" role="alert" data-testid="job-error-text">
      <strong>{t('run.failedBecause')}:</strong> <span className="mono">{reason || job.error}</span>
      {status !== null && <span className="muted small"> ({t('run.exitStatus', { status })})</span>}
    </div>
  );
}

function JobDetails({ job }: { job: Job }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const ms = jobRunMillis(job, useNow(job.state === 'running'));
  const env = Object.entries(job.payload?.env ?? {});
  const data = Array.isArray(job.payload?.data) ? (job.payload.data as JobDataInput[]) : [];
  const rows: [string, React.ReactNode, string][] = [
    [t('jobs.command'), <code className="mono break">{quoteArgv(job.payload?.command ?? [])}</code>, 'command'],
    [
      t('jobrun.run'),
      job.run_id ? (
        <Link className="mono" to={`/runs/${encodeURIComponent(job.run_id)}`} data-testid="job-run-link">
          {job.run_id}
        </Link>
      ) : (
        <span className="muted">{t('jobrun.noRun')}</span>
      ),
      'run',
    ],
    ...(data.length
      ? ([
          [
            t('jobrun.data'),
            <div className="mono small">
              {data.map((d) => (
                <div key={d.path}>{`${d.dataset}@v${d.version} → ${d.path}/`}</div>
              ))}
            </div>,
            'data',
          ],
        ] as [string, React.ReactNode, string][])
      : []),
    ...(env.length
      ? ([[t('jobs.env'), <div className="mono small">{env.map(([k, v]) => <div key={k}>{`${k}=${v}`}</div>)}</div>, 'env']] as [string, React.ReactNode, string][])
      : []),
    [t('jobs.exitCode'), job.exit_code === null ? '—' : <span className="mono">{job.exit_code}</span>, 'exit-code'],
    [t('jobs.priority'), job.priority, 'priority'],
    [t('jobs.resources'), formatResources(job.resources), 'resources'],
    [t('jobs.attempts'), `${job.attempts} / ${job.max_attempts}`, 'attempts'],
    [t('jobs.worker'), job.worker || '—', 'worker'],
    ...(job.group
      ? ([
          [
            t('jobs.group'),
            <span>
              {t('jobs.groupRank', { rank: job.rank ?? 0, size: job.world_size ?? 1, group: job.group })}{' '}
              {job.rank !== 0 && (
                <Link className="mono" to={`/jobs/${job.group}`} data-testid="job-group-leader">
                  #{job.group}
                </Link>
              )}
            </span>,
            'group',
          ],
        ] as [string, React.ReactNode, string][])
      : []),
    [t('jobs.timeoutS'), job.timeout_s ? formatDuration(1, 1 + job.timeout_s * 1000, locale) : t('jobs.noTimeout'), 'timeout'],
    [t('jobs.createdBy'), job.created_by, 'created-by'],
    [t('jobs.created'), formatDateTime(job.created_at, locale), 'created'],
    [t('jobs.started'), formatDateTime(job.started_at, locale) || '—', 'started'],
    [t('jobs.finished'), formatDateTime(job.finished_at, locale) || '—', 'finished'],
    [t('jobs.duration'), ms === null ? '—' : formatDuration(job.started_at, job.started_at + ms, locale), 'duration'],
  ];
  return (
    <div className="card">
      <dl className="kv" data-testid="job-details">
        {rows.map(([label, value, id]) => (
          <div key={id} data-field={id}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
