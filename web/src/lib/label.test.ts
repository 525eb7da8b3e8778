import { describe, expect, it } from 'vitest';
import {
  boxFromDrag,
  classForKey,
  nearestVertex,
  overlapsAny,
  parseCsv,
  pickDraft,
  readDraft,
  segments,
  selectionToSpan,
  toCodePoint,
  toUtf16,
  writeDraft,
} from './label';

describe('span offsets', () => {
  it('counts code points for Korean, English and astral characters', () => {
    const text = '김철수는 😀 Seoul';
    expect(toCodePoint(text, text.indexOf('S'))).toBe(7); // the emoji is two UTF-16 units, one code point
    expect(toUtf16(text, 7)).toBe(text.indexOf('S'));
    const span = selectionToSpan(text, 0, 3, 'PER');
    expect(span).toEqual({ class: 'PER', start: 0, end: 3, text: '김철수' });
    expect(selectionToSpan(text, text.indexOf('S') + 5, text.indexOf('S'), 'LOC')).toEqual({ class: 'LOC', start: 7, end: 12, text: 'Seoul' });
    expect(selectionToSpan(text, 2, 2, 'PER')).toBeNull();
  });
  it('finds overlaps and cuts text at span borders', () => {
    expect(overlapsAny([{ class: 'a', start: 0, end: 3 }], { class: 'b', start: 2, end: 4 })).toBe(true);
    expect(overlapsAny([{ class: 'a', start: 0, end: 3 }], { class: 'b', start: 3, end: 4 })).toBe(false);
    const segs = segments('서울에 간다', [{ start: 0, end: 2 }]);
    expect(segs.map((s) => [s.text, s.covering])).toEqual([
      ['서울', [0]],
      ['에 간다', []],
    ]);
  });
});

describe('boxes, hotkeys, vertices', () => {
  it('makes a box from any drag direction, clamped to the image', () => {
    expect(boxFromDrag(30, 20, -5, 2, 37, 23, 'car')).toEqual({ class: 'car', x: 0, y: 2, w: 30, h: 18 });
    expect(boxFromDrag(10, 10, 10.5, 30, 37, 23, 'car')).toBeNull();
  });
  it('picks classes by hotkey or by position', () => {
    const withKeys = [
      { name: 'car', color: '', hotkey: 'c', description: '' },
      { name: 'bus', color: '', hotkey: '2', description: '' },
    ];
    expect(classForKey(withKeys, 'C')).toBe('car');
    expect(classForKey(withKeys, '1')).toBeNull();
    const plain = withKeys.map((c) => ({ ...c, hotkey: '' }));
    expect(classForKey(plain, '2')).toBe('bus');
  });
  it('finds the vertex under the pointer', () => {
    expect(nearestVertex([[0, 0], [10, 0], [10, 10]], 9, 1, 3)).toBe(1);
    expect(nearestVertex([[0, 0]], 9, 9, 3)).toBe(-1);
  });
});

describe('local drafts', () => {
  it('keeps the newer of the local copy and the server copy', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    writeDraft('k', { annotation: { boxes: [] }, savedAt: 200, serverUpdatedAt: 100 }, storage);
    const local = readDraft('k', storage);
    expect(pickDraft(local, { boxes: [{ class: 'a', x: 0, y: 0, w: 1, h: 1 }] }, 150)).toEqual({ boxes: [] });
    expect(pickDraft(local, { classes: ['x'] }, 300)).toEqual({ classes: ['x'] });
    expect(readDraft('missing', storage)).toBeNull();
  });
});

describe('csv', () => {
  it('reads quoted fields', () => {
    expect(parseCsv('a,b\n1,"x, ""y"""\n2,z\n')).toEqual({ header: ['a', 'b'], rows: [['1', 'x, "y"'], ['2', 'z']] });
  });
});
