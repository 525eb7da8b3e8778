import { describe, expect, it } from 'vitest';
import { diffKeyValues } from './diff';

describe('diffKeyValues', () => {
  it('marks rows whose values differ across runs', () => {
    const rows = diffKeyValues([
      [{ key: 'lr', value: '0.01' }, { key: 'depth', value: '6' }],
      [{ key: 'lr', value: '0.01' }, { key: 'depth', value: '8' }],
    ]);
    expect(rows).toEqual([
      { key: 'depth', values: ['6', '8'], differs: true },
      { key: 'lr', values: ['0.01', '0.01'], differs: false },
    ]);
  });

  it('treats a missing key as a difference', () => {
    const rows = diffKeyValues([[{ key: 'a', value: 1 }], [], undefined]);
    expect(rows).toEqual([{ key: 'a', values: [1, undefined, undefined], differs: true }]);
  });

  it('keeps keys missing everywhere but one, and all-equal rows unmarked', () => {
    const rows = diffKeyValues([
      [{ key: 'x', value: 'same' }],
      [{ key: 'x', value: 'same' }],
      [{ key: 'x', value: 'same' }],
    ]);
    expect(rows[0].differs).toBe(false);
  });

  it('compares numbers by value, NaN equal to NaN', () => {
    expect(diffKeyValues([[{ key: 'm', value: NaN }], [{ key: 'm', value: NaN }]])[0].differs).toBe(false);
    expect(diffKeyValues([[{ key: 'm', value: 0.1 }], [{ key: 'm', value: 0.2 }]])[0].differs).toBe(true);
  });

  it('returns nothing for no runs', () => {
    expect(diffKeyValues([])).toEqual([]);
  });
});
