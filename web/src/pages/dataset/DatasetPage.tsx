import { useParams, useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getDataset } from '../../api/endpoints';
import { useAuth } from '../../components/auth';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { datasetPath, SensitiveBadge, Tags } from '../../components/DataStatusChip';
import { ErrorBox, Loading } from '../../components/Status';
import { Tabs } from '../../components/Tabs';
import { BundleTab } from './BundleTab';
import { Dashboard } from './Dashboard';
import { LineageTab } from './LineageTab';
import { NewVersionTab } from './NewVersionTab';
import { RoundsTab } from './RoundsTab';
import { QualityTab } from './QualityTab';
import { StatsTab } from './StatsTab';
import { SqlRoundTab } from './SqlRoundTab';
import { ANALYSIS_TABS, visibleTabs, type DatasetTab } from './tabs';
import { Timeline } from './Timeline';
import { TransformsTab } from './TransformsTab';
import { UploadTab } from './UploadTab';
import { VersionsTab } from './VersionsTab';

export const datasetKey = (project: string, dataset: string) => ['dataset', project, dataset];

export default function DatasetPage() {
  const { t } = useTranslation();
  const { project = '', dataset = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const { can } = useAuth();
  const write = can('data.write', project);
  const round = Number(params.get('round')) || null;
  const q = useQuery({ queryKey: datasetKey(project, dataset), queryFn: () => getDataset(project, dataset) });
  const d = q.data?.dataset;
  const tabs = visibleTabs(write, d?.domain);
  const requested = params.get('tab') ?? '';
  const tab: DatasetTab = (tabs as readonly string[]).includes(requested) ? (requested as DatasetTab) : 'rounds';
  const base = datasetPath(project, dataset);
  const versionPath = (name: string) => `${base}/versions/${encodeURIComponent(name)}`;
  const go = (id: string, extra: Record<string, string> = {}) => {
    // The analysis tabs share their choice of version, table item and label.
    const keep: Record<string, string> = {};
    if (ANALYSIS_TABS.has(tab) && ANALYSIS_TABS.has(id as DatasetTab))
      for (const k of ['version', 'item', 'label']) {
        const v = params.get(k);
        if (v) keep[k] = v;
      }
    setParams({ tab: id, ...keep, ...extra }, { replace: true });
  };

  return (
    <div className="page">
      <Breadcrumbs
        items={[
          { label: t('nav.projects'), to: '/projects' },
          { label: project, to: `/projects/${encodeURIComponent(project)}?tab=datasets` },
          { label: dataset },
        ]}
      />
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {d && q.data && (
        <>
          <div className="page-head">
            <div>
              <h1>
                {d.name}
                <span className="badge">{t(`domains.${d.domain}`, { defaultValue: d.domain })}</span>
                {d.sensitive && <SensitiveBadge />}
              </h1>
              <Tags tags={d.tags} />
              {d.description && <p className="muted">{d.description}</p>}
            </div>
          </div>
          <div className="dataset-top">
            <Dashboard detail={q.data} />
            <Timeline
              rounds={q.data.rounds ?? []}
              versions={q.data.versions ?? []}
              versionPath={versionPath}
              onRound={(n) => go('rounds', { round: String(n) })}
            />
          </div>
          {!write && <p className="muted small">{t('dataset.writeNeeded')}</p>}
          <Tabs tabs={tabs.map((id) => ({ id, label: t(`dataset.tabs.${id}`) }))} active={tab} onChange={(id) => go(id)} />
          <div className="tab-panel">
            {tab === 'rounds' && (
              <RoundsTab
                project={project}
                dataset={dataset}
                rounds={q.data.rounds ?? []}
                selected={round}
                onSelect={(n) => go('rounds', n ? { round: String(n) } : {})}
              />
            )}
            {tab === 'versions' && (
              <VersionsTab project={project} dataset={dataset} versions={q.data.versions ?? []} write={write} versionPath={versionPath} />
            )}
            {tab === 'lineage' && <LineageTab project={project} dataset={dataset} versionPath={versionPath} />}
            {tab === 'stats' && <StatsTab project={project} dataset={dataset} versions={q.data.versions ?? []} />}
            {tab === 'quality' && <QualityTab project={project} dataset={dataset} versions={q.data.versions ?? []} write={write} />}
            {tab === 'transforms' && <TransformsTab project={project} dataset={dataset} versions={q.data.versions ?? []} write={write} />}
            {tab === 'upload' && <UploadTab project={project} dataset={dataset} onDone={(n) => go('rounds', { round: String(n) })} />}
            {tab === 'sql' && <SqlRoundTab project={project} dataset={dataset} onDone={(n) => go('rounds', { round: String(n) })} />}
            {tab === 'bundle' && (
              <BundleTab project={project} dataset={dataset} rounds={q.data.rounds ?? []} onDone={(n) => go('rounds', { round: String(n) })} />
            )}
            {tab === 'newVersion' && (
              <NewVersionTab
                project={project}
                dataset={dataset}
                rounds={q.data.rounds ?? []}
                versions={q.data.versions ?? []}
                onDone={() => go('versions')}
              />
            )}
          </div>
        </>
      )}
    </div>
  );
}
