import { describe, expect, it } from 'vitest';
import type { LineageEdge, LineageNode } from '../api/types';
import { COLUMN_GAP, layoutLineage, runIdOf } from './lineage';

const n = (id: string, kind: string, number?: number): LineageNode => ({
  id,
  kind,
  label: id,
  detail: number === undefined ? {} : { number },
});
const e = (from: string, to: string, relation = 'x'): LineageEdge => ({ from, to, relation });

describe('layoutLineage', () => {
  const nodes = [
    n('run:abc', 'run'),
    n('version:7', 'version', 2),
    n('version:6', 'version', 1),
    n('round:3', 'round', 3),
    n('round:2', 'round', 2),
    n('round:1', 'round', 1),
    n('dataset:1', 'dataset'),
  ];
  const edges = [
    e('dataset:1', 'round:1', 'ingested into'),
    e('dataset:1', 'round:2', 'ingested into'),
    e('round:1', 'round:3', 'bundled from'),
    e('round:2', 'round:3', 'bundled from'),
    e('round:1', 'version:6', 'versioned from'),
    e('round:3', 'version:7', 'versioned from'),
    e('version:7', 'run:abc', 'used by'),
    e('dataset:1', 'missing:9'),
  ];
  const out = layoutLineage(nodes, edges);
  const col = (id: string) => out.nodes.find((x) => x.id === id)!.column;

  it('places dataset → rounds → bundles → versions → runs left to right', () => {
    expect(col('dataset:1')).toBe(0);
    expect(col('round:1')).toBe(1);
    expect(col('round:2')).toBe(1);
    expect(col('round:3')).toBe(2);
    expect(col('version:6')).toBe(2);
    expect(col('version:7')).toBe(3);
    expect(col('run:abc')).toBe(4);
    expect(out.nodes.find((x) => x.id === 'run:abc')!.x).toBe(4 * COLUMN_GAP);
  });

  it('orders each column by kind then number and centres it', () => {
    const c1 = out.nodes.filter((x) => x.column === 1).sort((a, b) => a.row - b.row);
    expect(c1.map((x) => x.id)).toEqual(['round:1', 'round:2']);
    expect(c1[0].y).toBe(-c1[1].y);
    const c2 = out.nodes.filter((x) => x.column === 2).sort((a, b) => a.row - b.row);
    expect(c2.map((x) => x.id)).toEqual(['round:3', 'version:6']);
  });

  it('drops edges to unknown nodes and survives cycles', () => {
    expect(out.edges).toHaveLength(7);
    const cyc = layoutLineage([n('a', 'round'), n('b', 'round')], [e('a', 'b'), e('b', 'a')]);
    expect(cyc.nodes).toHaveLength(2);
  });

  it('keeps one node per id when a run used several versions', () => {
    const twice = layoutLineage(
      [n('version:1', 'version', 1), n('version:2', 'version', 2), n('run:r', 'run'), n('run:r', 'run')],
      [e('version:1', 'run:r', 'used by'), e('version:2', 'run:r', 'used by'), e('version:2', 'run:r', 'used by')],
    );
    expect(twice.nodes.map((x) => x.id).sort()).toEqual(['run:r', 'version:1', 'version:2']);
    expect(twice.edges).toHaveLength(2);
  });

  it('reads run ids from run nodes', () => {
    expect(runIdOf(n('run:abc', 'run'))).toBe('abc');
    expect(runIdOf(n('round:1', 'round'))).toBeNull();
  });
});
