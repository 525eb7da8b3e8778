export const DEPLOYMENT_TABS = ['overview', 'strategy', 'captures'] as const;
export type DeploymentTab = (typeof DEPLOYMENT_TABS)[number];
