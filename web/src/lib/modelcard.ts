// The model card's page logic (REG-4): the card's language from the UI's, the body of a save (only
// the sections whose text changed), the sections an approval request shows as evidence, heat maps
// and bar lists as tables, and the problems of a refused Triton import.
import { ApiError } from '../api/client';
import type { CardBlock, CardSection } from '../api/types';

export type CardLang = 'en' | 'ko';

/** The card language for the UI language (the server writes cards in Korean and English). */
export const cardLang = (uiLanguage: string | undefined): CardLang => (uiLanguage?.toLowerCase().startsWith('en') ? 'en' : 'ko');

/** Text as it is sent: blank (only spaces and newlines) is empty, which removes the written text. */
export const normalizeCardText = (text: string): string => (text.trim() === '' ? '' : text);

/**
 * The `sections` of PUT …/card: each section whose draft differs from its written text, with the
 * draft (normalized). Sections without a draft are left out; an empty object means nothing changed.
 */
export function cardEdits(sections: readonly Pick<CardSection, 'key' | 'text'>[], drafts: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sections) {
    const draft = drafts[s.key];
    if (draft === undefined) continue;
    const text = normalizeCardText(draft);
    if (text !== s.text) out[s.key] = text;
  }
  return out;
}

/** The drafts an edit starts from: every section's written text. */
export const draftsOf = (sections: readonly Pick<CardSection, 'key' | 'text'>[]): Record<string, string> =>
  Object.fromEntries(sections.map((s) => [s.key, s.text]));

/** The section whose generated part carries the acceptance criteria and the run's metrics. */
export const METRICS_SECTION = 'metrics';

/**
 * What an approval request shows of the card: every section with written text, and the metrics
 * section (written or not), in the card's order.
 */
export function evidenceSections<S extends Pick<CardSection, 'key' | 'text'>>(sections: readonly S[]): S[] {
  return sections.filter((s) => s.key === METRICS_SECTION || s.text.trim() !== '');
}

/** Whether the web view draws a block itself; curves are left to the HTML document. */
export const drawnInPage = (b: Pick<CardBlock, 'kind'>): boolean => b.kind !== 'curve';

/**
 * A heat map (confusion counts) or a bar list as a table: a heat map's head is the predicted
 * labels after an empty corner, each row a true label and its counts; a bar list's rows are
 * label and value. Null for other blocks or a block without data.
 */
export function blockAsTable(b: CardBlock, format: (n: number) => string): { head: string[]; rows: string[][] } | null {
  if (b.kind === 'heatmap') {
    const labels = b.labels ?? [];
    const matrix = b.matrix ?? [];
    if (labels.length === 0 || matrix.length === 0) return null;
    return {
      head: ['', ...labels],
      rows: matrix.map((row, i) => [labels[i] ?? String(i), ...row.map((n) => format(n))]),
    };
  }
  if (b.kind === 'bars') {
    const bars = b.bars ?? [];
    if (bars.length === 0) return null;
    return { head: [], rows: bars.map(([label, v]) => [label, format(v)]) };
  }
  return null;
}

/**
 * The problems of a refused import (400 INVALID_REPOSITORY's `problems`), or an empty list when the
 * error carries none (then its message says what is wrong).
 */
export function importProblems(error: unknown): string[] {
  if (!(error instanceof ApiError)) return [];
  const p = error.body.problems;
  return Array.isArray(p) ? p.filter((x): x is string => typeof x === 'string') : [];
}

/** The archive types the import accepts, for the file input. */
export const IMPORT_ACCEPT = '.tar,.tar.gz,.tgz,.zip,application/x-tar,application/gzip,application/zip';
