// Locating the error in an acceptance-criteria expression from the server's 400 answer.
import type { ApiError } from '../api/client';

/**
 * The character offset of a criteria syntax error: a numeric `position` (or `offset`, `column`)
 * field of the error body when the server sends one, else "position N" / "column N" / "at N"
 * in the message. Returns null when neither is present.
 */
export function criteriaErrorPosition(err: Pick<ApiError, 'body' | 'message'>): number | null {
  for (const field of ['position', 'offset', 'column']) {
    const v = err.body?.[field];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  }
  const m = /\b(?:position|pos|offset|column|col|char(?:acter)?)\s*:?\s*(\d+)/i.exec(err.message) ??
    /\bat\s+(\d+)\b/i.exec(err.message);
  return m ? Number(m[1]) : null;
}
