import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { useTranslation } from 'react-i18next';
import { getVersionItems, getVersionStats } from '../../api/endpoints';
import type { DataVersion } from '../../api/types';
import { isTableItem } from '../../lib/analysis';

/** The version, table item and label column an analysis view looks at. */
export interface TableChoice {
  version: string;
  /** '' = the version's first table item */
  item: string;
  /** '' = no label column */
  label: string;
}

export const DEFAULT_BINS = 10;

/** The server's answer for a version without a CSV, TSV or JSONL item (src/data/analysis.cc). */
export const isNoTable = (e: unknown): boolean => e instanceof ApiError && e.status === 404 && /has no table item/.test(e.message);

/** Query keys shared by the analysis tabs (a fitted transform or a saved schema refreshes them). */
export const statsKey = (project: string, dataset: string, c: TableChoice, bins: number) => ['versionStats', project, dataset, c.version, c.item, c.label, bins];
export const qualityKey = (project: string, dataset: string, c: TableChoice) => ['versionQuality', project, dataset, c.version, c.item, c.label];

/**
 * The choice kept in the URL (?version=&item=&label=), so that a view can be linked to and
 * survives switching between the analysis tabs. Defaults to the latest version.
 */
export function useTableChoice(versions: DataVersion[]): [TableChoice, (c: Partial<TableChoice>) => void] {
  const [params, setParams] = useSearchParams();
  const latest = [...versions].sort((a, b) => b.number - a.number)[0]?.name ?? '';
  const requested = params.get('version') ?? '';
  const version = versions.some((v) => v.name === requested) ? requested : latest;
  const choice = { version, item: params.get('item') ?? '', label: params.get('label') ?? '' };
  const set = (c: Partial<TableChoice>) => {
    const next = { ...choice, ...c };
    // A different version may not hold the item, and a different item not the label.
    if (c.version !== undefined && c.version !== choice.version) {
      next.item = c.item ?? '';
      next.label = c.label ?? '';
    }
    if (c.item !== undefined && c.item !== choice.item) next.label = c.label ?? '';
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    setParams(p, { replace: true });
  };
  return [choice, set];
}

/**
 * Version, table item and (optionally) label pickers. The items are the version's table items
 * among its first 1,000; the label choices are the columns of the chosen table.
 */
export function TablePicker({
  project,
  dataset,
  versions,
  choice,
  onChange,
  withLabel,
}: {
  project: string;
  dataset: string;
  versions: DataVersion[];
  choice: TableChoice;
  onChange: (c: Partial<TableChoice>) => void;
  withLabel?: boolean;
}) {
  const { t } = useTranslation();
  const sorted = [...versions].sort((a, b) => b.number - a.number);
  const items = useQuery({
    queryKey: ['dataVersion', project, dataset, choice.version, 'tableItems'],
    queryFn: () => getVersionItems(project, dataset, choice.version, { limit: 1000 }),
    enabled: !!choice.version,
    staleTime: 60_000,
  });
  const tables = (items.data?.items ?? []).map((i) => i.path).filter(isTableItem);
  const columns = useQuery({
    queryKey: statsKey(project, dataset, { ...choice, label: '' }, DEFAULT_BINS),
    queryFn: () => getVersionStats(project, dataset, choice.version, { item: choice.item || undefined, bins: DEFAULT_BINS }),
    enabled: !!withLabel && !!choice.version && tables.length > 0,
    staleTime: 60_000,
    retry: false,
  });
  const names = columns.data?.stats.columns.map((c) => c.name) ?? [];
  return (
    <div className="row analysis-picker" data-testid="table-picker">
      <label className="field">
        <span>{t('analysis.version')}</span>
        <select name="version" value={choice.version} onChange={(e) => onChange({ version: e.target.value })}>
          {sorted.map((v) => (
            <option key={v.number} value={v.name}>
              {v.name} · {t(`dataStatus.${v.status}`, { defaultValue: v.status })}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('analysis.item')}</span>
        <select name="item" value={choice.item} onChange={(e) => onChange({ item: e.target.value })} disabled={tables.length === 0}>
          <option value="">{tables.length ? t('analysis.firstItem', { path: tables[0] }) : t('analysis.noTableItems')}</option>
          {tables.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      {withLabel && (
        <label className="field">
          <span>{t('analysis.label')}</span>
          <select name="label" value={choice.label} onChange={(e) => onChange({ label: e.target.value })} disabled={names.length === 0}>
            <option value="">{t('analysis.noLabel')}</option>
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}
