// Deployment strategies' page logic (docs/design/serving.md): live rates, canary steps, guardrail and
// capture settings as the forms type them, compact views of captured tensors and feedback values.
// The server checks the same and has the last word.
import type { CapturedTensor, DeploymentChange, Guardrails, VariantCounters } from '../api/types';

/** The windows the page offers for live figures (the server keeps up to 355 s). */
export const STAT_WINDOWS = [30, 60, 300] as const;

/** The actor of the server's own changes: canary steps, guardrail rollbacks, the end of a switch. */
export const SYSTEM_ACTOR = 'moebius';
export const isAutomatic = (h: Pick<DeploymentChange, 'actor'>) => h.actor === SYSTEM_ACTOR;

/** Requests per second over a window. */
export const requestRate = (c: Pick<VariantCounters, 'requests'> | undefined, windowS: number): number =>
  c && windowS > 0 ? c.requests / windowS : 0;

/** "0.42/s" style: two decimals under 10, one under 100, whole above. */
export function formatRate(perSecond: number): string {
  if (perSecond === 0) return '0';
  if (perSecond < 10) return perSecond.toFixed(2);
  if (perSecond < 100) return perSecond.toFixed(1);
  return Math.round(perSecond).toString();
}

/** A share (0..1) as a percent text: "2.5%", "20%", "0.25%" (one decimal, two under 1 %, no trailing zeros). */
export function formatShare(share: number): string {
  const pct = share * 100;
  return `${Number(pct.toFixed(pct < 1 ? 2 : 1))}%`;
}

/** A latency in ms for a table cell, "—" when nothing was measured. */
export function formatMs(ms: number, measured: boolean): string {
  if (!measured) return '—';
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : Math.round(ms).toString();
}

export const COUNTDOWN_UNITS = ['seconds', 'minutes', 'hours'] as const;
/**
 * The time left until `atMs` (0 once passed), for the i18n key `serving.countdown.<unit>`:
 * {unit: 'seconds', s} under a minute, {unit: 'minutes', m, s} under an hour, else {unit: 'hours', h, m};
 * minutes and seconds after the first part two digits wide.
 */
export function countdown(atMs: number, nowMs: number): { unit: (typeof COUNTDOWN_UNITS)[number]; h: number; m: string; s: string } {
  const total = Math.max(0, Math.round((atMs - nowMs) / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  if (total < 60) return { unit: 'seconds', h: 0, m: '0', s: String(total) };
  if (total < 3600) return { unit: 'minutes', h: 0, m: String(Math.floor(total / 60)), s: pad(total % 60) };
  return { unit: 'hours', h: Math.floor(total / 3600), m: pad(Math.floor((total % 3600) / 60)), s: pad(total % 60) };
}

/** Each canary step with whether it is done, in force or to come. */
export function canarySteps(steps: number[], step: number): { percent: number; state: 'done' | 'current' | 'next' }[] {
  return steps.map((percent, i) => ({ percent, state: i < step ? 'done' : i === step ? 'current' : 'next' }));
}

export type FormProblem =
  | 'steps'
  | 'interval'
  | 'keep'
  | 'captureRate'
  | 'shadowShare'
  | 'maxErrorRate'
  | 'maxP99'
  | 'guardWindow'
  | 'minRequests'
  | 'pickVersion'
  | 'feedbackId'
  | 'feedbackValue';
export const FORM_PROBLEMS: FormProblem[] = [
  'steps',
  'interval',
  'keep',
  'captureRate',
  'shadowShare',
  'maxErrorRate',
  'maxP99',
  'guardWindow',
  'minRequests',
  'pickVersion',
  'feedbackId',
  'feedbackValue',
];
type Parsed<T> = { ok: true; value: T } | { ok: false; problem: FormProblem };

const num = (s: string): number | null => {
  const t = s.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
};
const whole = (s: string): number | null => {
  const n = num(s);
  return n !== null && Number.isInteger(n) ? n : null;
};

/** "10, 25, 50" → [10, 25, 50]: percents from 1 to 100, increasing (the server adds 100). Empty: the server's default. */
export function parseSteps(text: string): Parsed<number[] | undefined> {
  if (text.trim() === '') return { ok: true, value: undefined };
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  const steps: number[] = [];
  for (const p of parts) {
    const n = whole(p);
    if (n === null || n < 1 || n > 100 || (steps.length > 0 && n <= steps[steps.length - 1])) return { ok: false, problem: 'steps' };
    steps.push(n);
  }
  if (steps.length > 20) return { ok: false, problem: 'steps' };
  return { ok: true, value: steps };
}

/** A whole number of seconds within [lo, hi]; empty: undefined (the server's default). */
export function parseSeconds(text: string, lo: number, hi: number, problem: FormProblem): Parsed<number | undefined> {
  if (text.trim() === '') return { ok: true, value: undefined };
  const n = whole(text);
  if (n === null || n < lo || n > hi) return { ok: false, problem };
  return { ok: true, value: n };
}

/** A percent text (0..100, decimals allowed) as a share 0..1. */
export function parsePercent(text: string, problem: FormProblem, { aboveZero = false } = {}): Parsed<number> {
  const n = num(text);
  if (n === null || n < 0 || n > 100 || (aboveZero && n === 0)) return { ok: false, problem };
  return { ok: true, value: n / 100 };
}

/** The guardrails form as typed: empty limits are not checked. */
export interface GuardrailsForm {
  maxErrorPct: string;
  maxP99Ms: string;
  windowS: string;
  minRequests: string;
}

/** A percent of a share for a form field, without float noise: 0.025 → "2.5". */
export const percentText = (share: number) => String(Math.round(share * 100 * 1e6) / 1e6);

export function guardrailsForm(g: Guardrails | null): GuardrailsForm {
  return {
    maxErrorPct: g?.max_error_rate != null ? percentText(g.max_error_rate) : '',
    maxP99Ms: g?.max_p99_ms != null ? String(g.max_p99_ms) : '',
    windowS: String(g?.window_s ?? 60),
    minRequests: String(g?.min_requests ?? 20),
  };
}

export type GuardrailsBody = { max_error_rate?: number; max_p99_ms?: number; window_s: number; min_requests: number };

/** The PUT body's guardrails: null when neither limit is given (the guardrails are removed). */
export function parseGuardrails(f: GuardrailsForm): Parsed<GuardrailsBody | null> {
  let maxErrorRate: number | undefined;
  let maxP99: number | undefined;
  if (f.maxErrorPct.trim() !== '') {
    const r = parsePercent(f.maxErrorPct, 'maxErrorRate');
    if (!r.ok) return r;
    maxErrorRate = r.value;
  }
  if (f.maxP99Ms.trim() !== '') {
    const n = num(f.maxP99Ms);
    if (n === null || n <= 0 || n > 600000) return { ok: false, problem: 'maxP99' };
    maxP99 = n;
  }
  const window = whole(f.windowS);
  if (window === null || window < 5 || window > 300) return { ok: false, problem: 'guardWindow' };
  const min = whole(f.minRequests);
  if (min === null || min < 1 || min > 1000000) return { ok: false, problem: 'minRequests' };
  if (maxErrorRate === undefined && maxP99 === undefined) return { ok: true, value: null };
  const body: GuardrailsBody = { window_s: window, min_requests: min };
  if (maxErrorRate !== undefined) body.max_error_rate = maxErrorRate;
  if (maxP99 !== undefined) body.max_p99_ms = maxP99;
  return { ok: true, value: body };
}

/** A captured tensor in one short line: its shape and the first values. */
export function tensorSummary(t: CapturedTensor, maxValues = 6): string {
  const values = t.data.slice(0, maxValues).map((v) => (typeof v === 'number' ? formatValue(v) : JSON.stringify(v)));
  const more = t.data.length > maxValues ? `, … +${t.data.length - maxValues}` : '';
  const shape = t.shape.length === 1 && t.shape[0] === t.data.length && t.data.length <= 1 ? '' : `[${t.shape.join('×')}] `;
  return `${shape}${values.join(', ')}${more}`;
}

const formatValue = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6))));

/** A feedback value for display: strings as they are, the rest as compact JSON. */
export const feedbackText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** The feedback form's value: JSON when it parses ("1", "true", {"label": 1}), else the text itself. */
export function parseFeedbackValue(text: string): Parsed<unknown> {
  const s = text.trim();
  if (s === '') return { ok: false, problem: 'feedbackValue' };
  try {
    return { ok: true, value: JSON.parse(s) as unknown };
  } catch {
    return { ok: true, value: s };
  }
}
