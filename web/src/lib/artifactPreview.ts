// What the run page's artifact preview (issue 17, item 7) shows for a file: text, JSON pretty
// printed, the first rows of a CSV, an image, or the model's signature as a table; larger files
// and other kinds are offered for download only.

export type PreviewKind = 'image' | 'json' | 'csv' | 'text' | 'signature' | 'none';

/** Text previews read at most this much (the whole file is fetched: the endpoint has no ranges). */
export const MAX_PREVIEW_BYTES = 2 * 1024 * 1024;
export const CSV_PREVIEW_ROWS = 20;

const TEXT_EXT = new Set(['txt', 'log', 'md', 'yaml', 'yml', 'py', 'sh', 'cfg', 'ini', 'toml', 'pbtxt', 'mlmodel', 'xml', 'html', 'tsv']);
const IMAGE_EXT = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'bmp']);

function ext(path: string): string {
  const base = path.split('/').pop() ?? path;
  if (base === 'MLmodel') return 'mlmodel';
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/** How to preview `path` of `size` bytes. */
export function previewKind(path: string, size: number | undefined): PreviewKind {
  const e = ext(path);
  if (IMAGE_EXT.has(e)) return size !== undefined && size > 20 * MAX_PREVIEW_BYTES ? 'none' : 'image';
  if (size !== undefined && size > MAX_PREVIEW_BYTES) return 'none';
  if (/(^|\/)signature\.json$/.test(path)) return 'signature';
  if (e === 'json') return 'json';
  if (e === 'csv') return 'csv';
  if (TEXT_EXT.has(e)) return 'text';
  return 'none';
}

/** JSON text pretty printed, or the text as it is when it is not JSON. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** The first `rows` records of CSV text (quotes and doubled quotes honoured) and whether there are more. */
export function csvHead(text: string, rows = CSV_PREVIEW_ROWS): { header: string[]; rows: string[][]; more: boolean } {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let i = 0;
  const push = () => {
    record.push(field);
    field = '';
  };
  for (; i < text.length && records.length <= rows; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') push();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      push();
      records.push(record);
      record = [];
    } else field += c;
  }
  if ((field !== '' || record.length > 0) && records.length <= rows) {
    push();
    records.push(record);
  }
  const [header = [], ...body] = records;
  const more = body.length > rows || i < text.length;
  return { header, rows: body.slice(0, rows), more };
}

export interface SignatureRow {
  section: 'input' | 'feature' | 'output';
  name: string;
  type: string;
}

/** The model signature (src/train: model/signature.json) as rows of a table; [] when not one. */
export function signatureRows(text: string): SignatureRow[] {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return [];
  }
  if (!j || typeof j !== 'object') return [];
  const o = j as { inputs?: unknown; features?: unknown; output?: unknown };
  const rows: SignatureRow[] = [];
  const list = (v: unknown, section: SignatureRow['section']) => {
    if (!Array.isArray(v)) return;
    for (const x of v)
      if (x && typeof x === 'object' && typeof (x as { name?: unknown }).name === 'string')
        rows.push({ section, name: (x as { name: string }).name, type: String((x as { type?: unknown }).type ?? '') });
  };
  list(o.inputs, 'input');
  list(o.features, 'feature');
  if (o.output && typeof o.output === 'object') {
    const out = o.output as Record<string, unknown>;
    for (const k of ['task', 'label', 'type', 'objective'])
      if (out[k] !== undefined) rows.push({ section: 'output', name: k, type: String(out[k]) });
    if (Array.isArray(out.classes)) rows.push({ section: 'output', name: 'classes', type: out.classes.map(String).join(', ') });
  }
  return rows;
}
