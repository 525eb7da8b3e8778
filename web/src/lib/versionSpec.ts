// Builds the body of POST .../versions from the New version form. The server requires
// `operations` for a refined version and a `split` spec (made from an earlier version) for a
// split version; raw and labeled versions carry neither.
import type { NewVersion } from '../api/endpoints';

export const SPLIT_METHODS = ['random', 'stratified', 'kfold', 'group', 'time'] as const;
export type SplitMethod = (typeof SPLIT_METHODS)[number];

export const REFINE_OPS = [
  'drop_duplicate_items',
  'normalize_text',
  'drop_duplicate_rows',
  'drop_missing_rows',
  'filter_outliers',
  'filter_rows',
  'pseudonymize',
  'resize_images',
  'convert_images',
] as const;

export interface SplitForm {
  method: SplitMethod;
  train: string;
  val: string;
  test: string;
  folds: string;
  seed: string;
  groupBy: string;
  timeKey: string;
  /** stratified and k-fold: the class's meta key or table column; empty means "label" */
  label?: string;
  /** '' = the dataset's default (rows in tabular datasets, items elsewhere) */
  unit?: '' | 'rows' | 'items';
}

export interface VersionForm {
  status: string;
  source: 'rounds' | 'version';
  rounds: number[];
  fromVersion: string;
  labels?: NewVersion['labels'];
  operations: string;
  split: SplitForm;
  message: string;
}

/** An i18n key (and its values) explaining why the form cannot be sent yet. */
export interface FormProblem {
  key: string;
  values?: Record<string, string | number>;
}

export function buildVersionBody(f: VersionForm): { body: NewVersion } | { problem: FormProblem } {
  const body: NewVersion = { status: f.status };
  if (f.status === 'split' && f.source !== 'version') return { problem: { key: 'newVersion.splitNeedsVersion' } };
  if (f.source === 'rounds') {
    if (f.rounds.length === 0) return { problem: { key: 'newVersion.pickRounds' } };
    body.rounds = f.rounds;
  } else {
    if (!f.fromVersion) return { problem: { key: 'newVersion.pickVersion' } };
    body.from_version = f.fromVersion;
  }
  if (f.labels) body.labels = f.labels;
  if (f.status === 'refined') {
    let ops: unknown;
    try {
      ops = JSON.parse(f.operations);
    } catch (e) {
      return { problem: { key: 'newVersion.operationsInvalid', values: { message: e instanceof Error ? e.message : String(e) } } };
    }
    if (!Array.isArray(ops) || ops.length === 0) {
      return { problem: { key: 'newVersion.operationsInvalid', values: { message: 'expected a non-empty list' } } };
    }
    body.operations = ops;
  }
  if (f.status === 'split') {
    const s = f.split;
    const split: NonNullable<NewVersion['split']> = { method: s.method };
    if (s.method === 'kfold') {
      const folds = Number(s.folds);
      if (!Number.isInteger(folds) || folds < 2) return { problem: { key: 'newVersion.foldsInvalid' } };
      split.folds = folds;
    } else {
      const ratios: Record<string, number> = {};
      for (const [name, text] of [
        ['train', s.train],
        ['val', s.val],
        ['test', s.test],
      ] as const) {
        if (!text.trim()) continue;
        const v = Number(text);
        if (!Number.isFinite(v) || v < 0) return { problem: { key: 'newVersion.ratiosInvalid' } };
        if (v > 0) ratios[name] = v;
      }
      const sum = Object.values(ratios).reduce((a, b) => a + b, 0);
      if (Object.keys(ratios).length === 0 || Math.abs(sum - 1) > 1e-6) return { problem: { key: 'newVersion.ratiosInvalid' } };
      split.ratios = ratios;
    }
    if (s.seed.trim()) split.seed = Number(s.seed);
    if (s.method === 'group' && s.groupBy.trim()) split.group_by = s.groupBy.trim();
    if (s.method === 'time' && s.timeKey.trim()) split.time_key = s.timeKey.trim();
    if ((s.method === 'stratified' || s.method === 'kfold') && s.label?.trim()) split.label = s.label.trim();
    if (s.unit) split.unit = s.unit;
    body.split = split;
  }
  if (f.message.trim()) body.message = f.message.trim();
  return { body };
}
