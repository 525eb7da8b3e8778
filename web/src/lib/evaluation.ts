// Pure helpers of the evaluation page (pages/evaluation): baseline comparison rows, slice
// ordering by priority, curve points and confusion-matrix shading.
import type { BaselineJson, SliceRow, StoredEvaluation } from '../api/types';

export interface BaselineRow {
  metric: string;
  model: number | null;
  simple: number | null;
  previous: number | null;
  /** The labelers' agreement on this metric (human-level performance), when recorded. */
  human: number | null;
  /** model − previous when both exist. */
  delta: number | null;
  /** The baselines this model is worse than on this metric (issue 17: a loss is flagged). */
  losesTo: ('simple' | 'previous')[];
}

/** Whether a larger value of `metric` is better: not for losses, errors, latencies and the like. */
export function higherIsBetter(metric: string): boolean {
  return !/(loss|error|rmse|mse|mae|mape|brier|latency|deviance|hamming)/i.test(metric);
}

const pick = (b: BaselineJson | null | undefined, key: string): number | null => {
  const v = b?.metrics?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

export function baselineRows(ev: StoredEvaluation): BaselineRow[] {
  return Object.keys(ev.metrics)
    .sort()
    .map((metric) => {
      const raw = ev.metrics[metric];
      const model = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
      const previous = pick(ev.baselines?.previous, metric);
      const simple = pick(ev.baselines?.simple, metric);
      const up = higherIsBetter(metric);
      const worse = (b: number | null) => model !== null && b !== null && (up ? model < b : model > b);
      const losesTo: ('simple' | 'previous')[] = [];
      if (worse(simple)) losesTo.push('simple');
      if (worse(previous)) losesTo.push('previous');
      return {
        metric,
        model,
        simple,
        previous,
        human: pick(ev.baselines?.human, metric),
        delta: model !== null && previous !== null ? model - previous : null,
        losesTo,
      };
    });
}

/** Highest priority first; slices without a metric (priority null) last, then by key. */
export function sortSlices(rows: SliceRow[]): SliceRow[] {
  return [...rows].sort((a, b) => {
    const pa = a.priority ?? Number.NEGATIVE_INFINITY;
    const pb = b.priority ?? Number.NEGATIVE_INFINITY;
    if (pa !== pb) return pb - pa;
    return a.key.localeCompare(b.key);
  });
}

/** [x, y] pairs of two parallel arrays, dropping non-finite values. */
export function curvePoints(xs: (number | null)[] | undefined, ys: (number | null)[] | undefined): [number, number][] {
  const out: [number, number][] = [];
  if (!xs || !ys) return out;
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const x = xs[i];
    const y = ys[i];
    if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)) out.push([x, y]);
  }
  return out;
}

/** Background of a confusion-matrix cell: white for 0 up to deep blue for the largest count. */
export function heatColor(value: number, max: number): string {
  const a = max > 0 ? Math.max(0, Math.min(1, value / max)) : 0;
  const c = Math.round(255 - a * 200);
  return `rgb(${c}, ${c}, 255)`;
}

/**
 * A confusion matrix normalized by its rows (each true class sums to 1: the diagonal is the
 * class's recall), as scikit-learn's normalize="true"; a row with no samples stays all 0.
 */
export function normalizeRows(matrix: number[][]): number[][] {
  return matrix.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
}

/** A label id of the confusion matrix or per-class report as the label the user gave. */
export function labelName(labels: (string | number)[] | undefined, id: number): string {
  return labels && id >= 0 && id < labels.length ? String(labels[id]) : String(id);
}
