// Locating the error in an acceptance-criteria expression from the server's 400 answer, whose
// message starts "at column N:" with N counted from 1 (src/project/criteria.h).
import type { ApiError } from '../api/client';

/** The 0-based character offset of a criteria syntax error, or null when the message has none. */
export function criteriaErrorPosition(err: Pick<ApiError, 'message'>): number | null {
  const m = /^at column (\d+):/.exec(err.message);
  return m ? Math.max(0, Number(m[1]) - 1) : null;
}
