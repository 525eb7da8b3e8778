export const DATASET_TABS = ['rounds', 'versions', 'lineage', 'stats', 'quality', 'transforms', 'upload', 'sql', 'bundle', 'newVersion'] as const;
export type DatasetTab = (typeof DATASET_TABS)[number];
/** Tabs that change data; shown only with the data.write permission. */
export const WRITE_TABS = new Set<DatasetTab>(['upload', 'sql', 'bundle', 'newVersion']);
/** Tabs only some domains have (a SQL round makes a table). */
export const DOMAIN_TABS: Partial<Record<DatasetTab, readonly string[]>> = { sql: ['tabular'] };

/** The tabs a user sees on a dataset of `domain` (undefined while it loads). */
export function visibleTabs(write: boolean, domain: string | undefined): DatasetTab[] {
  return DATASET_TABS.filter((id) => (write || !WRITE_TABS.has(id)) && (!DOMAIN_TABS[id] || (domain !== undefined && DOMAIN_TABS[id]!.includes(domain))));
}
/** Tabs that look at one table of a version; they keep ?version=&item=&label= when switching between them. */
export const ANALYSIS_TABS = new Set<DatasetTab>(['stats', 'quality', 'transforms']);
