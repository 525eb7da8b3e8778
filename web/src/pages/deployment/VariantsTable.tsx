// A deployment's variants: the model version each serves, its weight and share of the traffic, its
// counters since it was loaded (the shadow mirror marked); holders of deploy.write edit the split.
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { DeploymentDetail } from '../../api/types';
import { useLocale } from '../../components/useLocale';
import { formatNumber } from '../../lib/format';
import { versionPath } from '../../lib/registry';
import { trafficShares } from '../../lib/serving';
import { TrafficSplitForm } from './TrafficSplitForm';
import { VariantName } from './VariantName';

export function VariantsTable({ deployment: d, mayWrite }: { deployment: DeploymentDetail; mayWrite: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const shares = trafficShares(d.variants.map((v) => v.weight));
  return (
    <section className="card">
      <h2>{t('serving.variants')}</h2>
      <div className="table-scroll">
        <table className="table" data-testid="variants-table">
          <thead>
            <tr>
              <th>{t('serving.variant')}</th>
              <th>{t('serving.modelVersion')}</th>
              <th className="right">{t('serving.weight')}</th>
              <th className="right">{t('serving.share')}</th>
              <th className="right">{t('serving.requests')}</th>
              <th className="right">{t('serving.failures')}</th>
              <th className="right">{t('serving.rows')}</th>
              <th className="right">{t('serving.meanMs')}</th>
            </tr>
          </thead>
          <tbody>
            {d.variants.map((v, i) => {
              const s = d.stats?.[v.name];
              return (
                <tr key={v.name} data-variant={v.name}>
                  <td className="mono">
                    <VariantName name={v.name} shadow={s?.shadow} />
                  </td>
                  <td>
                    <Link to={versionPath(v.model, v.version)}>
                      {v.model} v{v.version}
                    </Link>
                  </td>
                  <td className="right mono" data-stat="weight">
                    {v.weight}
                  </td>
                  <td className="right mono" data-stat="share">
                    {formatNumber(Math.round(shares[i] * 10) / 10, locale)}%
                  </td>
                  <td className="right mono" data-stat="requests">
                    {s ? formatNumber(s.requests, locale) : '—'}
                  </td>
                  <td className="right mono" data-stat="failures">
                    {s ? formatNumber(s.failures, locale) : '—'}
                  </td>
                  <td className="right mono" data-stat="rows">
                    {s ? formatNumber(s.rows, locale) : '—'}
                  </td>
                  <td className="right mono" data-stat="mean-ms">
                    {s && s.requests > 0 ? s.mean_ms.toFixed(2) : '—'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {mayWrite && <TrafficSplitForm key={d.variants.map((v) => `${v.name}:${v.weight}`).join(',')} deployment={d} />}
    </section>
  );
}
