// Pure logic of the study pages (EXP-5): the new-study form to the API's spec, and small helpers
// for the trial table and plots. The server validates the spec again (ranges, samplers); the form
// only names what it cannot send at all.
import type { BuiltinTrainer, StudyTrial } from '../api/types';
import { parseArgv, type ArgvMode, type Parsed } from './jobs';

export const PARAM_TYPES = ['float', 'int', 'categorical'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];
/** 'default': no sampler in the body, so the server picks (multivariate TPE with Scott's bandwidth, or Optuna's TPE for a conditional space). */
export const SAMPLERS = ['default', 'tpe', 'random', 'grid', 'cmaes', 'tpe_cmaes'] as const;
export const PRUNERS = ['none', 'median', 'successive_halving'] as const;
/** What trials run: a command over a space of its own, or built-in trainers (AutoML by name). */
export const STUDY_SOURCES = ['command', 'trainers'] as const;
export const TASKS = ['binary', 'multiclass', 'regression', 'ranking'] as const;

export interface ParamRow {
  name: string;
  type: ParamType;
  low: string;
  high: string;
  log: boolean;
  choices: string; // comma-separated
}

export interface StudyForm {
  name: string;
  experiment: string;
  metric: string;
  goal: 'minimize' | 'maximize';
  sampler: (typeof SAMPLERS)[number];
  pruner: (typeof PRUNERS)[number];
  nTrials: string;
  parallelism: string;
  command: string;
  mode: ArgvMode;
  params: ParamRow[];
  source: (typeof STUDY_SOURCES)[number];
  trainers: string[]; // built-in trainer names, each an AutoML algorithm with its default space
  dataset: string;
  version: string;
  label: string;
  text: string; // the text column, for trainers that take one (text classification)
  task: (typeof TASKS)[number];
}

export const EMPTY_PARAM: ParamRow = { name: '', type: 'float', low: '0', high: '1', log: false, choices: '' };

export const EMPTY_STUDY_FORM: StudyForm = {
  name: '',
  experiment: '',
  metric: 'loss',
  goal: 'minimize',
  sampler: 'default',
  pruner: 'none',
  nTrials: '10',
  parallelism: '2',
  command: '',
  mode: 'shell',
  params: [{ ...EMPTY_PARAM, name: 'x' }],
  source: 'command',
  trainers: [],
  dataset: '',
  version: '',
  label: '',
  text: '',
  task: 'binary',
};

/** A choice as typed: numbers and true/false as such, anything else as a string. */
export function parseChoice(text: string): string | number | boolean {
  const s = text.trim();
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (s !== '' && Number.isFinite(Number(s))) return Number(s);
  return s;
}

const problem = (key: string, line?: number): Parsed<never> => ({ ok: false, problem: { key, line } });

/**
 * A trainer's args from the form: the label column as `label` (tables) or `label_key` (item
 * meta, images), the text column where the trainer takes one (text), and the task where the
 * trainer takes one — as GET /api/v1/trainers lists its args.
 */
export function trainerArgs(info: BuiltinTrainer | undefined, label: string, task: string, text = ''): Record<string, string> {
  const takes = (a: string) => (info ? info.args.includes(a) : a === 'label' || a === 'task');
  const args: Record<string, string> = {};
  if (takes('label')) args.label = label;
  else if (takes('label_key')) args.label_key = label;
  if (takes('text')) args.text = text;
  if (takes('task')) args.task = task;
  return args;
}

/** Whether one of the chosen trainers needs a text column. */
export function needsTextColumn(chosen: readonly string[], trainers: readonly BuiltinTrainer[]): boolean {
  return chosen.some((name) => trainers.find((x) => x.name === name)?.args.includes('text'));
}

/** The POST body of a study, or the first problem (line = the 1-based parameter row). */
export function studySpec(form: StudyForm, trainers: readonly BuiltinTrainer[] = []): Parsed<Record<string, unknown>> {
  if (!form.name.trim()) return problem('study.problems.name');
  if (!form.experiment.trim()) return problem('study.problems.experiment');
  if (!form.metric.trim()) return problem('study.problems.metric');
  const nTrials = Number(form.nTrials);
  const parallelism = Number(form.parallelism);
  if (!Number.isInteger(nTrials) || !Number.isInteger(parallelism)) return problem('study.problems.counts');
  const common = {
    name: form.name.trim(),
    experiment: form.experiment.trim(),
    objective: { metric: form.metric.trim(), goal: form.goal },
    ...(form.sampler === 'default' ? {} : { sampler: { type: form.sampler } }),
    pruner: { type: form.pruner },
    n_trials: nTrials,
    parallelism,
  };
  if (form.source === 'trainers') {
    if (form.trainers.length === 0) return problem('study.problems.trainers');
    if (!form.dataset.trim()) return problem('study.problems.dataset');
    const version = Number(form.version);
    if (!Number.isInteger(version) || version < 1) return problem('study.problems.version');
    if (!form.label.trim()) return problem('study.problems.label');
    const label = form.label.trim();
    const text = form.text.trim();
    if (!text && needsTextColumn(form.trainers, trainers)) return problem('study.problems.text');
    return {
      ok: true,
      value: {
        ...common,
        algorithms: form.trainers.map((name) => ({ name, trainer: name, args: trainerArgs(trainers.find((x) => x.name === name), label, form.task, text) })),
        trial: { data: [{ dataset: form.dataset.trim(), version }] },
      },
    };
  }
  if (form.params.length === 0) return problem('study.problems.noParams');
  const params: Record<string, unknown>[] = [];
  for (let i = 0; i < form.params.length; i++) {
    const r = form.params[i];
    if (!r.name.trim()) return problem('study.problems.paramName', i + 1);
    if (r.type === 'categorical') {
      const choices = r.choices.split(',').map((c) => c.trim()).filter((c) => c !== '');
      if (choices.length === 0) return problem('study.problems.choices', i + 1);
      params.push({ name: r.name.trim(), type: r.type, choices: choices.map(parseChoice) });
      continue;
    }
    const low = Number(r.low);
    const high = Number(r.high);
    if (r.low.trim() === '' || r.high.trim() === '' || !Number.isFinite(low) || !Number.isFinite(high)) return problem('study.problems.bounds', i + 1);
    const p: Record<string, unknown> = { name: r.name.trim(), type: r.type, low, high };
    if (r.log) p.log = true;
    params.push(p);
  }
  const argv = parseArgv(form.command, form.mode);
  if (!argv.ok) return argv;
  if (argv.value.length === 0) return problem('study.problems.command');
  return { ok: true, value: { ...common, space: { params }, trial: { command: argv.value } } };
}

/** The best complete trial (lowest or highest value); null when none completed. */
export function bestTrial(trials: readonly StudyTrial[], goal: string): StudyTrial | null {
  let best: StudyTrial | null = null;
  for (const t of trials) {
    if (t.state !== 'complete' || t.value === null) continue;
    if (!best || (goal === 'maximize' ? t.value > (best.value as number) : t.value < (best.value as number))) best = t;
  }
  return best;
}

export const studyActive = (state: string | undefined): boolean => state === 'running';

/** A parameter value for a table cell: numbers shortened, strings as they are. */
export function formatParam(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString();
  return String(v);
}

/**
 * A label formatter for numbers between `min` and `max` (a colour bar, an axis) with just enough
 * digits that the two ends and the steps between read differently: 0.31–0.40 gives "0.31",
 * "0.355", "0.4", never "0" at both ends. Very large or tiny magnitudes use exponents.
 */
export function rangeFormatter(min: number, max: number): (v: number) => string {
  const span = Math.abs(max - min);
  const mag = Math.max(Math.abs(min), Math.abs(max));
  if (!Number.isFinite(span) || !Number.isFinite(mag)) return (v) => String(v);
  if (mag >= 1e6 || (mag > 0 && mag < 1e-4)) return (v) => (v === 0 ? '0' : v.toExponential(2));
  // Digits after the point: two more than the span's first significant digit (a tenth of a step).
  const decimals = span > 0 ? Math.max(0, Math.min(10, 2 - Math.floor(Math.log10(span)))) : mag > 0 ? Math.max(0, 3 - Math.floor(Math.log10(mag))) : 0;
  return (v) => {
    const s = v.toFixed(decimals);
    return decimals > 0 ? s.replace(/\.?0+$/, '') : s;
  };
}

/** An axis label for a parameter's value: whole numbers for an int parameter, as-is otherwise. */
export function paramTick(type: 'float' | 'int' | 'categorical' | string, v: number, fmt: (v: number) => string): string {
  if (type === 'int') return Number.isInteger(v) ? String(v) : '';
  return fmt(v);
}

/** The experiment a project used last (latest update, then creation), for forms' defaults. */
export function lastUsedExperiment<E extends { name: string; last_update_time?: number; creation_time?: number }>(experiments: E[]): E | undefined {
  let best: E | undefined;
  const key = (e: E) => [e.last_update_time ?? 0, e.creation_time ?? 0];
  for (const e of experiments) {
    if (!best) best = e;
    else {
      const [a1, a2] = key(e);
      const [b1, b2] = key(best);
      if (a1 > b1 || (a1 === b1 && a2 > b2)) best = e;
    }
  }
  return best;
}
