import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { getStudy, getStudyPlots, listStudyTrials, stopStudy } from '../../api/endpoints';
import { useAuth } from '../../components/auth';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTimeShort } from '../../lib/format';
import { formatParam, studyActive } from '../../lib/study';
import { StateChip } from './StateChip';
import { StudyCharts } from './StudyCharts';

const REFRESH_MS = 2000;

/**
 * A study: its state and best trial (linked to the best run's evaluation), the live trial table
 * (refreshed every 2 s while the study runs; each trial links to its run and job) and its plots.
 */
export default function StudyPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { studyId = '' } = useParams();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const [pair, setPair] = useState<{ x: string; y: string }>({ x: '', y: '' });
  const sq = useQuery({
    queryKey: ['study', studyId],
    queryFn: () => getStudy(studyId),
    refetchInterval: (q) => (studyActive(q.state.data?.study.state) ? REFRESH_MS : false),
  });
  const s = sq.data?.study;
  const active = studyActive(s?.state);
  // The trials and plots are read again whenever the study's state or finished count changes, so
  // the last trial is never missed when the study ends between two refreshes.
  const done = s ? s.trial_counts.complete + s.trial_counts.pruned + s.trial_counts.failed : 0;
  const tq = useQuery({
    queryKey: ['study', studyId, 'trials', s?.state, done],
    queryFn: () => listStudyTrials(studyId),
    refetchInterval: active ? REFRESH_MS : false,
    placeholderData: keepPreviousData,
  });
  const pq = useQuery({
    queryKey: ['study', studyId, 'plots', pair.x, pair.y, done],
    queryFn: () => getStudyPlots(studyId, pair.x || undefined, pair.y || undefined),
    placeholderData: keepPreviousData,
    enabled: !!s,
  });
  const stop = useMutation({
    mutationFn: () => stopStudy(studyId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['study', studyId] }),
  });
  const trials = tq.data?.trials ?? [];
  const paramNames = Array.from(new Set(trials.flatMap((x) => Object.keys(x.params))));
  const best = s?.best_trial ?? null;
  const bestEvaluation = best ? `/runs/${best.run_id}?tab=evaluation` : '';
  return (
    <div className="page">
      <Breadcrumbs
        items={[
          { label: t('nav.projects'), to: '/projects' },
          ...(s ? [{ label: s.project, to: `/projects/${s.project}?tab=studies` }] : []),
          { label: s?.name ?? studyId },
        ]}
      />
      {sq.isPending && <Loading />}
      <ErrorBox error={sq.error} />
      {s && (
        <>
          <div className="page-head">
            <div>
              <h1>
                {s.name} <StateChip kind="study" state={s.state} />
              </h1>
              <div className="muted small">
                {t('study.summary', {
                  metric: s.objective.metric,
                  goal: t(`study.goals.${s.objective.goal}`),
                  sampler: s.sampler,
                  pruner: s.pruner,
                  done: s.trial_counts.complete + s.trial_counts.pruned + s.trial_counts.failed,
                  total: s.n_trials,
                })}
              </div>
              {s.error && <div className="muted small">{s.error}</div>}
            </div>
            {active && can('job.run', s.project) && (
              <button type="button" className="btn danger" onClick={() => stop.mutate()} disabled={stop.isPending}>
                {t('study.stop')}
              </button>
            )}
          </div>
          <ErrorBox error={stop.error} />
          {active && <p className="muted small">{t('study.autoRefresh')}</p>}
          {best ? (
            <div className="card notice" data-testid="best-trial">
              <strong>{t('study.bestTrial', { number: best.number, value: formatParam(best.value) })}</strong>{' '}
              <span className="mono small">{Object.entries(best.params).map(([k, v]) => `${k}=${formatParam(v)}`).join(', ')}</span>{' '}
              <Link to={bestEvaluation} data-testid="best-run-link">
                {t('study.openBestRun')}
              </Link>
            </div>
          ) : (
            <p className="muted small">{t('study.noBest')}</p>
          )}
          <h2>{t('study.trialsTitle')}</h2>
          <ErrorBox error={tq.error} />
          {tq.data && trials.length === 0 && <Empty>{t('study.noTrials')}</Empty>}
          {trials.length > 0 && (
            <div className="table-scroll">
              <table className="table" data-testid="trials-table">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>{t('study.state')}</th>
                    <th className="right">{s.objective.metric}</th>
                    <th className="right">{t('study.steps')}</th>
                    {paramNames.map((n) => (
                      <th key={n} className="mono">
                        {n}
                      </th>
                    ))}
                    <th>{t('study.run')}</th>
                    <th>{t('study.job')}</th>
                    <th>{t('study.created')}</th>
                    <th>{t('study.error')}</th>
                  </tr>
                </thead>
                <tbody>
                  {trials.map((tr) => (
                    <tr key={tr.number} data-trial={tr.number} className={best && best.number === tr.number ? 'row-best' : undefined} data-best={best?.number === tr.number || undefined}>
                      <td className="mono">{tr.number}</td>
                      <td>
                        <StateChip kind="trial" state={tr.state} />
                      </td>
                      <td className="right mono" data-stat="value">
                        {tr.value === null ? '' : formatParam(tr.value)}
                        {best?.number === tr.number && <span className="badge">{t('study.bestBadge')}</span>}
                      </td>
                      <td className="right mono">{tr.intermediate.length}</td>
                      {paramNames.map((n) => (
                        <td key={n} className="mono">
                          {formatParam(tr.params[n])}
                        </td>
                      ))}
                      <td className="mono small">{tr.run_id && <Link to={`/runs/${tr.run_id}`}>{tr.run_id.slice(0, 8)}</Link>}</td>
                      <td className="mono small">{tr.job_id > 0 && <Link to={`/jobs/${tr.job_id}`}>#{tr.job_id}</Link>}</td>
                      <td className="small nowrap">{formatDateTimeShort(tr.created_at, locale)}</td>
                      <td className="small">{tr.error}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>{t('study.plotsTitle')}</h2>
          <ErrorBox error={pq.error} />
          {pq.data && (pq.data.plots.history.length > 0 ? <StudyCharts plots={pq.data.plots} x={pair.x} y={pair.y} onPair={(x, y) => setPair({ x, y })} /> : <Empty>{t('study.noPlots')}</Empty>)}
        </>
      )}
    </div>
  );
}
