// One deployment (docs/design/serving.md): its variants with the model versions they serve, their
// weights and counters, every change with who, when, why and the weights before and after; holders
// of deploy.write edit the traffic split and roll back; anyone who may read the project tries a
// prediction against it.
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { getDeployment } from '../../api/endpoints';
import { useAuth } from '../../components/auth';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTime, formatNumber } from '../../lib/format';
import { versionPath } from '../../lib/registry';
import { trafficShares } from '../../lib/serving';
import { useModelProject } from '../model/useModelProject';
import { DeploymentHistory } from './DeploymentHistory';
import { InferenceTester } from './InferenceTester';
import { TrafficSplitForm } from './TrafficSplitForm';

export const deploymentKey = (name: string) => ['deployment', name];

export default function DeploymentPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { can } = useAuth();
  const { deployment: name = '' } = useParams();
  const q = useQuery({ queryKey: deploymentKey(name), queryFn: () => getDeployment(name) });
  const d = q.data?.deployment;
  const project = useModelProject(d?.project_id);
  const mayWrite = project !== undefined && can('deploy.write', project.name);
  const shares = trafficShares(d?.variants.map((v) => v.weight) ?? []);
  return (
    <div className="page">
      <Breadcrumbs
        items={[
          { label: t('nav.projects'), to: '/projects' },
          ...(project
            ? [{ label: project.display_name || project.name, to: `/projects/${encodeURIComponent(project.name)}?tab=deployments` }]
            : []),
          { label: name },
        ]}
      />
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {d && (
        <>
          <div className="page-head">
            <div>
              <h1 data-testid="deployment-name">
                {d.name} <span className="badge">{t(`serving.environments.${d.environment}`)}</span>
              </h1>
              <div className="muted small">
                {t('serving.createdBy', { by: d.created_by, at: formatDateTime(d.created_at, locale) })} ·{' '}
                {t(`serving.strategies.${d.strategy}`)}
                {d.strategy === 'sticky' && d.sticky_header && <span className="mono"> ({d.sticky_header})</span>}
              </div>
              {d.description && <p className="muted">{d.description}</p>}
            </div>
          </div>
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
                        <td className="mono">{v.name}</td>
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
            {mayWrite && <TrafficSplitForm deployment={d} />}
          </section>
          <InferenceTester deployment={d.name} />
          <DeploymentHistory history={d.history ?? []} />
        </>
      )}
    </div>
  );
}
