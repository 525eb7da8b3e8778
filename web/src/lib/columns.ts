// Columns of the runs table and their mapping to the MLflow search grammar.
import type { Run } from '../api/types';

export type ColumnKind = 'attribute' | 'metric' | 'param' | 'tag';
export type SortDir = 'ASC' | 'DESC';

export interface ColumnId {
  kind: ColumnKind;
  key: string;
}

export interface SortState {
  column: ColumnId;
  dir: SortDir;
}

/** Attributes the search grammar can order by, in the order they are shown. */
export const ATTRIBUTE_COLUMNS = ['run_name', 'status', 'start_time', 'end_time', 'user_id'] as const;

const PREFIX: Record<ColumnKind, string> = {
  attribute: 'attributes',
  metric: 'metrics',
  param: 'params',
  tag: 'tags',
};

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Quotes a key with backticks unless it is a plain identifier (MLflow's rule for odd keys). */
export function quoteKey(key: string): string {
  if (PLAIN_IDENTIFIER.test(key)) return key;
  return '`' + key.replace(/`/g, '') + '`';
}

/** `metrics.acc DESC`, `attributes.start_time ASC`, ``params.`learning-rate` ASC``. */
export function orderByClause(sort: SortState): string {
  return `${PREFIX[sort.column.kind]}.${quoteKey(sort.column.key)} ${sort.dir}`;
}

export function toOrderBy(sort: SortState | null): string[] {
  return sort ? [orderByClause(sort)] : [];
}

/**
 * The next sort state after a click on a column header: unsorted → DESC → ASC → unsorted for
 * metrics and times (people usually want the best or the latest first), ASC first otherwise.
 */
export function nextSort(current: SortState | null, column: ColumnId): SortState | null {
  const same = current && current.column.kind === column.kind && current.column.key === column.key;
  const descFirst = column.kind === 'metric' || column.key === 'start_time' || column.key === 'end_time';
  const first: SortDir = descFirst ? 'DESC' : 'ASC';
  const second: SortDir = descFirst ? 'ASC' : 'DESC';
  if (!same) return { column, dir: first };
  if (current!.dir === first) return { column, dir: second };
  return null;
}

export function columnKey(c: ColumnId): string {
  return `${c.kind}:${c.key}`;
}

export function parseColumnKey(s: string): ColumnId | null {
  const i = s.indexOf(':');
  if (i <= 0) return null;
  const kind = s.slice(0, i) as ColumnKind;
  if (!(kind in PREFIX)) return null;
  return { kind, key: s.slice(i + 1) };
}

export interface KeysPresent {
  metrics: string[];
  params: string[];
  tags: string[];
}

/** Sorted metric, param and tag keys present in any of the runs (system tags last). */
export function keysPresent(runs: Run[]): KeysPresent {
  const m = new Set<string>();
  const p = new Set<string>();
  const t = new Set<string>();
  for (const r of runs) {
    for (const x of r.data.metrics ?? []) m.add(x.key);
    for (const x of r.data.params ?? []) p.add(x.key);
    for (const x of r.data.tags ?? []) t.add(x.key);
  }
  const byName = (a: string, b: string) => a.localeCompare(b);
  const tagOrder = (a: string, b: string) => {
    const sa = a.startsWith('mlflow.') ? 1 : 0;
    const sb = b.startsWith('mlflow.') ? 1 : 0;
    return sa - sb || a.localeCompare(b);
  };
  return { metrics: [...m].sort(byName), params: [...p].sort(byName), tags: [...t].sort(tagOrder) };
}

/** A sensible first choice of columns: up to 6 metrics and 4 params. */
export function defaultColumns(keys: KeysPresent): ColumnId[] {
  return [
    ...keys.metrics.slice(0, 6).map((key) => ({ kind: 'metric' as const, key })),
    ...keys.params.slice(0, 4).map((key) => ({ kind: 'param' as const, key })),
  ];
}

/** Reads one cell of a run, or undefined when the run lacks it. */
export function cellValue(run: Run, c: ColumnId): string | number | undefined {
  switch (c.kind) {
    case 'attribute':
      return (run.info as unknown as Record<string, string | number | undefined>)[c.key];
    case 'metric':
      return run.data.metrics?.find((x) => x.key === c.key)?.value;
    case 'param':
      return run.data.params?.find((x) => x.key === c.key)?.value;
    case 'tag':
      return run.data.tags?.find((x) => x.key === c.key)?.value;
  }
}
