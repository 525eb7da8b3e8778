import { describe, expect, it } from 'vitest';
import type { DataRound, DataVersion } from '../api/types';
import { buildTimeline, latestVersion } from './timeline';

const round = (number: number, created_at?: number): DataRound => ({ number, kind: 'upload', items: 1, bytes: 1, created_at });
const version = (number: number, created_at?: number): DataVersion => ({
  number,
  name: `v${number}`,
  status: 'raw',
  items: 1,
  bytes: 1,
  storage: 'full',
  created_at,
});

describe('buildTimeline', () => {
  it('orders rounds and versions by time, oldest first', () => {
    const keys = buildTimeline([round(1, 100), round(2, 300)], [version(1, 200), version(2, 400)]).map((e) => e.key);
    expect(keys).toEqual(['round:1', 'version:1', 'round:2', 'version:2']);
  });
  it('puts a round before a version made in the same millisecond, then orders by number', () => {
    const keys = buildTimeline([round(2, 100), round(1, 100)], [version(1, 100)]).map((e) => e.key);
    expect(keys).toEqual(['round:1', 'round:2', 'version:1']);
  });
  it('sorts events without a time first and does not mutate its input', () => {
    const rounds = [round(2, 50), round(1)];
    expect(buildTimeline(rounds, []).map((e) => e.key)).toEqual(['round:1', 'round:2']);
    expect(rounds[0].number).toBe(2);
  });
  it('handles an empty dataset', () => {
    expect(buildTimeline([], [])).toEqual([]);
  });
});

describe('latestVersion', () => {
  it('is the highest number', () => {
    expect(latestVersion([version(2), version(3), version(1)])?.name).toBe('v3');
    expect(latestVersion([])).toBeUndefined();
  });
});
