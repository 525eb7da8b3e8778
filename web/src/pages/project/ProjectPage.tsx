import { useParams, useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getProject } from '../../api/endpoints';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { ErrorBox, Loading } from '../../components/Status';
import { Tabs } from '../../components/Tabs';
import { ConnectionsTab } from './ConnectionsTab';
import { DatasetsTab } from './DatasetsTab';
import { DeploymentsTab } from './DeploymentsTab';
import { ExperimentsTab } from './ExperimentsTab';
import { JobsTab } from './JobsTab';
import { MembersTab } from './MembersTab';
import { ModelsTab } from './ModelsTab';
import { PackagesTab } from './PackagesTab';
import { SettingsTab } from './SettingsTab';
import { ComponentsTab } from '../pipelines/ComponentsTab';
import { PipelinesTab } from '../pipelines/PipelinesTab';
import { groupedTabs, PROJECT_TABS, type ProjectTab } from './tabs';
import { OverviewTab } from './OverviewTab';
import { StudiesTab } from './StudiesTab';
import { TasksTab } from './TasksTab';
import { CodeTab } from '../envcode/CodeTab';
import { EnvironmentsTab } from '../envcode/EnvironmentsTab';
import { LabelingTab } from '../label/LabelingTab';

const TAB_IDS = PROJECT_TABS;
type TabId = ProjectTab;

export function ProjectPage() {
  const { t } = useTranslation();
  const { project = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tab: TabId = (TAB_IDS as readonly string[]).includes(params.get('tab') ?? '')
    ? (params.get('tab') as TabId)
    : 'overview';
  const q = useQuery({ queryKey: ['project', project], queryFn: () => getProject(project) });
  const p = q.data?.project;

  return (
    <div className="page">
      <Breadcrumbs items={[{ label: t('nav.projects'), to: '/projects' }, { label: p?.display_name || project }]} />
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {p && (
        <>
          <div className="page-head">
            <div>
              <h1>
                {p.display_name || p.name}
                {p.archived && <span className="badge">{t('projects.archived')}</span>}
              </h1>
              <div className="mono muted small">{p.name}</div>
              {p.description && <p className="muted">{p.description}</p>}
            </div>
          </div>
          <Tabs
            tabs={groupedTabs(TAB_IDS).map(({ id, group }) => ({
              id,
              label: t(`projectPage.tabs.${id}`),
              group,
              groupLabel: group === 'overview' ? undefined : t(`projectPage.groups.${group}`),
            }))}
            active={tab}
            onChange={(id) => setParams({ tab: id }, { replace: true })}
          />
          <div className="tab-panel">
            {tab === 'overview' && <OverviewTab project={project} />}
            {tab === 'tasks' && <TasksTab project={project} />}
            {tab === 'experiments' && <ExperimentsTab project={project} />}
            {tab === 'datasets' && <DatasetsTab project={project} />}
            {tab === 'connections' && <ConnectionsTab project={project} />}
            {tab === 'jobs' && <JobsTab project={project} />}
            {tab === 'environments' && <EnvironmentsTab project={project} />}
            {tab === 'code' && <CodeTab project={project} initial={params.get('snapshot') ?? undefined} />}
            {tab === 'studies' && <StudiesTab project={project} />}
            {tab === 'components' && <ComponentsTab project={project} />}
            {tab === 'pipelines' && <PipelinesTab project={project} />}
            {tab === 'members' && <MembersTab project={project} />}
            {tab === 'packages' && <PackagesTab project={project} />}
            {tab === 'models' && <ModelsTab project={project} />}
            {tab === 'deployments' && <DeploymentsTab project={project} />}
            {tab === 'labeling' && <LabelingTab project={project} />}
            {tab === 'settings' && <SettingsTab project={project} />}
          </div>
        </>
      )}
    </div>
  );
}
