// The dataset catalog's query language (GET /api/v1/datasets?q=): words separated by blanks
// (double quotes keep blanks inside a word: tag:"night shift"), each either `field:value` (name, tag, column, domain) or a bare word; every term must match,
// case-insensitively, by substring (domain: exactly). Mirrors ParseCatalogQuery on the server.

export const CATALOG_FIELDS = ['name', 'tag', 'column', 'domain'] as const;
export type CatalogField = (typeof CATALOG_FIELDS)[number];

export interface CatalogTerm {
  /** '' for a bare word */
  field: CatalogField | '';
  value: string;
}

/** Words split at blanks outside double quotes; the quotes themselves are dropped. */
function catalogWords(q: string): string[] {
  const words = [''];
  let quoted = false;
  for (const c of q) {
    if (c === '"') quoted = !quoted;
    else if ((c === ' ' || c === '\t') && !quoted) words.push('');
    else words[words.length - 1] += c;
  }
  return words;
}

export function parseCatalogQuery(q: string): CatalogTerm[] {
  const terms: CatalogTerm[] = [];
  for (const raw of catalogWords(q)) {
    if (!raw) continue;
    const w = raw.toLowerCase();
    const colon = w.indexOf(':');
    const field = colon < 0 ? '' : w.slice(0, colon);
    if ((CATALOG_FIELDS as readonly string[]).includes(field)) terms.push({ field: field as CatalogField, value: w.slice(colon + 1) });
    else terms.push({ field: '', value: w });
  }
  return terms;
}

/** The query with `field:value` added (quoted when it has blanks), unless an equal term is already there. */
export function addCatalogTerm(q: string, field: CatalogField, value: string): string {
  const word = value.trim().replace(/"/g, '');
  if (!word) return q.trim();
  const lower = word.toLowerCase();
  if (parseCatalogQuery(q).some((t) => t.field === field && t.value === lower)) return q.trim();
  return [q.trim(), /\s/.test(word) ? `${field}:"${word}"` : `${field}:${word}`].filter(Boolean).join(' ');
}

/** The needles that can have matched a column: `column:` values and bare words. */
export function columnNeedles(q: string): string[] {
  return [...new Set(parseCatalogQuery(q).filter((t) => (t.field === 'column' || t.field === '') && t.value).map((t) => t.value))];
}

/** The needles that can have matched a tag: `tag:` values and bare words. */
export function tagNeedles(q: string): string[] {
  return [...new Set(parseCatalogQuery(q).filter((t) => (t.field === 'tag' || t.field === '') && t.value).map((t) => t.value))];
}

export interface Segment {
  text: string;
  hit: boolean;
}

/** `text` cut into runs that do / do not fall inside a case-insensitive match of any needle. */
export function highlightSegments(text: string, needles: string[]): Segment[] {
  const lower = text.toLowerCase();
  const mark = new Array<boolean>(text.length).fill(false);
  for (const n of needles) {
    if (!n) continue;
    const needle = n.toLowerCase();
    for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + 1)) mark.fill(true, i, i + needle.length);
  }
  const out: Segment[] = [];
  for (let i = 0; i < text.length; i++) {
    const last = out[out.length - 1];
    if (last && last.hit === mark[i]) last.text += text[i];
    else out.push({ text: text[i], hit: mark[i] });
  }
  return out;
}

/** Whether any needle occurs in `text` (case-insensitive). */
export const matchesAny = (text: string, needles: string[]): boolean =>
  needles.some((n) => !!n && text.toLowerCase().includes(n.toLowerCase()));
