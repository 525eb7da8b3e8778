/**
 * A first check of a cron expression in the schedule form, before the server's full parse
 * (src/jobs/cron.h): five blank-separated fields of the characters cron uses, or a macro. The
 * server's message names the field and what is wrong for anything this lets through.
 */
export const CRON_MACROS = ['@hourly', '@daily', '@midnight', '@weekly', '@monthly', '@yearly', '@annually'] as const;

export type CronShape = { ok: true; fields: string[] } | { ok: false; key: 'fieldCount' | 'badChars' | 'unknownMacro'; count?: number };

const FIELD = /^[0-9A-Za-z*,\-/]+$/;

export function checkCronShape(text: string): CronShape {
  const expr = text.trim();
  if (expr.startsWith('@')) {
    return (CRON_MACROS as readonly string[]).includes(expr.toLowerCase()) ? { ok: true, fields: [expr] } : { ok: false, key: 'unknownMacro' };
  }
  const fields = expr.split(/\s+/).filter((f) => f.length > 0);
  if (fields.length !== 5) return { ok: false, key: 'fieldCount', count: fields.length };
  if (!fields.every((f) => FIELD.test(f))) return { ok: false, key: 'badChars' };
  return { ok: true, fields };
}
