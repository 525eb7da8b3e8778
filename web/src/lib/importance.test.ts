import { describe, expect, it } from 'vitest';
import { importanceTypes, topImportance } from './importance';

const expl = { importance: { gain: { a: 2, b: 8, c: 4, d: 'x' }, weight: { a: 1 } } };

describe('topImportance', () => {
  it('sorts by value, keeps n, scales to the largest', () => {
    expect(topImportance(expl, 'gain', 2)).toEqual([
      { feature: 'b', value: 8, share: 1 },
      { feature: 'c', value: 4, share: 0.5 },
    ]);
  });
  it('ignores non-numbers and missing types', () => {
    expect(topImportance(expl, 'gain', 10).map((r) => r.feature)).toEqual(['b', 'c', 'a']);
    expect(topImportance(expl, 'cover', 10)).toEqual([]);
    expect(topImportance(null, 'gain', 10)).toEqual([]);
  });
  it('lists the types present in reading order', () => {
    expect(importanceTypes(expl)).toEqual(['gain', 'weight']);
    expect(importanceTypes({})).toEqual([]);
  });
});
