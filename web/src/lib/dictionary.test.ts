import { describe, expect, it } from 'vitest';
import type { DictionaryDiff } from '../api/types';
import { dictionaryTotal, filterDictionaryDiff, unlisted } from './dictionary';

const d: DictionaryDiff = {
  path: 'dictionary/words.tsv',
  counts: { added: 3, removed: 1, changed: 1 },
  added: ['사과', '배'],
  removed: ['포도'],
  changed: [{ term: '사과나무', from: 'NNG', to: 'NNP' }],
};

describe('dictionary diffs', () => {
  it('count entries the server did not list', () => {
    expect(unlisted(d, 'added')).toBe(1);
    expect(unlisted(d, 'removed')).toBe(0);
    expect(unlisted({ ...d, changed: undefined }, 'changed')).toBe(1);
  });
  it('total all changes', () => {
    expect(dictionaryTotal(d)).toBe(5);
  });
  it('filter terms, not counts', () => {
    const f = filterDictionaryDiff(d, '사과');
    expect(f.added).toEqual(['사과']);
    expect(f.removed).toEqual([]);
    expect(f.changed).toEqual([{ term: '사과나무', from: 'NNG', to: 'NNP' }]);
    expect(f.counts).toEqual(d.counts);
    expect(filterDictionaryDiff(d, ' ')).toBe(d);
  });
});
