// A deployment's changes, newest first: the action, who (the server's own changes — canary steps,
// guardrail rollbacks, the end of a switch — marked automatic), when, why, and the weights before → after.
import { useTranslation } from 'react-i18next';
import type { DeploymentChange } from '../../api/types';
import { Empty } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTime } from '../../lib/format';
import { weightsSummary } from '../../lib/serving';
import { isAutomatic } from '../../lib/servingStrategy';

export function DeploymentHistory({ history }: { history: DeploymentChange[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const rows = [...history].reverse();
  return (
    <section className="card">
      <h2>{t('serving.history')}</h2>
      {rows.length === 0 ? (
        <Empty>{t('serving.noHistory')}</Empty>
      ) : (
        <div className="table-scroll">
          <table className="table" data-testid="deployment-history">
            <thead>
              <tr>
                <th>{t('serving.action')}</th>
                <th>{t('serving.actor')}</th>
                <th>{t('serving.at')}</th>
                <th>{t('serving.reason')}</th>
                <th>{t('serving.weights')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((h, i) => (
                <tr key={`${h.at}-${i}`} data-action={h.action} data-actor={h.actor}>
                  <td className={h.action === 'auto-rollback' ? 'fail' : undefined}>{t(`serving.actions.${h.action}`, { defaultValue: h.action })}</td>
                  <td>
                    {h.actor}
                    {isAutomatic(h) && <span className="badge auto">{t('serving.automatic')}</span>}
                  </td>
                  <td className="small nowrap">{formatDateTime(h.at, locale)}</td>
                  <td data-stat="reason">{h.reason || <span className="muted">—</span>}</td>
                  <td className="mono small" data-stat="weights">
                    {h.before ? `${weightsSummary(h.before)} → ${weightsSummary(h.after)}` : weightsSummary(h.after)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
