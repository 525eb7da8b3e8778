// Per variant, live: the request rate, error rate and latency percentiles over the chosen window and
// since the variant was loaded, as the server measures them (GET /deployments/{d}?window_s=); and the
// capture log's counts. The page reads them again every few seconds.
import { useTranslation } from 'react-i18next';
import type { DeploymentDetail, VariantCounters } from '../../api/types';
import { useLocale } from '../../components/useLocale';
import { formatNumber } from '../../lib/format';
import { VariantName } from './VariantName';
import { formatMs, formatRate, formatShare, requestRate, STAT_WINDOWS } from '../../lib/servingStrategy';

export function LiveMetrics({ deployment, windowS, onWindow }: { deployment: DeploymentDetail; windowS: number; onWindow: (s: number) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const stats = deployment.stats;
  const shown = deployment.window_s ?? windowS;
  // Requests, error rate and percentiles of one scope ('window' or 'total'); latency over every request.
  const counters = (c: VariantCounters | undefined, scope: string) => (
    <>
      <td className="right mono" data-stat={`${scope}-requests`}>
        {formatNumber(c?.requests ?? 0, locale)}
      </td>
      <td className={c && c.failures > 0 ? 'right mono fail' : 'right mono'} data-stat={`${scope}-error-rate`}>
        {c && c.requests > 0 ? formatShare(c.error_rate) : '—'}
      </td>
      {(['p50_ms', 'p90_ms', 'p99_ms'] as const).map((k) => (
        <td key={k} className="right mono" data-stat={`${scope}-${k.replace('_ms', '')}`}>
          {formatMs(c?.[k] ?? 0, (c?.requests ?? 0) > 0)}
        </td>
      ))}
    </>
  );
  return (
    <section className="card" data-testid="live-metrics">
      <div className="section-head">
        <h2>{t('serving.live.title')}</h2>
        <label className="field inline">
          <span>{t('serving.live.window')}</span>
          <select name="stats-window" className="small-select" value={windowS} onChange={(e) => onWindow(Number(e.target.value))}>
            {STAT_WINDOWS.map((s) => (
              <option key={s} value={s}>
                {t('serving.live.lastSeconds', { seconds: s })}
              </option>
            ))}
          </select>
        </label>
      </div>
      {deployment.serving_error && (
        <div className="error-box" role="alert" data-testid="serving-error">
          {deployment.serving_error}
        </div>
      )}
      {stats && (
        <div className="table-scroll">
          <table className="table" data-testid="live-table">
            <thead>
              <tr>
                <th rowSpan={2}>{t('serving.variant')}</th>
                <th colSpan={6} className="stats-group">
                  {t('serving.live.lastSeconds', { seconds: shown })}
                </th>
                <th colSpan={5} className="stats-group">
                  {t('serving.live.sinceLoaded')}
                </th>
              </tr>
              <tr>
                <th className="right">{t('serving.live.rate')}</th>
                <th className="right">{t('serving.requests')}</th>
                <th className="right">{t('serving.live.errorRate')}</th>
                <th className="right">p50 ms</th>
                <th className="right">p90 ms</th>
                <th className="right">p99 ms</th>
                <th className="right">{t('serving.requests')}</th>
                <th className="right">{t('serving.live.errorRate')}</th>
                <th className="right">p50 ms</th>
                <th className="right">p90 ms</th>
                <th className="right">p99 ms</th>
              </tr>
            </thead>
            <tbody>
              {deployment.variants.map((v) => {
                const s = stats[v.name];
                const w = s?.window;
                return (
                  <tr key={v.name} data-variant={v.name}>
                    <td className="mono">
                      <VariantName name={v.name} shadow={s?.shadow} />
                    </td>
                    <td className="right mono" data-stat="rate">
                      {formatRate(requestRate(w, shown))}/s
                    </td>
                    {counters(w, 'window')}
                    {counters(s, 'total')}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {deployment.capture && (
        <p className="muted small" data-testid="capture-counts">
          {t('serving.live.captured', {
            rate: formatShare(deployment.policy.capture_rate),
            written: formatNumber(deployment.capture.written, locale),
            dropped: formatNumber(deployment.capture.dropped, locale),
            queued: formatNumber(deployment.capture.queued, locale),
          })}
          {(deployment.shadow_dropped ?? 0) > 0 && <> · {t('serving.live.shadowDropped', { n: formatNumber(deployment.shadow_dropped ?? 0, locale) })}</>}
        </p>
      )}
    </section>
  );
}
