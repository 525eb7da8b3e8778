import { describe, expect, it } from 'vitest';
import type { StoredEvaluation } from '../api/types';
import { baselineRows, curvePoints, heatColor, higherIsBetter, labelName, normalizeRows, sortSlices } from './evaluation';

const ev = {
  name: 'eval',
  artifact: 'evaluations/eval.json',
  problem: 'classification',
  n: 4,
  metrics: { accuracy: 0.75, roc_auc: null },
  baselines: {
    simple: { model: 'majority_class', metrics: { accuracy: 0.5, roc_auc: 0.5 } },
    previous: { run_id: 'r0', metrics: { accuracy: 0.7 } },
    human: null,
    human_note: 'not available',
  },
} as unknown as StoredEvaluation;

describe('evaluation helpers', () => {
  it('lines up the model with its baselines', () => {
    const rows = baselineRows(ev);
    expect(rows.map((r) => r.metric)).toEqual(['accuracy', 'roc_auc']);
    expect(rows[0]).toMatchObject({ model: 0.75, simple: 0.5, previous: 0.7 });
    expect(rows[0].delta).toBeCloseTo(0.05);
    expect(rows[1]).toMatchObject({ model: null, simple: 0.5, previous: null, delta: null });
    expect(rows[0].human).toBeNull();
    const withHuman = { ...ev, baselines: { ...ev.baselines, human: { metrics: { accuracy: 0.9 }, labeling_project: 'lp' } } } as unknown as StoredEvaluation;
    expect(baselineRows(withHuman)[0].human).toBe(0.9);
    expect(rows[0].losesTo).toEqual([]);
  });

  it('flags a baseline the model loses to, in the metric\'s direction (issue 17)', () => {
    const worse = {
      ...ev,
      metrics: { accuracy: 0.45, rmse: 2 },
      baselines: { ...ev.baselines, simple: { model: 'mean', metrics: { accuracy: 0.5, rmse: 1.5 } }, previous: { run_id: 'r0', metrics: { rmse: 3 } } },
    } as unknown as StoredEvaluation;
    const rows = baselineRows(worse);
    expect(rows.find((r) => r.metric === 'accuracy')?.losesTo).toEqual(['simple']);
    expect(rows.find((r) => r.metric === 'rmse')?.losesTo).toEqual(['simple']);  // lower is better; beats the previous 3
    expect(higherIsBetter('log_loss')).toBe(false);
    expect(higherIsBetter('f1')).toBe(true);
  });

  it('sorts slices by priority with undefined ones last', () => {
    const s = sortSlices([
      { key: 'b', rows: 1, share: 0.1, metric: null, baseline: 1, gap: null, priority: null },
      { key: 'a', rows: 1, share: 0.1, metric: 0.5, baseline: 1, gap: 0.5, priority: 0.05 },
      { key: 'c', rows: 1, share: 0.5, metric: 0.5, baseline: 1, gap: 0.5, priority: 0.25 },
    ]);
    expect(s.map((x) => x.key)).toEqual(['c', 'a', 'b']);
  });

  it('pairs curve points and drops gaps', () => {
    expect(curvePoints([0, 0.5, null, 1], [0, 0.8, 0.9, 1])).toEqual([
      [0, 0],
      [0.5, 0.8],
      [1, 1],
    ]);
    expect(curvePoints(undefined, [1])).toEqual([]);
  });

  it('shades and names cells', () => {
    expect(heatColor(0, 10)).toBe('rgb(255, 255, 255)');
    expect(heatColor(10, 10)).toBe('rgb(55, 55, 255)');
    expect(heatColor(3, 0)).toBe('rgb(255, 255, 255)');
    expect(labelName(['no', 'yes'], 1)).toBe('yes');
    expect(labelName(undefined, 2)).toBe('2');
  });
});

describe('normalizeRows', () => {
  it('divides each row by its total, as sklearn normalize="true"', () => {
    expect(normalizeRows([[3, 1], [0, 0], [2, 6]])).toEqual([[0.75, 0.25], [0, 0], [0.25, 0.75]]);
  });
});
