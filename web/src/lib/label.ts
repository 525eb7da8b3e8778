// Pure helpers of the annotation tools: code-point offsets for spans (the server counts Unicode
// code points, JavaScript strings UTF-16 units), boxes from a drag clamped to the image, hotkeys,
// the local draft copy that survives a closed tab, and a small CSV reader for the row view.
import type { Annotation, Box, LabelClass, Span, TaskType } from '../api/labelTypes';

export const TASK_TYPES: TaskType[] = [
  'image_classification',
  'object_detection',
  'segmentation',
  'text_classification',
  'ner',
  'qa',
  'tabular_classification',
];
export const ASSIGNMENT_STATES = ['todo', 'in_progress', 'submitted', 'accepted', 'rejected'] as const;
export const EVENT_ACTIONS = ['assign', 'save', 'submit', 'accept', 'reject', 'import'] as const;

/** The code-point offset of UTF-16 index `i` of `text`. */
export function toCodePoint(text: string, i: number): number {
  return Array.from(text.slice(0, i)).length;
}

/** The UTF-16 index of code-point offset `cp` of `text`. */
export function toUtf16(text: string, cp: number): number {
  let units = 0;
  let n = 0;
  for (const ch of text) {
    if (n === cp) return units;
    units += ch.length;
    n++;
  }
  return units;
}

/** A span over the selected UTF-16 range, in code points; null for an empty selection. */
export function selectionToSpan(text: string, from: number, to: number, cls: string): Span | null {
  const a = Math.min(from, to);
  const b = Math.max(from, to);
  if (a === b) return null;
  const start = toCodePoint(text, a);
  const end = toCodePoint(text, b);
  return { class: cls, start, end, text: Array.from(text).slice(start, end).join('') };
}

export function overlapsAny(spans: Span[], s: Span): boolean {
  return spans.some((o) => s.start < o.end && o.start < s.end);
}

/** Cuts `text` into pieces at span borders, each with the spans covering it (for highlighting). */
export function segments(text: string, spans: { start: number; end: number }[]): { text: string; start: number; covering: number[] }[] {
  const chars = Array.from(text);
  const cuts = new Set<number>([0, chars.length]);
  for (const s of spans) {
    cuts.add(Math.max(0, Math.min(chars.length, s.start)));
    cuts.add(Math.max(0, Math.min(chars.length, s.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: { text: string; start: number; covering: number[] }[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const [a, b] = [points[k], points[k + 1]];
    const covering = spans.flatMap((s, i) => (s.start <= a && b <= s.end ? [i] : []));
    out.push({ text: chars.slice(a, b).join(''), start: a, covering });
  }
  return out;
}

/** A box from two corners of a drag, clamped to the image; null when smaller than a pixel. */
export function boxFromDrag(x0: number, y0: number, x1: number, y1: number, width: number, height: number, cls: string): Box | null {
  const clamp = (v: number, hi: number) => Math.max(0, Math.min(hi, v));
  const ax = clamp(Math.min(x0, x1), width);
  const bx = clamp(Math.max(x0, x1), width);
  const ay = clamp(Math.min(y0, y1), height);
  const by = clamp(Math.max(y0, y1), height);
  if (bx - ax < 1 || by - ay < 1) return null;
  const r = (v: number) => Math.round(v * 100) / 100;
  return { class: cls, x: r(ax), y: r(ay), w: r(bx - ax), h: r(by - ay) };
}

/** The class a key press picks: its hotkey, else the n-th class for digits 1-9 without hotkeys. */
export function classForKey(classes: LabelClass[], key: string): string | null {
  const byHotkey = classes.find((c) => c.hotkey && c.hotkey.toLowerCase() === key.toLowerCase());
  if (byHotkey) return byHotkey.name;
  if (classes.every((c) => !c.hotkey) && /^[1-9]$/.test(key)) return classes[Number(key) - 1]?.name ?? null;
  return null;
}

export function emptyAnnotation(type: TaskType): Annotation {
  switch (type) {
    case 'object_detection':
      return { boxes: [] };
    case 'segmentation':
      return { polygons: [] };
    case 'ner':
      return { spans: [] };
    case 'qa':
      return { answers: [], impossible: false };
    case 'tabular_classification':
      return { rows: [] };
    default:
      return { classes: [] };
  }
}

/** The local copy of a draft, kept on every change so nothing is lost when the tab closes. */
export interface LocalDraft {
  annotation: Annotation;
  savedAt: number;
  serverUpdatedAt: number;
}
export const draftKey = (project: string, labeling: string, assignment: number) => `moebius.label.${project}.${labeling}.${assignment}`;

export function readDraft(key: string, storage: Pick<Storage, 'getItem'> = localStorage): LocalDraft | null {
  try {
    const text = storage.getItem(key);
    if (!text) return null;
    const d = JSON.parse(text) as LocalDraft;
    return d && typeof d === 'object' && d.annotation && typeof d.savedAt === 'number' ? d : null;
  } catch {
    return null;
  }
}

export function writeDraft(key: string, d: LocalDraft, storage: Pick<Storage, 'setItem'> = localStorage): void {
  try {
    storage.setItem(key, JSON.stringify(d));
  } catch {
    // storage full or unavailable: the server copy still autosaves
  }
}

/** The local draft wins when it was written after the server's copy was last changed. */
export function pickDraft(local: LocalDraft | null, serverAnnotation: Annotation | undefined, serverUpdatedAt: number): Annotation | null {
  if (local && local.savedAt > serverUpdatedAt) return local.annotation;
  return serverAnnotation ?? null;
}

/** A CSV table's header and data rows (quoted fields with commas, doubled quotes and newlines). */
export function parseCsv(text: string, maxRows = 1000): { header: string[]; rows: string[][] } {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length && records.length <= maxRows; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header = [], ...rows] = records;
  return { header, rows: rows.slice(0, maxRows) };
}

/** Index of the polygon vertex within `radius` of (x, y), or -1. */
export function nearestVertex(points: [number, number][], x: number, y: number, radius: number): number {
  let best = -1;
  let bestD = radius * radius;
  points.forEach(([px, py], i) => {
    const d = (px - x) ** 2 + (py - y) ** 2;
    if (d <= bestD) {
      best = i;
      bestD = d;
    }
  });
  return best;
}
