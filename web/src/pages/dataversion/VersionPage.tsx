import { Link, useParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getVersion, getVersionItems, versionArchiveUrl } from '../../api/endpoints';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { DataStatusChip, datasetPath } from '../../components/DataStatusChip';
import { ItemsBrowser } from '../../components/ItemsBrowser';
import { RunStatus } from '../../components/RunStatus';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { readSplitReport } from '../../lib/analysis';
import { formatBytes, formatDateTime, formatNumber } from '../../lib/format';
import { derivedText } from '../dataset/VersionsTab';
import { SplitReportCard } from './SplitReportCard';

export default function VersionPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { project = '', dataset = '', version = '' } = useParams();
  const q = useQuery({ queryKey: ['dataVersion', project, dataset, version], queryFn: () => getVersion(project, dataset, version) });
  const v = q.data?.version;
  const runs = q.data?.runs ?? [];
  const splitReport = readSplitReport(v?.derived);
  const splitSpec = v?.derived?.split;
  const splitUnit = splitSpec && typeof splitSpec === 'object' && 'unit' in splitSpec ? String((splitSpec as { unit: unknown }).unit) : undefined;
  const splitMethod = splitSpec && typeof splitSpec === 'object' && 'method' in splitSpec ? String((splitSpec as { method: unknown }).method) : undefined;
  return (
    <div className="page">
      <Breadcrumbs
        items={[
          { label: t('nav.projects'), to: '/projects' },
          { label: project, to: `/projects/${encodeURIComponent(project)}?tab=datasets` },
          { label: dataset, to: `${datasetPath(project, dataset)}?tab=versions` },
          { label: version },
        ]}
      />
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {v && (
        <>
          <div className="page-head">
            <div>
              <h1>
                {dataset} <span className="mono">{v.name}</span> <DataStatusChip status={v.status} />
              </h1>
              {v.message && <p className="muted">{v.message}</p>}
            </div>
            <div className="actions">
              <a className="btn" href={versionArchiveUrl(project, dataset, v.name)} download={`${dataset}-${v.name}.tar`}>
                {t('versions.download')}
              </a>
            </div>
          </div>
          <div className="two-col">
            <section className="card">
              <h2>{t('version.info')}</h2>
              <dl className="kv">
                {(
                  [
                    [t('version.ref'), <code className="mono">{q.data?.ref}</code>],
                    [t('version.items'), formatNumber(v.items, locale)],
                    [t('versions.size'), formatBytes(v.bytes)],
                    [t('versions.storage'), v.storage === 'delta' ? t('versions.delta', { base: v.delta_of ?? '' }) : t('versions.full')],
                    [t('version.manifestBytes'), v.manifest_bytes !== undefined ? formatBytes(v.manifest_bytes) : ''],
                    [t('versions.derived'), derivedText(v, t)],
                    [t('versions.by'), v.created_by],
                    [t('versions.created'), formatDateTime(v.created_at, locale)],
                  ] as [string, React.ReactNode][]
                ).map(([k, val]) => (
                  <div key={k}>
                    <dt>{k}</dt>
                    <dd>{val || <span className="muted">—</span>}</dd>
                  </div>
                ))}
              </dl>
            </section>
            <section className="card" data-testid="version-runs">
              <h2>{t('version.runs')}</h2>
              {runs.length === 0 ? (
                <Empty>{t('version.noRuns')}</Empty>
              ) : (
                <table className="table compact">
                  <thead>
                    <tr>
                      <th>{t('version.run')}</th>
                      <th>{t('version.status')}</th>
                      <th>{t('version.user')}</th>
                      <th>{t('version.started')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {runs.map((r) => (
                      <tr key={r.run_id}>
                        <td>
                          <Link to={`/runs/${encodeURIComponent(r.run_id)}`}>{r.run_name || r.run_id}</Link>
                        </td>
                        <td>
                          <RunStatus status={r.status} />
                        </td>
                        <td>{r.user_id}</td>
                        <td>{formatDateTime(r.start_time, locale)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </div>
          {splitReport && <SplitReportCard report={splitReport} method={splitMethod} unit={splitUnit} />}
          <section className="card">
            <h2>{t('version.items')}</h2>
            <ItemsBrowser
              queryKey={['dataVersion', project, dataset, version]}
              fetchPage={(page) => getVersionItems(project, dataset, version, page)}
            />
          </section>
        </>
      )}
    </div>
  );
}
