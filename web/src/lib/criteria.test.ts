import { describe, expect, it } from 'vitest';
import { criteriaErrorPosition } from './criteria';

describe('criteriaErrorPosition', () => {
  it('prefers a numeric field of the error body', () => {
    expect(criteriaErrorPosition({ body: { position: 7 }, message: 'at 3' })).toBe(7);
    expect(criteriaErrorPosition({ body: { offset: 2 }, message: '' })).toBe(2);
  });
  it.each([
    ['unexpected token at position 12', 12],
    ['syntax error (column 4): expected a number', 4],
    ['expected comparison at 9', 9],
    ['bad character at offset: 3', 3],
    ['unknown operator', null],
  ])('%s → %s', (message, expected) => {
    expect(criteriaErrorPosition({ body: {}, message })).toBe(expected);
  });
});
