import { describe, expect, it } from 'vitest';
import { dagLayers, layoutDag } from './dag';

describe('dagLayers', () => {
  it('puts each node one layer after its deepest dependency', () => {
    const layers = dagLayers([
      { id: 'evaluate', deps: ['prep', 'train'] },
      { id: 'train', deps: ['prep'] },
      { id: 'prep', deps: [] },
      { id: 'report', deps: [] },
    ]);
    expect(Object.fromEntries(layers)).toEqual({ prep: 0, train: 1, evaluate: 2, report: 0 });
  });

  it('refuses cycles and unknown steps', () => {
    expect(() => dagLayers([{ id: 'a', deps: ['b'] }, { id: 'b', deps: ['a'] }])).toThrow(/cycle/);
    expect(() => dagLayers([{ id: 'a', deps: ['zz'] }])).toThrow(/unknown step 'zz'/);
  });
});

describe('layoutDag', () => {
  const opts = { nodeWidth: 100, nodeHeight: 40, gapX: 50, gapY: 10, margin: 5 };

  it('places layers left to right and never overlaps nodes', () => {
    const l = layoutDag(
      [
        { id: 'a', deps: [] },
        { id: 'b', deps: ['a'] },
        { id: 'c', deps: ['a'] },
        { id: 'd', deps: ['b', 'c'] },
      ],
      opts,
    );
    const at = Object.fromEntries(l.nodes.map((n) => [n.id, n]));
    expect([at.a.x, at.b.x, at.c.x, at.d.x]).toEqual([5, 155, 155, 305]);
    expect(at.b.y + 40 + 10).toBe(at.c.y);
    expect(l.width).toBe(5 * 2 + 3 * 100 + 2 * 50);
    expect(l.height).toBe(5 * 2 + 2 * 40 + 10);
    // a and d sit in the middle of the two-node column.
    expect(at.a.y + 20).toBe((at.b.y + at.c.y + 40) / 2);
    expect(l.edges.map((e) => `${e.from}->${e.to}`)).toEqual(['a->b', 'a->c', 'b->d', 'c->d']);
    for (const e of l.edges) {
      const from = at[e.from];
      expect(e.path.startsWith(`M${from.x + 100},${from.y + 20} `)).toBe(true);
    }
  });

  it('orders a layer by the position of its parents to avoid crossings', () => {
    const l = layoutDag(
      [
        { id: 'p1', deps: [] },
        { id: 'p2', deps: [] },
        { id: 'child-of-p2', deps: ['p2'] },
        { id: 'child-of-p1', deps: ['p1'] },
      ],
      opts,
    );
    const at = Object.fromEntries(l.nodes.map((n) => [n.id, n]));
    expect(at['child-of-p1'].order).toBe(0);
    expect(at['child-of-p2'].order).toBe(1);
    expect(at['child-of-p1'].y).toBeLessThan(at['child-of-p2'].y);
  });

  it('routes an edge that skips a layer through the lane above the nodes', () => {
    const l = layoutDag(
      [
        { id: 'prep', deps: [] },
        { id: 'train', deps: ['prep'] },
        { id: 'evaluate', deps: ['prep', 'train'] },
      ],
      { ...opts, laneHeight: 20 },
    );
    const at = Object.fromEntries(l.nodes.map((n) => [n.id, n]));
    expect(l.height).toBe(5 * 2 + 20 + 40);
    expect(at.prep.y).toBe(25);
    const skip = l.edges.find((e) => e.from === 'prep' && e.to === 'evaluate')!;
    // Through y = 15 (the lane's middle), between the layers around train.
    expect(skip.path).toBe('M105,45 C117.5,45 117.5,15 130,15 L280,15 C292.5,15 292.5,45 305,45');
    const direct = l.edges.find((e) => e.from === 'train' && e.to === 'evaluate')!;
    expect(direct.path).toBe('M255,45 C280,45 280,45 305,45');
  });

  it('lays out a single node and an empty graph', () => {
    expect(layoutDag([{ id: 'only', deps: [] }], opts).nodes[0]).toMatchObject({ x: 5, y: 5, layer: 0, order: 0 });
    expect(layoutDag([], opts)).toMatchObject({ nodes: [], edges: [], width: 10, height: 10 });
  });
});
