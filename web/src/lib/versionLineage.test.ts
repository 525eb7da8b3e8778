import { describe, expect, it } from 'vitest';
import type { VersionLineage } from '../api/types';
import { fitLabel, hasLineage, lineageGraph, lineageNodes } from './versionLineage';

const RUN = 'eefd33b482c5ae15a0cc7ff4db06dc2f';
const full: VersionLineage = {
  run: { id: RUN, name: 'xgb-run', status: 'FINISHED' },
  experiment: { id: 1, name: 'churn-exp', project_id: 2 },
  data_versions: [
    { kind: 'dataset_version', ref: 'p/customers@v1' },
    { kind: 'dataset_version', ref: 'p/customers@v1' },
    { kind: 'uri', ref: 's3://bucket/x.csv' },
  ],
  package: {
    id: 4,
    task: 'churn-task',
    criteria: 'auc >= 0.8',
    criteria_result: { task: 'churn-task', criteria: 'auc >= 0.8', passed: false, clauses: [], missing: [] },
    manifest_sha256: 'f9',
    confirmed_by: 'admin',
    confirmed_at: 1,
  },
};
const version = (lineage: VersionLineage | null) => ({ model: 'churn', version: 3, stage: 'staging' as const, lineage });

describe('lineageNodes', () => {
  it('chains data and experiment → run → package → version, with links', () => {
    const nodes = lineageNodes(version(full), 'p');
    expect(nodes.map((n) => [n.id, n.deps])).toEqual([
      ['data:p/customers@v1', []],
      ['data:s3://bucket/x.csv', []],
      ['experiment:1', []],
      [`run:${RUN}`, ['data:p/customers@v1', 'data:s3://bucket/x.csv', 'experiment:1']],
      ['package:4', [`run:${RUN}`]],
      ['version:churn:3', ['package:4']],
    ]);
    const by = new Map(nodes.map((n) => [n.kind + n.label, n]));
    expect(by.get('datap/customers@v1')!.href).toBe('/projects/p/datasets/customers/versions/v1');
    expect(by.get('datas3://bucket/x.csv')!.href).toBeNull();
    expect(by.get('experimentchurn-exp')!.href).toBe('/projects/p/experiments/1');
    expect(by.get('runxgb-run')!).toMatchObject({ href: `/runs/${RUN}`, sub: 'FINISHED' });
    expect(by.get('package#4 · churn-task')!).toMatchObject({ href: '/projects/p?tab=packages', sub: 'auc >= 0.8', passed: false });
    expect(by.get('versionchurn v3')!).toMatchObject({ href: '/models/churn/versions/3', sub: 'staging' });
  });
  it('links nothing that needs the project when it is not known yet', () => {
    const nodes = lineageNodes(version(full));
    expect(nodes.find((n) => n.kind === 'experiment')!.href).toBeNull();
    expect(nodes.find((n) => n.kind === 'package')!.href).toBeNull();
    expect(nodes.find((n) => n.kind === 'run')!.href).toBe(`/runs/${RUN}`);
  });
  it('goes from the run straight to the version without a package; a criteria result absent is null', () => {
    const nodes = lineageNodes(version({ run: full.run, data_versions: [] }));
    expect(nodes.map((n) => [n.id, n.deps])).toEqual([
      [`run:${RUN}`, []],
      ['version:churn:3', [`run:${RUN}`]],
    ]);
    const pkg = lineageNodes(version({ package: { ...full.package!, criteria_result: null } })).find((n) => n.kind === 'package')!;
    expect(pkg.passed).toBeNull();
  });
  it('puts an import record between the package and the version', () => {
    const imported = {
      ...full,
      imported: { repository_sha256: '21ff01a4577fb9e557644e6cd440cc64', registered_model: 'm', registered_version: 1, exported_by: 'admin', exported_at: 1 },
    };
    const nodes = lineageNodes(version(imported));
    expect(nodes.slice(-2).map((n) => [n.kind, n.label, n.sub, n.href, n.deps])).toEqual([
      ['imported', 'm v1', '21ff01a4577f', null, ['package:4']],
      ['version', 'churn v3', 'staging', '/models/churn/versions/3', ['imported:21ff01a4577fb9e557644e6cd440cc64']],
    ]);
  });
  it('is the version alone without lineage', () => {
    expect(lineageNodes(version(null)).map((n) => n.id)).toEqual(['version:churn:3']);
    expect(hasLineage(version(null))).toBe(false);
    expect(hasLineage(version({ data_versions: [] }))).toBe(false);
    expect(hasLineage(version(full))).toBe(true);
  });
});

describe('lineageGraph', () => {
  it('places sources in the first column and each step one column further right', () => {
    const g = lineageGraph(version(full), 'p');
    const x = (kind: string) => [...new Set(g.nodes.filter((n) => n.kind === kind).map((n) => n.x))];
    expect(x('data')).toEqual(x('experiment'));
    expect(x('data')).toHaveLength(1);
    expect(x('run')[0]).toBeGreaterThan(x('data')[0]);
    expect(x('package')[0]).toBeGreaterThan(x('run')[0]);
    expect(x('version')[0]).toBeGreaterThan(x('package')[0]);
    expect(g.edges.map((e) => `${e.from}>${e.to}`)).toEqual([
      `data:p/customers@v1>run:${RUN}`,
      `data:s3://bucket/x.csv>run:${RUN}`,
      `experiment:1>run:${RUN}`,
      `run:${RUN}>package:4`,
      'package:4>version:churn:3',
    ]);
    // The first column's three sources are stacked without overlap inside the drawing.
    const ys = g.nodes.filter((n) => n.x === x('data')[0]).map((n) => n.y);
    for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBeGreaterThanOrEqual(g.nodeHeight);
    for (const n of g.nodes) {
      expect(n.x + g.nodeWidth).toBeLessThanOrEqual(g.width);
      expect(n.y + g.nodeHeight).toBeLessThanOrEqual(g.height);
      expect(n.y).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('fitLabel', () => {
  it('cuts long labels with an ellipsis', () => {
    expect(fitLabel('short', 10)).toBe('short');
    expect(fitLabel('abcdefghijkl', 6)).toBe('abcde…');
    expect(fitLabel('데이터버전이름', 4)).toBe('데이터…');
  });
});
