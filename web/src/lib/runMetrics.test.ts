import { describe, expect, it } from 'vitest';
import type { Metric } from '../api/types';
import { chartGroups, metricRows, orderByPins, readPins, resolveMetricKey, splitFailure, splitOf, togglePin } from './runMetrics';

const m = (key: string, value: number, step = 0): Metric => ({ key, value, step, timestamp: 0 });

describe('series grouping', () => {
  it('reads the split at either end of a key', () => {
    expect(splitOf('valid-logloss')).toEqual({ split: 'valid', base: 'logloss' });
    expect(splitOf('train_loss')).toEqual({ split: 'train', base: 'loss' });
    expect(splitOf('loss/val')).toEqual({ split: 'val', base: 'loss' });
    expect(splitOf('test_f1')).toEqual({ split: 'test', base: 'f1' });
    expect(splitOf('perf.latency_p99_ms')).toBeNull();
    expect(splitOf('trainer')).toBeNull();
  });
  it('puts train and valid of one metric on one chart, train first', () => {
    const g = chartGroups(['valid-logloss', 'train-logloss', 'lr', 'valid-error']);
    expect(g).toEqual([
      { title: 'logloss', keys: ['train-logloss', 'valid-logloss'], id: 'group:logloss' },
      { title: 'lr', keys: ['lr'], id: 'lr' },
      { title: 'valid-error', keys: ['valid-error'], id: 'valid-error' },
    ]);
  });
});

describe('single values', () => {
  const ms = [m('test_f1', 0.8), m('test_accuracy', 0.9), m('perf.latency_p99_ms', 0.4), m('nan', Number.NaN), m('rows_test', 450, 3)];
  it('filters by every word of the search, in any order', () => {
    expect(metricRows(ms, 'TEST', { by: 'key', desc: false }).map((r) => r.key)).toEqual(['rows_test', 'test_accuracy', 'test_f1']);
    expect(metricRows(ms, 'f1 test', { by: 'key', desc: false }).map((r) => r.key)).toEqual(['test_f1']);
  });
  it('sorts by value either way with NaN last', () => {
    expect(metricRows(ms, '', { by: 'value', desc: false }).map((r) => r.key)).toEqual(['perf.latency_p99_ms', 'test_f1', 'test_accuracy', 'rows_test', 'nan']);
    expect(metricRows(ms, '', { by: 'value', desc: true }).map((r) => r.key)).toEqual(['rows_test', 'test_accuracy', 'test_f1', 'perf.latency_p99_ms', 'nan']);
    expect(metricRows(ms, '', { by: 'step', desc: true })[0].key).toBe('rows_test');
  });
});

describe('pins', () => {
  it('toggles and orders pinned charts first, in pin order', () => {
    const groups = chartGroups(['a', 'b', 'c']);
    const pins = togglePin(togglePin([], 'c'), 'a');
    expect(pins).toEqual(['c', 'a']);
    const o = orderByPins(groups, [...pins, 'gone']);
    expect(o.pinned.map((g) => g.id)).toEqual(['c', 'a']);
    expect(o.rest.map((g) => g.id)).toEqual(['b']);
    expect(togglePin(pins, 'c')).toEqual(['a']);
  });
  it('reads stored pins defensively', () => {
    expect(readPins({ getItem: () => '["x", 3]' }, '1')).toEqual(['x']);
    expect(readPins({ getItem: () => '{bad' }, '1')).toEqual([]);
    expect(readPins(undefined, '1')).toEqual([]);
  });
});

describe('one naming with the server', () => {
  it('resolves test.f1 to the logged test_f1, the exact key first', () => {
    expect(resolveMetricKey('test.f1', ['test_f1'])).toBe('test_f1');
    expect(resolveMetricKey('test.f1', ['test.f1', 'test_f1'])).toBe('test.f1');
    expect(resolveMetricKey('perf.latency_p99_ms', ['perf.latency_p99_ms'])).toBe('perf.latency_p99_ms');
    expect(resolveMetricKey('f1', ['test_f1'])).toBeNull();
  });
  it('splits a job error into its status and reason', () => {
    expect(splitFailure('exited with status 1: ValueError: bad')).toEqual({ status: 1, reason: 'ValueError: bad' });
    expect(splitFailure('exited with status 3')).toEqual({ status: 3, reason: '' });
    expect(splitFailure('timed out after 5 s')).toEqual({ status: null, reason: 'timed out after 5 s' });
  });
});
