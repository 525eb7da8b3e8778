export const DATASET_TABS = ['rounds', 'versions', 'lineage', 'stats', 'quality', 'transforms', 'upload', 'bundle', 'newVersion'] as const;
export type DatasetTab = (typeof DATASET_TABS)[number];
/** Tabs that change data; shown only with the data.write permission. */
export const WRITE_TABS = new Set<DatasetTab>(['upload', 'bundle', 'newVersion']);
/** Tabs that look at one table of a version; they keep ?version=&item=&label= when switching between them. */
export const ANALYSIS_TABS = new Set<DatasetTab>(['stats', 'quality', 'transforms']);
