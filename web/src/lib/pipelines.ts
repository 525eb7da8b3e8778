import type { ParamSpec } from '../api/types';

/** The text a parameter's input starts with: its default, or empty when it is required. */
export function paramInitialText(p: ParamSpec): string {
  if (p.default === undefined || p.default === null) return '';
  if (p.type === 'float' && typeof p.default === 'number' && Number.isInteger(p.default)) return p.default.toFixed(1);
  return String(p.default);
}

/**
 * A typed value from a parameter's input text, or an error key (pipeline.form.*) for the form.
 * Empty text means "use the default" (undefined) when there is one; the server checks the rest.
 */
export function parseParam(p: ParamSpec, text: string): { value?: unknown; error?: string } {
  const s = text.trim();
  if (s === '') return p.default === undefined ? { error: 'required' } : {};
  switch (p.type) {
    case 'int':
      return /^-?\d+$/.test(s) ? { value: Number.parseInt(s, 10) } : { error: 'notInt' };
    case 'float': {
      const v = Number(s);
      return Number.isFinite(v) ? { value: v } : { error: 'notNumber' };
    }
    case 'bool':
      return s === 'true' || s === 'false' ? { value: s === 'true' } : { error: 'notBool' };
    default:
      return { value: text };
  }
}

/** "3 succeeded · 1 cached" from a run's step counts, in the order states are drawn. */
export function summarizeSteps(counts: Record<string, number> | undefined, order: readonly string[]): [string, number][] {
  if (!counts) return [];
  return order.filter((s) => counts[s]).map((s) => [s, counts[s]]);
}
