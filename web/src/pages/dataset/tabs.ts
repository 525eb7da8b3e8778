export const DATASET_TABS = ['rounds', 'versions', 'lineage', 'upload', 'bundle', 'newVersion'] as const;
export type DatasetTab = (typeof DATASET_TABS)[number];
/** Tabs that change data; shown only with the data.write permission. */
export const WRITE_TABS = new Set<DatasetTab>(['upload', 'bundle', 'newVersion']);
