/**
 * Layered layout of a pipeline's DAG for the run view (SVG). Pure: no DOM.
 *
 * Layer of a node = length of the longest dependency path that reaches it (sources in layer 0),
 * so every edge points to a later layer. Within a layer nodes are ordered by the mean position
 * of their dependencies in the previous layers (barycenter, one sweep), ties by input order, so
 * the drawing is stable for the same pipeline. Layers run left to right; an edge that skips a
 * layer is routed through a lane above the nodes instead of behind the nodes in between.
 */
export interface DagInput {
  id: string;
  deps: string[];
}

export interface DagNode {
  id: string;
  layer: number;
  order: number;
  x: number; // left edge
  y: number; // top edge
}

export interface DagEdge {
  from: string;
  to: string;
  /** SVG path data: a cubic curve from the right middle of `from` to the left middle of `to`. */
  path: string;
}

export interface DagLayout {
  nodes: DagNode[];
  edges: DagEdge[];
  width: number;
  height: number;
  nodeWidth: number;
  nodeHeight: number;
}

export interface LayoutOptions {
  nodeWidth?: number;
  nodeHeight?: number;
  gapX?: number;
  gapY?: number;
  margin?: number;
  /** Height of the lane above the nodes where edges that skip layers run. */
  laneHeight?: number;
}

/** Layers by longest path; throws on a cycle or an unknown dependency (the server refuses both). */
export function dagLayers(nodes: DagInput[]): Map<string, number> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    if (!node) throw new Error(`unknown step '${id}'`);
    if (visiting.has(id)) throw new Error(`the steps form a cycle through '${id}'`);
    visiting.add(id);
    let l = 0;
    for (const d of node.deps) l = Math.max(l, visit(d) + 1);
    visiting.delete(id);
    layer.set(id, l);
    return l;
  };
  for (const n of nodes) visit(n.id);
  return layer;
}

export function layoutDag(nodes: DagInput[], options: LayoutOptions = {}): DagLayout {
  const nodeWidth = options.nodeWidth ?? 180;
  const nodeHeight = options.nodeHeight ?? 56;
  const gapX = options.gapX ?? 60;
  const gapY = options.gapY ?? 24;
  const margin = options.margin ?? 12;
  const laneHeight = options.laneHeight ?? 28;
  const layers = dagLayers(nodes);
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const columns: DagInput[][] = [];
  for (const n of nodes) {
    const l = layers.get(n.id)!;
    (columns[l] ??= []).push(n);
  }
  const order = new Map<string, number>();
  columns.forEach((col, l) => {
    const key = (n: DagInput) =>
      l === 0 || n.deps.length === 0 ? index.get(n.id)! : n.deps.reduce((s, d) => s + order.get(d)!, 0) / n.deps.length;
    col.sort((a, b) => key(a) - key(b) || index.get(a.id)! - index.get(b.id)!);
    col.forEach((n, i) => order.set(n.id, i));
  });
  const tallest = Math.max(0, ...columns.map((c) => c.length));
  // Edges that skip a layer run in a lane above the nodes, so they never pass behind a node.
  const long = nodes.some((n) => n.deps.some((d) => layers.get(n.id)! - layers.get(d)! > 1));
  const lane = long ? laneHeight : 0;
  const height = margin * 2 + lane + tallest * nodeHeight + Math.max(0, tallest - 1) * gapY;
  const placed = new Map<string, DagNode>();
  columns.forEach((col, l) => {
    // Each column is centred vertically.
    const colHeight = col.length * nodeHeight + Math.max(0, col.length - 1) * gapY;
    const top = lane + (height - lane - colHeight) / 2;
    col.forEach((n, i) => {
      placed.set(n.id, { id: n.id, layer: l, order: i, x: margin + l * (nodeWidth + gapX), y: top + i * (nodeHeight + gapY) });
    });
  });
  const width = margin * 2 + columns.length * nodeWidth + Math.max(0, columns.length - 1) * gapX;
  const edges: DagEdge[] = [];
  for (const n of nodes) {
    const to = placed.get(n.id)!;
    for (const d of n.deps) {
      const from = placed.get(d)!;
      const x1 = from.x + nodeWidth;
      const y1 = from.y + nodeHeight / 2;
      const x2 = to.x;
      const y2 = to.y + nodeHeight / 2;
      if (to.layer - from.layer > 1) {
        const g = gapX / 4;
        const y = margin + lane / 2;
        edges.push({
          from: d,
          to: n.id,
          path: `M${x1},${y1} C${x1 + g},${y1} ${x1 + g},${y} ${x1 + 2 * g},${y} L${x2 - 2 * g},${y} C${x2 - g},${y} ${x2 - g},${y2} ${x2},${y2}`,
        });
        continue;
      }
      const mid = (x1 + x2) / 2;
      edges.push({ from: d, to: n.id, path: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}` });
    }
  }
  return { nodes: nodes.map((n) => placed.get(n.id)!), edges, width, height, nodeWidth, nodeHeight };
}

/** Step states and their colours (CSS classes dag-node--<state>). */
export const STEP_STATES = ['pending', 'queued', 'running', 'succeeded', 'failed', 'cached', 'skipped', 'cancelled'] as const;
export type StepState = (typeof STEP_STATES)[number];

export function isStepActive(state: string): boolean {
  return state === 'pending' || state === 'queued' || state === 'running';
}
