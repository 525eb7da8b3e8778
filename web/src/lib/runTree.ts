// The runs table of an experiment (issue 17, item 6): child runs (study trials, pipeline steps,
// nested MLflow runs) under their parent, and default columns that say something — the task's
// primary metric, the studies' objectives, and the params that vary between the runs.
import type { Run } from '../api/types';
import type { ColumnId, KeysPresent } from './columns';
import { resolveMetricKey } from './runMetrics';

export const tagOf = (run: Run, key: string): string | undefined => run.data.tags?.find((t) => t.key === key)?.value;

export interface RunRow {
  run: Run;
  depth: 0 | 1;
  /** Loaded children of a parent row (0 for children and childless runs). */
  children: number;
}

/**
 * Rows in display order: each run whose parent is not loaded at the top level, in the order
 * given (the server's sort), each followed by its children (in the same order) when `expanded`
 * holds its id.
 */
export function nestRuns(runs: Run[], expanded: ReadonlySet<string>): RunRow[] {
  const ids = new Set(runs.map((r) => r.info.run_id));
  const kids = new Map<string, Run[]>();
  const top: Run[] = [];
  for (const r of runs) {
    const parent = tagOf(r, 'mlflow.parentRunId');
    if (parent && parent !== r.info.run_id && ids.has(parent)) {
      if (!kids.has(parent)) kids.set(parent, []);
      kids.get(parent)!.push(r);
    } else {
      top.push(r);
    }
  }
  const rows: RunRow[] = [];
  for (const r of top) {
    const children = kids.get(r.info.run_id) ?? [];
    rows.push({ run: r, depth: 0, children: children.length });
    if (expanded.has(r.info.run_id)) for (const c of children) rows.push({ run: c, depth: 1, children: 0 });
  }
  return rows;
}

/** Where a parent run's children come from: a study or a pipeline run, with its page. */
export function originOf(run: Run): { kind: 'study' | 'pipeline'; id: string; label: string; to: string } | null {
  // A trial carries the study's id as a tag; the study's own run as its param study_id.
  const study =
    tagOf(run, 'moebius.study_id') ?? (tagOf(run, 'moebius.role') === 'study' ? run.data.params?.find((p) => p.key === 'study_id')?.value : undefined);
  if (study) return { kind: 'study', id: study, label: tagOf(run, 'moebius.study') ?? `#${study}`, to: `/studies/${study}` };
  const pipe = tagOf(run, 'moebius.pipeline_run');
  if (pipe) return { kind: 'pipeline', id: pipe, label: `#${pipe}`, to: `/pipeline-runs/${pipe}` };
  return null;
}

/** Param keys whose values differ between the runs (a run without the param counts as a value). */
export function varyingParams(runs: Run[], keys: string[]): string[] {
  return keys.filter((k) => {
    const seen = new Set<string>();
    for (const r of runs) {
      seen.add(r.data.params?.find((p) => p.key === k)?.value ?? '\u0000');
      if (seen.size > 1) return true;
    }
    return false;
  });
}

/**
 * Default columns: the task's primary metric (as the server resolves criteria names: `test.f1`
 * is the logged test_f1), the objectives of the experiment's studies, the task's other metrics,
 * then up to 6 params that vary; the first metrics and params fill in when these are few.
 */
export function defaultRunColumns(
  keys: KeysPresent,
  runs: Run[],
  opts: { primaryMetric?: string; taskMetrics?: string[]; objectives?: string[] } = {},
): ColumnId[] {
  const metrics: string[] = [];
  const add = (name: string | undefined) => {
    if (!name) return;
    const k = resolveMetricKey(name, keys.metrics);
    if (k && !metrics.includes(k)) metrics.push(k);
  };
  add(opts.primaryMetric);
  for (const o of opts.objectives ?? []) add(o);
  for (const m of opts.taskMetrics ?? []) add(m);
  for (const m of keys.metrics) if (metrics.length < 4 && !metrics.includes(m) && !m.startsWith('explain.')) metrics.push(m);
  const varying = varyingParams(runs, keys.params);
  const params = varying.slice(0, 6);
  for (const p of keys.params) if (params.length < 2 && !params.includes(p)) params.push(p);
  return [...metrics.slice(0, 6).map((key) => ({ kind: 'metric' as const, key })), ...params.map((key) => ({ kind: 'param' as const, key }))];
}
