// Confirmation (확정, EVAL-6) on the run page: the acceptance-criteria check of the run's task and
// a Confirm button that creates the immutable confirmed model package.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { confirmRun, getRunCriteria, packageArchiveUrl } from '../../api/endpoints';
import { useAuth } from '../../components/auth';
import { MissingMetrics } from '../../components/MissingMetrics';
import { ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTime, formatNumber } from '../../lib/format';

export function ConfirmCard({ runId, project }: { runId: string; project?: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { can } = useAuth();
  const qc = useQueryClient();
  const [task, setTask] = useState('');
  const q = useQuery({ queryKey: ['run-criteria', runId, task], queryFn: () => getRunCriteria(runId, task) });
  const confirm = useMutation({
    mutationFn: () => confirmRun(runId, task || q.data?.task || undefined),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['run-criteria', runId] });
      void qc.invalidateQueries({ queryKey: ['packages'] });
    },
  });
  const data = q.data;
  const check = data?.check;
  const taskName = data?.task;
  const done = data?.packages.find((p) => p.task === taskName);
  return (
    <section className="card" data-testid="confirm-card">
      <div className="section-head">
        <h2>{t('report.confirmTitle')}</h2>
        {data && data.tasks.length > 0 && (
          <select aria-label={t('report.task')} value={task || taskName || ''} onChange={(e) => setTask(e.target.value)}>
            {!taskName && <option value="">{t('report.chooseTask')}</option>}
            {data.tasks.map((x) => (
              <option key={x.name} value={x.name}>
                {x.name}
              </option>
            ))}
          </select>
        )}
      </div>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {data && !taskName && <p className="muted">{t('report.noTask')}</p>}
      {data && taskName && !check && <p className="muted">{t('report.noCriteria')}</p>}
      {check && (
        <>
          <p className={check.passed ? 'pass' : 'fail'} data-testid="criteria-result">
            <span className="mono">{check.criteria}</span> — {check.passed ? t('report.criteriaPassed') : t('report.criteriaFailed')}
          </p>
          <table className="table compact">
            <thead>
              <tr>
                <th>{t('report.clause')}</th>
                <th className="right">{t('report.actual')}</th>
                <th>{t('report.result')}</th>
              </tr>
            </thead>
            <tbody>
              {check.clauses.map((c, i) => (
                <tr key={i}>
                  <td className="mono">
                    {c.text}
                    {c.logged_as && c.metric && c.logged_as !== c.metric && (
                      <span className="muted small"> ({t('report.loggedAs', { key: c.logged_as })})</span>
                    )}
                  </td>
                  <td className="right mono">{c.actual === null ? t('report.missing') : formatNumber(c.actual, locale)}</td>
                  <td className={c.passed ? 'pass' : 'fail'}>{c.passed ? '✓' : '✗'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <MissingMetrics check={check} />
        </>
      )}
      {done ? (
        <p className="pass" data-testid="confirmed">
          {t('report.confirmedAs', { id: done.id, by: done.created_by, at: formatDateTime(done.created_at, locale) })}{' '}
          <a href={packageArchiveUrl(done.id)} download>
            {t('report.downloadPackage')}
          </a>
        </p>
      ) : (
        check &&
        can('model.confirm', project) && (
          <button type="button" className="primary" disabled={!check.passed || confirm.isPending} onClick={() => confirm.mutate()}>
            {t('report.confirm')}
          </button>
        )
      )}
      {check && !check.passed && <p className="muted small">{t('report.confirmBlocked')}</p>}
      <ErrorBox error={confirm.error} />
    </section>
  );
}
