// Data shaping for the analysis views of a dataset version (statistics, quality, transforms,
// splits): pure functions from the API's JSON to rows and chart series, so that the pages only
// lay them out.
import type { ColumnStats, FeatureImportance, Histogram, LabelBalance, SplitReport, TableStats } from '../api/types';

/** The item paths the server reads as tables (src/data/table/table_reader.cc FormatFromPath). */
export const TABLE_ITEM = /\.(csv|tsv|tab|jsonl|ndjson)$/i;
/** Word dictionaries of language datasets (src/data/dictionary.h IsDictionaryPath): not tables. */
export const DICTIONARY_ITEM = /^(dictionary|dict)\/|\.(dict|dic|dict\.tsv)$/i;
export const isTableItem = (path: string): boolean => TABLE_ITEM.test(path) && !DICTIONARY_ITEM.test(path);

/** int, float and bool columns get numeric statistics and a histogram. */
export const isNumericType = (type: string): boolean => type === 'int' || type === 'float' || type === 'bool';

/** Share of rows where the column has no value, in [0, 1]; 0 for an empty table. */
export function missingShare(c: Pick<ColumnStats, 'count' | 'missing'>): number {
  const total = c.count + c.missing;
  return total > 0 ? c.missing / total : 0;
}

/** "12.5%", "0.4%", "<0.1%" for tiny non-zero shares, "" for a missing value. */
export function formatPercent(share: number | null | undefined, locale: string): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '';
  if (share > 0 && share < 0.001) return `<${new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(0.001)}`;
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

export interface Bar {
  label: string;
  value: number;
}

/**
 * The bars of a column's distribution: its histogram bins ("lo – hi" labels via `fmt`) for a
 * numeric column, else its most frequent values. Empty when the column has neither.
 */
export function distributionBars(c: ColumnStats, fmt: (v: number) => string): Bar[] {
  if (c.histogram && c.histogram.counts.length > 0) return histogramBars(c.histogram, fmt);
  return (c.top ?? []).map((x) => ({ label: x.value, value: x.count }));
}

export function histogramBars(h: Histogram, fmt: (v: number) => string): Bar[] {
  const edge = (i: number) => {
    const e = h.edges[i];
    return e === null || e === undefined ? '?' : fmt(e);
  };
  return h.counts.map((n, i) => ({ label: `${edge(i)} – ${edge(i + 1)}`, value: n }));
}

export interface SparkRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Rectangles of a small bar chart `width`×`height` (SVG units) for `values`, bottom-aligned, with
 * a 1-unit gap between bars when there is room. A bar with a non-zero value is at least 1 unit tall
 * so that rare bins stay visible.
 */
export function sparkRects(values: number[], width: number, height: number): SparkRect[] {
  if (values.length === 0) return [];
  const max = Math.max(...values, 0);
  const slot = width / values.length;
  const gap = slot >= 3 ? 1 : 0;
  return values.map((v, i) => {
    const h = max > 0 && v > 0 ? Math.max(1, (v / max) * height) : 0;
    return { x: i * slot, y: height - h, w: Math.max(slot - gap, 0.5), h };
  });
}

export const COLUMN_KIND_FILTERS = ['all', 'numeric', 'categorical', 'missing'] as const;
export type ColumnKindFilter = (typeof COLUMN_KIND_FILTERS)[number];

/** Names the server uses, each with a translated label (i18n `stats.types.*`, `quality.kinds.*`, …). */
export const COLUMN_TYPES = ['int', 'float', 'bool', 'string'] as const;
export const IMPORTANCE_METHODS = ['mutual_information', 'abs_pearson'] as const;
export const QUALITY_KINDS = [
  // item findings (src/data/analysis.cc)
  'empty_items',
  'duplicate_items',
  'size_outliers',
  'bad_encoding',
  'empty_texts',
  'long_texts',
  'short_texts',
  'undecodable_images',
  // table anomalies (src/data/table/schema.cc)
  'missing_column',
  'unexpected_column',
  'missing_values',
  'type_mismatch',
  'out_of_range',
  'unseen_category',
  'duplicate_rows',
  'constant_column',
  'label_imbalance',
] as const;
export const STEP_KINDS = ['impute', 'log', 'min_max', 'z_score', 'passthrough', 'bucketize', 'one_hot', 'vocabulary', 'hash'] as const;

/** Columns whose name contains `query` (case-insensitive) and that match the kind filter. */
export function filterColumns(columns: ColumnStats[], query: string, kind: ColumnKindFilter): ColumnStats[] {
  const q = query.trim().toLowerCase();
  return columns.filter((c) => {
    if (q && !c.name.toLowerCase().includes(q)) return false;
    if (kind === 'numeric') return isNumericType(c.type);
    if (kind === 'categorical') return !isNumericType(c.type) || c.type === 'bool';
    if (kind === 'missing') return c.missing > 0;
    return true;
  });
}

export interface HeatmapData {
  labels: string[];
  /** [x, y, value] with value rounded to 3 decimals; pairs without a value are left out */
  cells: [number, number, number][];
}

export function heatmapData(corr: TableStats['correlations']): HeatmapData {
  if (!corr) return { labels: [], cells: [] };
  const cells: [number, number, number][] = [];
  corr.matrix.forEach((row, y) =>
    row.forEach((v, x) => {
      if (v !== null && v !== undefined && Number.isFinite(v)) cells.push([x, y, Math.round(v * 1000) / 1000]);
    }),
  );
  return { labels: corr.columns, cells };
}

/** The `n` strongest correlations between two different columns, by |r| descending. */
export function strongestPairs(corr: TableStats['correlations'], n: number): { a: string; b: string; r: number }[] {
  if (!corr) return [];
  const out: { a: string; b: string; r: number }[] = [];
  for (let i = 0; i < corr.columns.length; i++)
    for (let j = i + 1; j < corr.columns.length; j++) {
      const r = corr.matrix[i]?.[j];
      if (r !== null && r !== undefined && Number.isFinite(r)) out.push({ a: corr.columns[i], b: corr.columns[j], r });
    }
  return out.sort((x, y) => Math.abs(y.r) - Math.abs(x.r) || x.a.localeCompare(y.a)).slice(0, n);
}

export interface ClassShare {
  value: string;
  count: number;
  share: number;
}

/** Classes of a label by count descending, with their share of the labelled rows. */
export function classShares(label: LabelBalance | undefined): ClassShare[] {
  if (!label) return [];
  const total = label.classes.reduce((a, c) => a + c.count, 0);
  return [...label.classes]
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
    .map((c) => ({ value: c.value, count: c.count, share: total > 0 ? c.count / total : 0 }));
}

/** Features by score descending (features without a score last), at most `limit`. */
export function rankImportance(importance: FeatureImportance[] | undefined, limit: number): FeatureImportance[] {
  if (!importance) return [];
  const score = (f: FeatureImportance) => (f.score === null || !Number.isFinite(f.score) ? -Infinity : f.score);
  // Identifiers and likely leakage are not ranked (the server lists them last, flagged).
  return [...importance].filter((f) => !f.flag).sort((a, b) => score(b) - score(a) || a.feature.localeCompare(b.feature)).slice(0, limit);
}

const SPLIT_ORDER = ['train', 'training', 'val', 'valid', 'validation', 'dev', 'test', 'holdout'];

/** Split names in reading order: train, val, test first, then the rest with numbers compared as numbers (fold_2 < fold_10). */
export function orderSplits(names: string[]): string[] {
  const rank = (s: string) => {
    const i = SPLIT_ORDER.indexOf(s.toLowerCase());
    return i < 0 ? SPLIT_ORDER.length : i;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, undefined, { numeric: true }));
}

export interface SplitTable {
  splits: string[];
  classes: string[];
  /** items per split, in `splits` order */
  counts: number[];
  total: number;
  /** class → items per split */
  classCounts: Record<string, number[]>;
  /** class → its share of each split's items (0 for an empty split) */
  classShares: Record<string, number[]>;
}

/** A split version's derived.split_report as rows and chart series. */
export function splitTable(report: SplitReport | null | undefined): SplitTable {
  const counts = report?.counts ?? {};
  const byClass = report?.classes ?? {};
  const splits = orderSplits([...new Set([...Object.keys(counts), ...Object.keys(byClass)])]);
  const classSet = new Set<string>();
  for (const s of splits) for (const c of Object.keys(byClass[s] ?? {})) classSet.add(c);
  // Classes by overall size, descending, so that the largest sits at the bottom of each stack.
  const overall = (c: string) => splits.reduce((a, s) => a + (byClass[s]?.[c] ?? 0), 0);
  const classes = [...classSet].sort((a, b) => overall(b) - overall(a) || a.localeCompare(b));
  const n = splits.map((s) => counts[s] ?? Object.values(byClass[s] ?? {}).reduce((a, b) => a + b, 0));
  const classCounts: Record<string, number[]> = {};
  const shares: Record<string, number[]> = {};
  for (const c of classes) {
    classCounts[c] = splits.map((s) => byClass[s]?.[c] ?? 0);
    shares[c] = classCounts[c].map((k, i) => (n[i] > 0 ? k / n[i] : 0));
  }
  return { splits, classes, counts: n, total: n.reduce((a, b) => a + b, 0), classCounts, classShares: shares };
}

/** Reads derived.split_report of a version, or null when it has none or it is malformed. */
export function readSplitReport(derived: Record<string, unknown> | null | undefined): SplitReport | null {
  const r = derived?.split_report;
  if (!r || typeof r !== 'object') return null;
  const { counts, classes } = r as { counts?: unknown; classes?: unknown };
  if (!counts || typeof counts !== 'object') return null;
  return { counts: counts as Record<string, number>, classes: (classes && typeof classes === 'object' ? classes : {}) as SplitReport['classes'] };
}

// ---- transform form → config (src/transform/config.h)

export const NUMERIC_STEPS = ['none', 'log', 'min_max', 'z_score', 'log_z_score', 'bucketize'] as const;
export const STRING_STEPS = ['one_hot', 'vocabulary', 'hash'] as const;
export const IMPUTE_NUMERIC = ['none', 'mean', 'median', 'most_frequent'] as const;
export const IMPUTE_STRING = ['none', 'most_frequent'] as const;
export type NumericStep = (typeof NUMERIC_STEPS)[number];
export type StringStep = (typeof STRING_STEPS)[number];

export interface TransformRow {
  column: string;
  /** 'numeric' for int, float and bool columns; 'string' otherwise */
  type: 'numeric' | 'string';
  include: boolean;
  impute: string;
  step: NumericStep | StringStep;
  /** bucketize and hash: number of buckets; one_hot and vocabulary: top_k (empty = no limit) */
  param: string;
}

/** A first form: numeric columns z-scored, strings one-hot; impute where values are missing. */
export function defaultTransformRows(columns: ColumnStats[], label?: string): TransformRow[] {
  return columns.map((c) => {
    const numeric = isNumericType(c.type);
    return {
      column: c.name,
      type: numeric ? 'numeric' : 'string',
      include: c.name !== label,
      impute: c.missing > 0 ? (numeric ? 'mean' : 'most_frequent') : 'none',
      step: numeric ? 'z_score' : 'one_hot',
      param: numeric ? '10' : '20',
    };
  });
}

export interface StepParamSpec {
  key: 'buckets' | 'top_k';
  min: number;
  max: number;
  required: boolean;
}

export function stepParam(step: string): StepParamSpec | null {
  if (step === 'bucketize') return { key: 'buckets', min: 1, max: 10000, required: true };
  if (step === 'hash') return { key: 'buckets', min: 1, max: 1 << 24, required: true };
  if (step === 'one_hot' || step === 'vocabulary') return { key: 'top_k', min: 1, max: 1 << 24, required: false };
  return null;
}

export interface TransformProblem {
  key: string;
  values?: Record<string, string | number>;
}

/** The transform config of the included rows, or the first problem (an i18n key) of the form. */
export function buildTransformConfig(rows: TransformRow[]): { config: { columns: unknown[] } } | { problem: TransformProblem } {
  const picked = rows.filter((r) => r.include);
  if (picked.length === 0) return { problem: { key: 'transforms.pickColumns' } };
  const columns: unknown[] = [];
  for (const r of picked) {
    const steps: Record<string, unknown>[] = [];
    if (r.impute !== 'none') {
      if (r.type === 'string' && r.impute !== 'most_frequent') return { problem: { key: 'transforms.badImpute', values: { column: r.column } } };
      steps.push({ kind: 'impute', strategy: r.impute });
    }
    const numericStep = (NUMERIC_STEPS as readonly string[]).includes(r.step);
    if (numericStep !== (r.type === 'numeric')) return { problem: { key: 'transforms.badStep', values: { column: r.column } } };
    const p = stepParam(r.step);
    let value: number | undefined;
    if (p) {
      const text = r.param.trim();
      if (text) {
        const v = Number(text);
        if (!Number.isInteger(v) || v < p.min || v > p.max)
          return { problem: { key: 'transforms.badParam', values: { column: r.column, min: p.min, max: p.max } } };
        value = v;
      } else if (p.required) {
        return { problem: { key: 'transforms.badParam', values: { column: r.column, min: p.min, max: p.max } } };
      }
    }
    switch (r.step) {
      case 'none':
        if (steps.length === 0) steps.push({ kind: 'passthrough' });
        break;
      case 'log_z_score':
        steps.push({ kind: 'log' }, { kind: 'z_score' });
        break;
      default:
        steps.push(p && value !== undefined ? { kind: r.step, [p.key]: value } : { kind: r.step });
    }
    columns.push({ column: r.column, steps });
  }
  return { config: { columns } };
}

/** Short form of a content hash for tables ("3f2a9c…e41b"). */
export function shortHash(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 10)}…${hash.slice(-4)}` : hash;
}

/** One line summarising a fitted step's learned parameters (numbers through `fmt`). */
export function fittedSummary(step: Record<string, unknown>, fmt: (v: number) => string): string {
  const num = (k: string) => (typeof step[k] === 'number' ? fmt(step[k] as number) : undefined);
  const list = (k: string) => (Array.isArray(step[k]) ? (step[k] as unknown[]) : undefined);
  const parts: string[] = [];
  if (step.kind === 'impute') {
    parts.push(`strategy=${String(step.strategy ?? '')}`);
    if (step.fill !== undefined) parts.push(`fill=${typeof step.fill === 'number' ? fmt(step.fill) : JSON.stringify(step.fill)}`);
  }
  if (num('min') !== undefined) parts.push(`min=${num('min')}`, `max=${num('max') ?? ''}`);
  if (num('mean') !== undefined) parts.push(`mean=${num('mean')}`, `std=${num('std') ?? ''}`);
  const b = list('boundaries');
  if (b) parts.push(`boundaries=[${b.slice(0, 6).map((x) => (typeof x === 'number' ? fmt(x) : String(x))).join(', ')}${b.length > 6 ? ', …' : ''}] (${b.length})`);
  const v = list('vocabulary');
  if (v) parts.push(`vocabulary=[${v.slice(0, 6).map(String).join(', ')}${v.length > 6 ? ', …' : ''}] (${v.length})`);
  if (num('buckets') !== undefined && !b) parts.push(`buckets=${num('buckets')}`);
  if (num('top_k') !== undefined && (step.top_k as number) > 0) parts.push(`top_k=${num('top_k')}`);
  return parts.join(' · ');
}
