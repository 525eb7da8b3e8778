// Locale-aware formatting of times, durations, numbers and sizes.

/** A date and time, the same everywhere in the UI (issue 17: one date format). */
export function formatDateTime(ms: number | undefined | null, locale: string): string {
  return formatDateTimeShort(ms, locale);
}

/** A compact date and time (2026-12-08 09:30:05 in the locale's order), for pages and table cells alike. */
export function formatDateTimeShort(ms: number | undefined | null, locale: string): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms) || ms <= 0) return '';
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(new Date(ms));
}

/**
 * A duration between two times: "2m 5s", or in `locale`'s words when one is given ("2분 5초";
 * Intl's narrow units), so durations read in the page's language (issue 17).
 */
export function formatDuration(startMs?: number, endMs?: number, locale?: string): string {
  if (!startMs || !endMs || endMs < startMs) return '';
  let s = Math.round((endMs - startMs) / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const u = (n: number, unit: 'hour' | 'minute' | 'second', short: string) =>
    locale ? new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'narrow' }).format(n) : `${n}${short}`;
  if (h) return `${u(h, 'hour', 'h')} ${u(m, 'minute', 'm')}`;
  if (m) return `${u(m, 'minute', 'm')} ${u(s, 'second', 's')}`;
  return u(s, 'second', 's');
}

export function formatNumber(v: number | undefined | null, locale: string): string {
  if (v === undefined || v === null) return '';
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return v.toExponential(4);
  return new Intl.NumberFormat(locale, { maximumSignificantDigits: 6 }).format(v);
}

export function formatBytes(n: number | undefined | null): string {
  if (n === undefined || n === null || !Number.isFinite(n)) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = n;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${i === 0 ? x : x.toFixed(1)} ${units[i]}`;
}

/**
 * Parameters as `name=value` pairs joined by ", " (strings bare, other values as JSON), or ""
 * when there are none — never a raw `{}` (issue 17).
 */
export function formatParams(params: Record<string, unknown> | null | undefined): string {
  if (!params) return '';
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}
