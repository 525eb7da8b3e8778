import { describe, expect, it } from 'vitest';
import type { Run } from '../api/types';
import { keysPresent } from './columns';
import { defaultRunColumns, nestRuns, originOf, varyingParams } from './runTree';

const run = (id: string, tags: Record<string, string> = {}, params: Record<string, string> = {}, metrics: Record<string, number> = {}): Run => ({
  info: { run_id: id, experiment_id: '1', status: 'FINISHED' },
  data: {
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    params: Object.entries(params).map(([key, value]) => ({ key, value })),
    metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: 0 })),
  },
});

describe('nested runs', () => {
  const study = run('s', { 'moebius.study': 'depth', 'moebius.role': 'study' });
  const t0 = run('t0', { 'mlflow.parentRunId': 's', 'moebius.study_id': '3', 'moebius.study': 'depth' });
  const t1 = run('t1', { 'mlflow.parentRunId': 's' });
  const orphan = run('o', { 'mlflow.parentRunId': 'gone' });
  const plain = run('p');
  it('puts children under their parent, collapsed or expanded', () => {
    const ids = (rows: ReturnType<typeof nestRuns>) => rows.map((r) => `${'  '.repeat(r.depth)}${r.run.info.run_id}${r.children ? `(${r.children})` : ''}`);
    expect(ids(nestRuns([t1, plain, study, t0, orphan], new Set()))).toEqual(['p', 's(2)', 'o']);
    expect(ids(nestRuns([t1, plain, study, t0, orphan], new Set(['s'])))).toEqual(['p', 's(2)', '  t1', '  t0', 'o']);
  });
  it('names where children came from', () => {
    expect(originOf(t0)).toEqual({ kind: 'study', id: '3', label: 'depth', to: '/studies/3' });
    expect(originOf(run('x', { 'moebius.pipeline_run': '9' }))).toEqual({ kind: 'pipeline', id: '9', label: '#9', to: '/pipeline-runs/9' });
    expect(originOf(plain)).toBeNull();
    expect(originOf(run('s', { 'moebius.role': 'study', 'moebius.study': 'depth' }, { study_id: '3' }))?.to).toBe('/studies/3');
  });
});

describe('default columns', () => {
  const runs = [
    run('a', {}, { lr: '0.1', depth: '3', trainer: 'xgboost' }, { test_f1: 0.8, loss: 0.3, rows_test: 10, 'explain.perm.x': 1 }),
    run('b', {}, { lr: '0.2', depth: '3', trainer: 'xgboost' }, { test_f1: 0.7, loss: 0.4, rows_test: 10 }),
  ];
  it('starts with the primary metric and objective, then the params that vary', () => {
    const cols = defaultRunColumns(keysPresent(runs), runs, { primaryMetric: 'test.f1', objectives: ['loss'] });
    expect(cols.slice(0, 2)).toEqual([
      { kind: 'metric', key: 'test_f1' },
      { kind: 'metric', key: 'loss' },
    ]);
    expect(cols.filter((c) => c.kind === 'param').map((c) => c.key)).toEqual(['lr', 'depth']);
    expect(cols.some((c) => c.key.startsWith('explain.'))).toBe(false);
    expect(varyingParams(runs, ['depth', 'lr', 'trainer'])).toEqual(['lr']);
  });
});
