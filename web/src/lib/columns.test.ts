import { describe, expect, it } from 'vitest';
import type { Run } from '../api/types';
import { cellValue, defaultColumns, keysPresent, nextSort, orderByClause, parseColumnKey, columnKey, quoteKey, toOrderBy } from './columns';

const run = (metrics: Record<string, number>, params: Record<string, string>, tags: Record<string, string> = {}): Run => ({
  info: { run_id: 'r', experiment_id: '1', status: 'FINISHED', start_time: 5, run_name: 'n' },
  data: {
    metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: 0 })),
    params: Object.entries(params).map(([key, value]) => ({ key, value })),
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  },
});

describe('order_by mapping', () => {
  it.each([
    [{ kind: 'metric', key: 'acc' }, 'DESC', 'metrics.acc DESC'],
    [{ kind: 'attribute', key: 'start_time' }, 'ASC', 'attributes.start_time ASC'],
    [{ kind: 'param', key: 'lr' }, 'ASC', 'params.lr ASC'],
    [{ kind: 'tag', key: 'team' }, 'DESC', 'tags.team DESC'],
    [{ kind: 'metric', key: 'val/loss' }, 'ASC', 'metrics.`val/loss` ASC'],
    [{ kind: 'metric', key: 'val.acc' }, 'DESC', 'metrics.`val.acc` DESC'],
    [{ kind: 'param', key: 'learning-rate' }, 'ASC', 'params.`learning-rate` ASC'],
    [{ kind: 'tag', key: 'mlflow.runName' }, 'ASC', 'tags.`mlflow.runName` ASC'],
  ] as const)('%o %s → %s', (column, dir, expected) => {
    expect(orderByClause({ column: { ...column }, dir })).toBe(expected);
  });

  it('quotes only keys that are not plain identifiers', () => {
    expect(quoteKey('f1_score')).toBe('f1_score');
    expect(quoteKey('2nd')).toBe('`2nd`');
    expect(quoteKey('a`b c')).toBe('`ab c`');
  });

  it('gives an empty list when unsorted', () => {
    expect(toOrderBy(null)).toEqual([]);
  });

  it('cycles DESC → ASC → off for metrics and times, ASC → DESC → off otherwise', () => {
    const acc = { kind: 'metric' as const, key: 'acc' };
    let s = nextSort(null, acc);
    expect(s).toEqual({ column: acc, dir: 'DESC' });
    s = nextSort(s, acc);
    expect(s?.dir).toBe('ASC');
    expect(nextSort(s, acc)).toBeNull();
    const lr = { kind: 'param' as const, key: 'lr' };
    expect(nextSort(null, lr)?.dir).toBe('ASC');
    expect(nextSort({ column: lr, dir: 'ASC' }, lr)?.dir).toBe('DESC');
    expect(nextSort({ column: acc, dir: 'ASC' }, lr)).toEqual({ column: lr, dir: 'ASC' });
    expect(nextSort(null, { kind: 'attribute', key: 'start_time' })?.dir).toBe('DESC');
  });
});

describe('columns', () => {
  it('collects keys present in any run, system tags last', () => {
    const k = keysPresent([run({ b: 1, a: 2 }, { lr: '0.1' }, { 'mlflow.user': 'x', team: 'y' }), run({ c: 3 }, { depth: '3' })]);
    expect(k).toEqual({ metrics: ['a', 'b', 'c'], params: ['depth', 'lr'], tags: ['team', 'mlflow.user'] });
  });

  it('defaults to at most 6 metrics and 4 params', () => {
    const k = { metrics: 'abcdefgh'.split(''), params: 'pqrstu'.split(''), tags: ['x'] };
    const cols = defaultColumns(k);
    expect(cols.filter((c) => c.kind === 'metric')).toHaveLength(6);
    expect(cols.filter((c) => c.kind === 'param')).toHaveLength(4);
    expect(cols.some((c) => c.kind === 'tag')).toBe(false);
  });

  it('reads cells and round-trips column keys', () => {
    const r = run({ acc: 0.9 }, { lr: '0.01' }, { team: 'vision' });
    expect(cellValue(r, { kind: 'metric', key: 'acc' })).toBe(0.9);
    expect(cellValue(r, { kind: 'param', key: 'lr' })).toBe('0.01');
    expect(cellValue(r, { kind: 'tag', key: 'team' })).toBe('vision');
    expect(cellValue(r, { kind: 'attribute', key: 'run_name' })).toBe('n');
    expect(cellValue(r, { kind: 'metric', key: 'missing' })).toBeUndefined();
    const c = { kind: 'metric' as const, key: 'a:b' };
    expect(parseColumnKey(columnKey(c))).toEqual(c);
    expect(parseColumnKey('bogus:x')).toBeNull();
    expect(parseColumnKey('nocolon')).toBeNull();
  });
});
