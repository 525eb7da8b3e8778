import { describe, expect, it } from 'vitest';
import { criteriaErrorPosition } from './criteria';

describe('criteriaErrorPosition', () => {
  it('turns the server\'s 1-based column into a 0-based offset', () => {
    expect(criteriaErrorPosition({ message: "at column 7: expected a number after '>='" })).toBe(6);
    expect(criteriaErrorPosition({ message: 'at column 1: the expression is empty' })).toBe(0);
  });
  it('returns null when the message names no column', () => {
    expect(criteriaErrorPosition({ message: 'the expression is empty' })).toBeNull();
    expect(criteriaErrorPosition({ message: 'criteria longer than 4096 bytes' })).toBeNull();
  });
});
