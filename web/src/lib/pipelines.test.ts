import { describe, expect, it } from 'vitest';
import { paramInitialText, parseParam, summarizeSteps } from './pipelines';

describe('pipeline parameters', () => {
  it('starts inputs at the defaults', () => {
    expect(paramInitialText({ name: 'a', type: 'float', default: 1 })).toBe('1.0');
    expect(paramInitialText({ name: 'a', type: 'int', default: 3 })).toBe('3');
    expect(paramInitialText({ name: 'a', type: 'string' })).toBe('');
  });

  it('parses typed values and names the problem', () => {
    expect(parseParam({ name: 'a', type: 'int' }, '12')).toEqual({ value: 12 });
    expect(parseParam({ name: 'a', type: 'int' }, '1.5')).toEqual({ error: 'notInt' });
    expect(parseParam({ name: 'a', type: 'float' }, '0.25')).toEqual({ value: 0.25 });
    expect(parseParam({ name: 'a', type: 'float' }, 'x')).toEqual({ error: 'notNumber' });
    expect(parseParam({ name: 'a', type: 'bool' }, 'true')).toEqual({ value: true });
    expect(parseParam({ name: 'a', type: 'bool' }, 'yes')).toEqual({ error: 'notBool' });
    expect(parseParam({ name: 'a', type: 'string' }, ' a b ')).toEqual({ value: ' a b ' });
    expect(parseParam({ name: 'a', type: 'int' }, '')).toEqual({ error: 'required' });
    expect(parseParam({ name: 'a', type: 'int', default: 2 }, '')).toEqual({});
  });

  it('summarizes step states in drawing order', () => {
    expect(summarizeSteps({ cached: 1, succeeded: 2, failed: 0 }, ['succeeded', 'failed', 'cached'])).toEqual([
      ['succeeded', 2],
      ['cached', 1],
    ]);
    expect(summarizeSteps(undefined, ['a'])).toEqual([]);
  });
});
