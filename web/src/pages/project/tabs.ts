export const PROJECT_TABS = ['experiments', 'datasets', 'connections', 'jobs', 'components', 'pipelines', 'tasks', 'members'] as const;
export type ProjectTab = (typeof PROJECT_TABS)[number];
