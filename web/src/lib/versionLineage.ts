// A model version's lineage as a graph for the model page (inline SVG): the data versions the run
// read and the run's experiment → the run → the confirmed package (task, criteria met or not) →
// for an imported version the repository it came from → the version. Each node links to its page
// where the UI has one. Pure: no DOM; the drawing is lib/dag.ts's layered layout.
import type { ModelVersion } from '../api/types';
import { layoutDag, type DagEdge } from './dag';
import { dataVersionPath, shortHash, versionPath } from './registry';

export const LINEAGE_NODE_KINDS = ['data', 'experiment', 'run', 'package', 'imported', 'version'] as const;
export type LineageNodeKind = (typeof LINEAGE_NODE_KINDS)[number];

export interface LineageGraphNode {
  id: string;
  kind: LineageNodeKind;
  /** the main line, as the records name it */
  label: string;
  /** a second line in the records' own words (a run's status, a package's task, a stage); may be empty */
  sub: string;
  /** pass / fail: a package's criteria result; null where there is none */
  passed: boolean | null;
  /** the UI page of the node, or null where there is none */
  href: string | null;
  deps: string[];
}

export interface PlacedLineageNode extends LineageGraphNode {
  x: number;
  y: number;
}

export interface LineageGraph {
  nodes: PlacedLineageNode[];
  edges: DagEdge[];
  width: number;
  height: number;
  nodeWidth: number;
  nodeHeight: number;
}

type VersionLike = Pick<ModelVersion, 'model' | 'version' | 'stage' | 'lineage'>;

/**
 * The nodes of a version's lineage, sources first. Sources (data versions, experiment) feed the
 * first of run, package, import record and version that exists; each of those feeds the next.
 */
export function lineageNodes(v: VersionLike, projectName?: string): LineageGraphNode[] {
  const l = v.lineage ?? {};
  const project = projectName ? encodeURIComponent(projectName) : null;
  const sources: LineageGraphNode[] = [];
  for (const d of l.data_versions ?? []) {
    const id = `data:${d.ref}`;
    if (sources.some((n) => n.id === id)) continue;
    sources.push({ id, kind: 'data', label: d.ref, sub: d.kind, passed: null, href: dataVersionPath(d.ref), deps: [] });
  }
  if (l.experiment) {
    sources.push({
      id: `experiment:${l.experiment.id}`,
      kind: 'experiment',
      label: l.experiment.name,
      sub: '',
      passed: null,
      href: project ? `/projects/${project}/experiments/${encodeURIComponent(String(l.experiment.id))}` : null,
      deps: [],
    });
  }
  const chain: LineageGraphNode[] = [];
  if (l.run) {
    chain.push({
      id: `run:${l.run.id}`,
      kind: 'run',
      label: l.run.name || l.run.id.slice(0, 12),
      sub: l.run.status,
      passed: null,
      href: `/runs/${encodeURIComponent(l.run.id)}`,
      deps: [],
    });
  }
  if (l.package) {
    const p = l.package;
    chain.push({
      id: `package:${p.id}`,
      kind: 'package',
      label: `#${p.id} · ${p.task}`,
      sub: p.criteria,
      passed: p.criteria_result ? p.criteria_result.passed : null,
      href: project ? `/projects/${project}?tab=packages` : null,
      deps: [],
    });
  }
  if (l.imported) {
    const i = l.imported;
    chain.push({
      id: `imported:${i.repository_sha256}`,
      kind: 'imported',
      label: `${i.registered_model} v${i.registered_version}`,
      sub: shortHash(i.repository_sha256),
      passed: null,
      href: null,
      deps: [],
    });
  }
  chain.push({ id: `version:${v.model}:${v.version}`, kind: 'version', label: `${v.model} v${v.version}`, sub: v.stage, passed: null, href: versionPath(v.model, v.version), deps: [] });
  chain[0].deps = sources.map((n) => n.id);
  for (let i = 1; i < chain.length; i++) chain[i].deps = [chain[i - 1].id];
  return [...sources, ...chain];
}

/** Whether the lineage has anything upstream of the version (else the graph is one lonely node). */
export const hasLineage = (v: VersionLike): boolean => lineageNodes(v).length > 1;

export const LINEAGE_NODE_WIDTH = 200;
export const LINEAGE_NODE_HEIGHT = 52;

/** The graph placed left to right (lib/dag.ts): sources in the first column, the version last. */
export function lineageGraph(v: VersionLike, projectName?: string): LineageGraph {
  const nodes = lineageNodes(v, projectName);
  const layout = layoutDag(nodes, { nodeWidth: LINEAGE_NODE_WIDTH, nodeHeight: LINEAGE_NODE_HEIGHT, gapX: 56, gapY: 16 });
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  return {
    nodes: nodes.map((n) => ({ ...n, x: byId.get(n.id)!.x, y: byId.get(n.id)!.y })),
    edges: layout.edges,
    width: layout.width,
    height: layout.height,
    nodeWidth: layout.nodeWidth,
    nodeHeight: layout.nodeHeight,
  };
}

/** `text` cut to `max` characters with an ellipsis, so a label fits its node. */
export function fitLabel(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}
