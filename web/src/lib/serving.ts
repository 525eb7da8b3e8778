// Model serving's page logic (docs/design/serving.md): the traffic split's checks, the history's
// weight summaries and the inference tester's form fields and v2 request body.
import type { DeploymentVariant, V2Tensor, V2TensorMeta } from '../api/types';

export const deploymentPath = (name: string) => `/deployments/${encodeURIComponent(name)}`;

/** "a 90 · b 10": a variant list's weights, in order; an empty list is "—". */
export function weightsSummary(variants: DeploymentVariant[] | null | undefined): string {
  if (!variants || variants.length === 0) return '—';
  return variants.map((v) => `${v.name} ${v.weight}`).join(' · ');
}

/** Each variant's share of the traffic in percent (0 when the weights add up to 0). */
export function trafficShares(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (total > 0 ? (100 * w) / total : 0));
}

export type WeightProblem = 'notNumber' | 'negative' | 'zeroTotal';

/**
 * The edited weights (as typed) as numbers, or the first problem: every weight a non-negative
 * integer, and at least one above 0. The server checks the same and has the last word.
 */
export function parseWeights(texts: string[]): { weights: number[] } | { problem: WeightProblem; index: number } {
  const weights: number[] = [];
  for (let i = 0; i < texts.length; i++) {
    const s = texts[i].trim();
    if (!/^-?\d+$/.test(s)) return { problem: 'notNumber', index: i };
    const n = Number(s);
    if (n < 0) return { problem: 'negative', index: i };
    weights.push(n);
  }
  if (weights.reduce((a, b) => a + b, 0) <= 0) return { problem: 'zeroTotal', index: -1 };
  return { weights };
}

/** The variants with new weights (same order), for PUT /deployments/{name}. */
export const withWeights = (variants: DeploymentVariant[], weights: number[]): DeploymentVariant[] =>
  variants.map((v, i) => ({ name: v.name, model: v.model, version: v.version, weight: weights[i] ?? v.weight }));

/** One input box of the tester: `key` indexes the form's values. */
export interface TesterField {
  key: string;
  input: string;
  /** the column within a `[n, features]` input; null for a one-value input */
  column: number | null;
  kind: 'number' | 'text';
  datatype: string;
}

export const isNumericType = (datatype: string) => /^(FP|INT|UINT)\d+$/.test(datatype) || datatype === 'BOOL';

/**
 * The tester's fields for one row: a `[n]` (or `[1]`) input is one field, a `[n, k]` input
 * (Triton FIL's `input__0`) is k fields, one per feature; numbers for numeric types, text for BYTES.
 */
export function testerFields(inputs: V2TensorMeta[]): TesterField[] {
  const out: TesterField[] = [];
  for (const inp of inputs) {
    const kind = isNumericType(inp.datatype) ? 'number' : 'text';
    const k = inp.shape.length >= 2 ? inp.shape[inp.shape.length - 1] : 0;
    if (k > 0) {
      for (let c = 0; c < k; c++) out.push({ key: `${inp.name}[${c}]`, input: inp.name, column: c, kind, datatype: inp.datatype });
    } else {
      out.push({ key: inp.name, input: inp.name, column: null, kind, datatype: inp.datatype });
    }
  }
  return out;
}

/**
 * The v2 request's tensors for one row from the form's values, or the key of the first number
 * field that is empty or not a number.
 */
export function inferInputs(inputs: V2TensorMeta[], values: Record<string, string>): { inputs: V2Tensor[] } | { invalid: string } {
  const fields = testerFields(inputs);
  const tensors: V2Tensor[] = [];
  for (const inp of inputs) {
    const mine = fields.filter((f) => f.input === inp.name);
    const data: unknown[] = [];
    for (const f of mine) {
      const text = values[f.key] ?? '';
      if (f.kind === 'number') {
        const n = Number(text.trim());
        if (text.trim() === '' || !Number.isFinite(n)) return { invalid: f.key };
        data.push(n);
      } else {
        data.push(text);
      }
    }
    const shape = mine.length === 1 && mine[0].column === null ? [1] : [1, mine.length];
    tensors.push({ name: inp.name, shape, datatype: inp.datatype, data });
  }
  return { inputs: tensors };
}
