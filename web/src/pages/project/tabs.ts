export const PROJECT_TABS = ['experiments', 'datasets', 'connections', 'jobs', 'studies', 'components', 'pipelines', 'environments', 'code', 'tasks', 'packages', 'models', 'deployments', 'labeling', 'members', 'settings'] as const;
export type ProjectTab = (typeof PROJECT_TABS)[number];
