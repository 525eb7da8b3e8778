import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { listStudies } from '../../api/endpoints';
import { useAuth } from '../../components/auth';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTimeShort } from '../../lib/format';
import { formatParam, studyActive } from '../../lib/study';
import { NewStudyForm } from '../study/NewStudyForm';
import { StateChip } from '../study/StateChip';

export const studiesKey = (project: string) => ['studies', project];

/**
 * A project's hyperparameter studies (EXP-5), newest first, refreshed every 2 s while one runs.
 * Starting one needs job.run (its trials are jobs); reading project.read.
 */
export function StudiesTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { can } = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const run = can('job.run', project);
  const [formOpen, setFormOpen] = useState(false);
  const q = useQuery({
    queryKey: studiesKey(project),
    queryFn: () => listStudies(project),
    refetchInterval: (query) => ((query.state.data?.studies ?? []).some((s) => studyActive(s.state)) ? 2000 : false),
  });
  const studies = q.data?.studies ?? [];
  return (
    <section data-testid="studies">
      <div className="section-head">
        <h2>{t('study.title')}</h2>
        {run && !formOpen && (
          <button type="button" className="btn primary" onClick={() => setFormOpen(true)}>
            {t('study.new')}
          </button>
        )}
      </div>
      <p className="muted small">{t('study.hint')}</p>
      {formOpen && (
        <NewStudyForm
          project={project}
          onClose={() => setFormOpen(false)}
          onCreated={async (s) => {
            setFormOpen(false);
            await queryClient.invalidateQueries({ queryKey: studiesKey(project) });
            navigate(`/studies/${s.id}`);
          }}
        />
      )}
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && studies.length === 0 && <Empty>{t('study.empty')}</Empty>}
      {studies.length > 0 && (
        <div className="table-scroll">
          <table className="table" data-testid="studies-table">
            <thead>
              <tr>
                <th>{t('study.id')}</th>
                <th>{t('study.name')}</th>
                <th>{t('study.state')}</th>
                <th className="right">{t('study.trials')}</th>
                <th>{t('study.sampler')}</th>
                <th>{t('study.objective')}</th>
                <th className="right">{t('study.best')}</th>
                <th>{t('study.created')}</th>
              </tr>
            </thead>
            <tbody>
              {studies.map((s) => {
                const c = s.trial_counts;
                return (
                  <tr key={s.id} data-study={s.id}>
                    <td className="mono">
                      <Link to={`/studies/${s.id}`}>#{s.id}</Link>
                    </td>
                    <td>
                      <Link to={`/studies/${s.id}`}>{s.name}</Link>
                    </td>
                    <td data-stat="state">
                      <StateChip kind="study" state={s.state} />
                    </td>
                    <td className="right mono">
                      {c.complete + c.pruned + c.failed}/{s.n_trials}
                    </td>
                    <td>{s.sampler}</td>
                    <td className="small">
                      {s.objective.metric} ({t(`study.goals.${s.objective.goal}`)})
                    </td>
                    <td className="right mono">{s.best_trial ? formatParam(s.best_trial.value) : ''}</td>
                    <td className="small nowrap">{formatDateTimeShort(s.created_at, locale)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
