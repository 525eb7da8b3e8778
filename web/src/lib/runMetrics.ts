// Pure logic of the run page's metrics (issue 17, item 4): which series get a chart (those with
// more than one point), how related series share one (train and valid of the same metric), the
// single values' table (search and sort), pins, and one naming of metrics with the server
// (src/eval/metric_names.h: `test.f1` is evaluation test's f1, logged as test_f1).
import type { Metric } from '../api/types';

/** Words that name a data split at a key's start or end: train-logloss, valid_loss, loss/val. */
const SPLITS = ['train', 'training', 'valid', 'validation', 'val', 'eval', 'test'] as const;
const SPLIT_RE = new RegExp(`^(${SPLITS.join('|')})[-_/.](.+)$|^(.+)[-_/.](${SPLITS.join('|')})$`, 'i');

/** A key's split and the metric it measures, or null: "valid-logloss" → {split: valid, base: logloss}. */
export function splitOf(key: string): { split: string; base: string } | null {
  const m = SPLIT_RE.exec(key);
  if (!m) return null;
  return m[1] ? { split: m[1].toLowerCase(), base: m[2] } : { split: m[4].toLowerCase(), base: m[3] };
}

export interface ChartGroup {
  /** The chart's title: the shared metric ("logloss") or the key itself. */
  title: string;
  /** The keys drawn on it, train before valid before test. */
  keys: string[];
  /** Stable id for pins and test ids. */
  id: string;
}

const SPLIT_ORDER = (s: string) => {
  const i = SPLITS.indexOf(s as (typeof SPLITS)[number]);
  return i < 0 ? SPLITS.length : i;
};

/**
 * Groups keys for charts: keys that name different splits of the same metric share a chart
 * (title: the metric), every other key has its own. Groups come sorted by title.
 */
export function chartGroups(keys: string[]): ChartGroup[] {
  const byBase = new Map<string, { split: string; key: string }[]>();
  const alone: string[] = [];
  for (const key of keys) {
    const s = splitOf(key);
    if (!s) {
      alone.push(key);
      continue;
    }
    const k = s.base.toLowerCase();
    if (!byBase.has(k)) byBase.set(k, []);
    byBase.get(k)!.push({ split: s.split, key });
  }
  const groups: ChartGroup[] = alone.map((k) => ({ title: k, keys: [k], id: k }));
  for (const members of byBase.values()) {
    if (members.length === 1) {
      groups.push({ title: members[0].key, keys: [members[0].key], id: members[0].key });
      continue;
    }
    members.sort((a, b) => SPLIT_ORDER(a.split) - SPLIT_ORDER(b.split) || a.key.localeCompare(b.key));
    const base = splitOf(members[0].key)!.base;
    groups.push({ title: base, keys: members.map((m) => m.key), id: `group:${base.toLowerCase()}` });
  }
  return groups.sort((a, b) => a.title.localeCompare(b.title));
}

export type MetricSort = { by: 'key' | 'value' | 'step'; desc: boolean };

/**
 * The single values' table: `metrics` whose key contains every word of `query` (case-insensitive,
 * any order), sorted. NaN and missing values sort last whichever the direction.
 */
export function metricRows(metrics: Metric[], query: string, sort: MetricSort): Metric[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const rows = metrics.filter((m) => {
    const k = m.key.toLowerCase();
    return words.every((w) => k.includes(w));
  });
  const dir = sort.desc ? -1 : 1;
  return rows.sort((a, b) => {
    if (sort.by === 'key') return dir * a.key.localeCompare(b.key);
    const av = sort.by === 'value' ? a.value : a.step;
    const bv = sort.by === 'value' ? b.value : b.step;
    const an = typeof av !== 'number' || Number.isNaN(av);
    const bn = typeof bv !== 'number' || Number.isNaN(bv);
    if (an || bn) return an === bn ? a.key.localeCompare(b.key) : an ? 1 : -1;
    return dir * (av - bv) || a.key.localeCompare(b.key);
  });
}

/** Pins, kept per experiment in the browser (as W&B keeps a workspace): chart ids in pin order. */
export function pinsKey(experimentId: string): string {
  return `moebius.pins.${experimentId}`;
}

export function readPins(storage: Pick<Storage, 'getItem'> | undefined, experimentId: string): string[] {
  try {
    const raw = storage?.getItem(pinsKey(experimentId));
    const v: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function togglePin(pins: string[], id: string): string[] {
  return pins.includes(id) ? pins.filter((p) => p !== id) : [...pins, id];
}

/** Groups in display order: the pinned ones first, in pin order, then the rest as they came. */
export function orderByPins(groups: ChartGroup[], pins: string[]): { pinned: ChartGroup[]; rest: ChartGroup[] } {
  const byId = new Map(groups.map((g) => [g.id, g]));
  const pinned = pins.map((p) => byId.get(p)).filter((g): g is ChartGroup => !!g);
  const set = new Set(pinned.map((g) => g.id));
  return { pinned, rest: groups.filter((g) => !set.has(g.id)) };
}

/**
 * The logged key a metric name stands for, as the server resolves criteria names
 * (src/eval/metric_names.h): the key itself, else `E.M` as `E_M`. Null when neither is logged.
 */
export function resolveMetricKey(name: string, logged: Iterable<string>): string | null {
  const set = logged instanceof Set ? (logged as Set<string>) : new Set(logged);
  if (set.has(name)) return name;
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1) return null;
  const flat = `${name.slice(0, dot)}_${name.slice(dot + 1)}`;
  return set.has(flat) ? flat : null;
}

/** "exited with status 1: ValueError: bad" → {status: 1, reason: "ValueError: bad"} (src/jobs/failure_reason.h). */
export function splitFailure(error: string | undefined | null): { status: number | null; reason: string } {
  if (!error) return { status: null, reason: '' };
  const m = /^exited with status (-?\d+)(?:: (.*))?$/s.exec(error);
  if (!m) return { status: null, reason: error };
  return { status: Number(m[1]), reason: m[2] ?? '' };
}
