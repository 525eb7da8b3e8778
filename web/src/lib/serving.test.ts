import { describe, expect, it } from 'vitest';
import { deploymentPath, inferInputs, parseWeights, testerFields, trafficShares, weightsSummary, withWeights } from './serving';

const variants = [
  { name: 'a', model: 'churn', version: 1, weight: 90 },
  { name: 'b', model: 'churn', version: 2, weight: 10 },
];

describe('traffic split', () => {
  it('summarises weights', () => {
    expect(weightsSummary(variants)).toBe('a 90 · b 10');
    expect(weightsSummary(null)).toBe('—');
    expect(weightsSummary([])).toBe('—');
  });
  it('computes shares', () => {
    expect(trafficShares([90, 10])).toEqual([90, 10]);
    expect(trafficShares([1, 3])).toEqual([25, 75]);
    expect(trafficShares([0, 0])).toEqual([0, 0]);
  });
  it('parses weights and names the first problem', () => {
    expect(parseWeights(['50', ' 50 '])).toEqual({ weights: [50, 50] });
    expect(parseWeights(['50', 'x'])).toEqual({ problem: 'notNumber', index: 1 });
    expect(parseWeights(['1.5', '2'])).toEqual({ problem: 'notNumber', index: 0 });
    expect(parseWeights(['', '2'])).toEqual({ problem: 'notNumber', index: 0 });
    expect(parseWeights(['-1', '2'])).toEqual({ problem: 'negative', index: 0 });
    expect(parseWeights(['0', '0'])).toEqual({ problem: 'zeroTotal', index: -1 });
  });
  it('replaces weights only', () => {
    expect(withWeights(variants, [50, 50])).toEqual([
      { name: 'a', model: 'churn', version: 1, weight: 50 },
      { name: 'b', model: 'churn', version: 2, weight: 50 },
    ]);
  });
  it('links a deployment', () => {
    expect(deploymentPath('churn live')).toBe('/deployments/churn%20live');
  });
});

describe('inference tester', () => {
  const fil = [{ name: 'input__0', datatype: 'FP32', shape: [-1, 2] }];
  const cols = [
    { name: 'age', datatype: 'FP64', shape: [-1] },
    { name: 'plan', datatype: 'BYTES', shape: [-1] },
  ];
  it('builds one field per feature of a [n, k] input', () => {
    expect(testerFields(fil).map((f) => [f.key, f.kind, f.column])).toEqual([
      ['input__0[0]', 'number', 0],
      ['input__0[1]', 'number', 1],
    ]);
  });
  it('builds one field per column input, text for BYTES', () => {
    expect(testerFields(cols).map((f) => [f.key, f.kind])).toEqual([
      ['age', 'number'],
      ['plan', 'text'],
    ]);
  });
  it('builds the v2 body', () => {
    expect(inferInputs(fil, { 'input__0[0]': '1', 'input__0[1]': '0.5' })).toEqual({
      inputs: [{ name: 'input__0', shape: [1, 2], datatype: 'FP32', data: [1, 0.5] }],
    });
    expect(inferInputs(cols, { age: '42', plan: 'gold' })).toEqual({
      inputs: [
        { name: 'age', shape: [1], datatype: 'FP64', data: [42] },
        { name: 'plan', shape: [1], datatype: 'BYTES', data: ['gold'] },
      ],
    });
  });
  it('names a number field left empty or not a number', () => {
    expect(inferInputs(cols, { age: '', plan: 'x' })).toEqual({ invalid: 'age' });
    expect(inferInputs(cols, { age: 'abc', plan: 'x' })).toEqual({ invalid: 'age' });
    expect(inferInputs(fil, { 'input__0[0]': '1' })).toEqual({ invalid: 'input__0[1]' });
  });
});
