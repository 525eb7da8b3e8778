// Layout data for the lineage graph: each node gets a column (its longest distance from a root
// along parent → child edges: dataset → rounds → bundles → versions → runs) and a row within it.
import type { LineageEdge, LineageNode } from '../api/types';

export interface PlacedNode extends LineageNode {
  column: number;
  row: number;
  x: number;
  y: number;
}

const KIND_ORDER: Record<string, number> = { dataset: 0, round: 1, version: 2, run: 3 };

export const COLUMN_GAP = 200;
export const ROW_GAP = 70;

function sortKey(n: LineageNode): number {
  const num = n.detail && typeof n.detail.number === 'number' ? n.detail.number : Number.NaN;
  return Number.isFinite(num) ? num : Number.POSITIVE_INFINITY;
}

export function layoutLineage(all: LineageNode[], edges: LineageEdge[]): { nodes: PlacedNode[]; edges: LineageEdge[] } {
  // A run that used several versions is listed once per version; keep one node per id and one
  // edge per (from, to, relation).
  const seen = new Map<string, LineageNode>();
  for (const n of all) if (!seen.has(n.id)) seen.set(n.id, n);
  const nodes = [...seen.values()];
  const ids = new Set(seen.keys());
  const edgeKeys = new Set<string>();
  const kept = edges.filter((e) => {
    const k = `${e.from}\n${e.to}\n${e.relation}`;
    if (!ids.has(e.from) || !ids.has(e.to) || e.from === e.to || edgeKeys.has(k)) return false;
    edgeKeys.add(k);
    return true;
  });
  const column = new Map(nodes.map((n) => [n.id, 0]));
  // Longest path by relaxation; at most |nodes| rounds, so a cycle cannot loop forever.
  for (let i = 0; i < nodes.length; i++) {
    let changed = false;
    for (const e of kept) {
      const c = (column.get(e.from) ?? 0) + 1;
      if (c > (column.get(e.to) ?? 0) && c <= nodes.length) {
        column.set(e.to, c);
        changed = true;
      }
    }
    if (!changed) break;
  }
  // Runs go to the right of everything they hang from, in one column of their own.
  const maxData = Math.max(0, ...nodes.filter((n) => n.kind !== 'run').map((n) => column.get(n.id) ?? 0));
  for (const n of nodes) if (n.kind === 'run') column.set(n.id, maxData + 1);

  const byColumn = new Map<number, LineageNode[]>();
  for (const n of nodes) {
    const c = column.get(n.id) ?? 0;
    if (!byColumn.has(c)) byColumn.set(c, []);
    byColumn.get(c)!.push(n);
  }
  const placed: PlacedNode[] = [];
  for (const [c, list] of [...byColumn].sort((a, b) => a[0] - b[0])) {
    list.sort(
      (a, b) =>
        (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) || sortKey(a) - sortKey(b) || a.label.localeCompare(b.label),
    );
    list.forEach((n, row) => {
      placed.push({ ...n, column: c, row, x: c * COLUMN_GAP, y: (row - (list.length - 1) / 2) * ROW_GAP });
    });
  }
  return { nodes: placed, edges: kept };
}

/** The run id of a "run:<id>" node. */
export function runIdOf(node: LineageNode): string | null {
  return node.kind === 'run' && node.id.startsWith('run:') ? node.id.slice(4) : null;
}
