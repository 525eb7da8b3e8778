export const PROJECT_TABS = ['overview', 'experiments', 'datasets', 'connections', 'jobs', 'studies', 'components', 'pipelines', 'environments', 'code', 'tasks', 'packages', 'models', 'deployments', 'labeling', 'members', 'settings'] as const;
export type ProjectTab = (typeof PROJECT_TABS)[number];

/** The tab bar's groups, in order (issue 17): a tab not named below goes to the last group. */
export const TAB_GROUPS = ['overview', 'data', 'experiments', 'automation', 'settings'] as const;
export type TabGroup = (typeof TAB_GROUPS)[number];
const GROUP_OF: Partial<Record<string, TabGroup>> = {
  overview: 'overview',
  datasets: 'data',
  labeling: 'data',
  connections: 'data',
  experiments: 'experiments',
  studies: 'experiments',
  tasks: 'experiments',
  packages: 'experiments',
  models: 'experiments',
  deployments: 'experiments',
  jobs: 'automation',
  pipelines: 'automation',
  components: 'automation',
  environments: 'automation',
  code: 'automation',
  members: 'settings',
  settings: 'settings',
};
export const groupOfTab = (tab: string): TabGroup => GROUP_OF[tab] ?? 'settings';

/** The tabs in group order, each with its group (the order within a group as given). */
export function groupedTabs<T extends string>(tabs: readonly T[]): { id: T; group: TabGroup }[] {
  return TAB_GROUPS.flatMap((g) => tabs.filter((t) => groupOfTab(t) === g).map((id) => ({ id, group: g })));
}
