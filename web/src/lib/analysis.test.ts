import { describe, expect, it } from 'vitest';
import type { ColumnStats } from '../api/types';
import {
  buildTransformConfig,
  classShares,
  defaultTransformRows,
  distributionBars,
  filterColumns,
  fittedSummary,
  formatPercent,
  heatmapData,
  isTableItem,
  missingShare,
  orderSplits,
  rankImportance,
  readSplitReport,
  shortHash,
  sparkRects,
  splitTable,
  strongestPairs,
  type TransformRow,
} from './analysis';

const col = (over: Partial<ColumnStats>): ColumnStats => ({ name: 'c', type: 'float', count: 0, missing: 0, ...over });

describe('table items and columns', () => {
  it.each([
    ['data/a.csv', true],
    ['A.TSV', true],
    ['x.tab', true],
    ['logs/events.jsonl', true],
    ['e.ndjson', true],
    ['img/cat.png', false],
    ['notes.csv.bak', false],
    ['table.json', false],
    ['dictionary/nouns.tsv', false],
    ['ko.dict.tsv', false],
  ])('%s is a table item: %s', (path, want) => expect(isTableItem(path)).toBe(want));

  it('computes the missing share from present and missing counts', () => {
    expect(missingShare({ count: 3, missing: 1 })).toBe(0.25);
    expect(missingShare({ count: 0, missing: 0 })).toBe(0);
    expect(missingShare({ count: 0, missing: 4 })).toBe(1);
  });

  it('formats percentages, marking tiny non-zero shares', () => {
    expect(formatPercent(0.125, 'en-US')).toBe('12.5%');
    expect(formatPercent(0, 'en-US')).toBe('0%');
    expect(formatPercent(0.0001, 'en-US')).toBe('<0.1%');
    expect(formatPercent(null, 'en-US')).toBe('');
    expect(formatPercent(NaN, 'en-US')).toBe('');
  });

  it('filters columns by name and kind', () => {
    const cols = [
      col({ name: 'Age', type: 'int' }),
      col({ name: 'city', type: 'string', missing: 2 }),
      col({ name: 'is_vip', type: 'bool' }),
      col({ name: 'income', type: 'float', missing: 1 }),
    ];
    const names = (c: ColumnStats[]) => c.map((x) => x.name);
    expect(names(filterColumns(cols, '', 'all'))).toEqual(['Age', 'city', 'is_vip', 'income']);
    expect(names(filterColumns(cols, 'age', 'all'))).toEqual(['Age']);
    expect(names(filterColumns(cols, '', 'numeric'))).toEqual(['Age', 'is_vip', 'income']);
    expect(names(filterColumns(cols, '', 'categorical'))).toEqual(['city', 'is_vip']);
    expect(names(filterColumns(cols, ' I ', 'missing'))).toEqual(['city', 'income']);
  });
});

describe('distributions', () => {
  const fmt = (v: number) => String(v);
  it('labels histogram bins by their edges', () => {
    const c = col({ histogram: { edges: [0, 5, 10], counts: [3, 1] } });
    expect(distributionBars(c, fmt)).toEqual([
      { label: '0 – 5', value: 3 },
      { label: '5 – 10', value: 1 },
    ]);
  });
  it('uses the top categories of a column without a histogram', () => {
    const c = col({ type: 'string', histogram: undefined, top: [{ value: 'Seoul', count: 4 }, { value: 'Busan', count: 2 }] });
    expect(distributionBars(c, fmt)).toEqual([
      { label: 'Seoul', value: 4 },
      { label: 'Busan', value: 2 },
    ]);
    expect(distributionBars(col({ histogram: null }), fmt)).toEqual([]);
  });
  it('draws spark bars bottom-aligned, keeping rare bins visible', () => {
    const r = sparkRects([10, 0, 1], 30, 20);
    expect(r).toHaveLength(3);
    expect(r[0]).toEqual({ x: 0, y: 0, w: 9, h: 20 });
    expect(r[1].h).toBe(0);
    expect(r[2].h).toBe(2);
    expect(r[2].y).toBe(18);
    expect(sparkRects([], 30, 20)).toEqual([]);
    expect(sparkRects([0, 0], 30, 20).every((x) => x.h === 0)).toBe(true);
    // no gap once bars get thinner than 3 units
    expect(sparkRects(new Array(60).fill(1), 60, 10)[0].w).toBe(1);
  });
});

describe('correlations, labels, importance', () => {
  const corr = {
    columns: ['a', 'b', 'c'],
    matrix: [
      [1, 0.91234, -0.5],
      [0.91234, 1, null],
      [-0.5, null, 1],
    ],
  };
  it('turns the matrix into heatmap cells, leaving out pairs without a value', () => {
    const h = heatmapData(corr);
    expect(h.labels).toEqual(['a', 'b', 'c']);
    expect(h.cells).toHaveLength(7);
    expect(h.cells).toContainEqual([1, 0, 0.912]);
    expect(h.cells.filter(([x, y]) => (x === 2 && y === 1) || (x === 1 && y === 2))).toEqual([]);
    expect(heatmapData(undefined)).toEqual({ labels: [], cells: [] });
  });
  it('lists the strongest pairs by absolute value', () => {
    expect(strongestPairs(corr, 5)).toEqual([
      { a: 'a', b: 'b', r: 0.91234 },
      { a: 'a', b: 'c', r: -0.5 },
    ]);
  });
  it('orders classes by count with their shares', () => {
    const s = classShares({
      column: 'y',
      count: 4,
      missing: 0,
      classes: [
        { value: 'no', count: 1 },
        { value: 'yes', count: 3 },
      ],
      minority_share: 0.25,
      majority_share: 0.75,
      imbalance_ratio: 3,
    });
    expect(s).toEqual([
      { value: 'yes', count: 3, share: 0.75 },
      { value: 'no', count: 1, share: 0.25 },
    ]);
    expect(classShares(undefined)).toEqual([]);
  });
  it('ranks features by score, unscored last, up to a limit', () => {
    const r = rankImportance(
      [
        { feature: 'a', score: 0.1, method: 'mutual_information' },
        { feature: 'b', score: null, method: 'mutual_information' },
        { feature: 'c', score: 0.7, method: 'mutual_information' },
        { feature: 'd', score: 0.3, method: 'mutual_information' },
      ],
      3,
    );
    expect(r.map((f) => f.feature)).toEqual(['c', 'd', 'a']);
    expect(rankImportance(undefined, 3)).toEqual([]);
  });
  it('leaves identifiers and likely leakage out of the ranking (issue 17)', () => {
    const r = rankImportance(
      [
        { feature: 'id_index', score: 0.9, method: 'mutual_information', flag: 'identifier' },
        { feature: 'refund', score: 0.8, method: 'mutual_information', flag: 'leakage' },
        { feature: 'tenure', score: 0.2, method: 'mutual_information' },
      ],
      5,
    );
    expect(r.map((f) => f.feature)).toEqual(['tenure']);
  });
});

describe('splits', () => {
  it('orders split names for reading', () => {
    expect(orderSplits(['test', 'fold_10', 'train', 'fold_2', 'val'])).toEqual(['train', 'val', 'test', 'fold_2', 'fold_10']);
  });
  it('computes per-split class counts and shares', () => {
    const t = splitTable({
      counts: { test: 4, train: 6 },
      classes: { train: { cat: 3, dog: 3 }, test: { cat: 1, dog: 2, '(unlabeled)': 1 } },
    });
    expect(t.splits).toEqual(['train', 'test']);
    expect(t.counts).toEqual([6, 4]);
    expect(t.total).toBe(10);
    expect(t.classes).toEqual(['dog', 'cat', '(unlabeled)']);
    expect(t.classCounts.cat).toEqual([3, 1]);
    expect(t.classShares.dog).toEqual([0.5, 0.5]);
    expect(t.classShares['(unlabeled)']).toEqual([0, 0.25]);
  });
  it('reads split_report from derived, tolerating its absence', () => {
    expect(readSplitReport({ split_report: { counts: { train: 1 }, classes: {} } })).toEqual({ counts: { train: 1 }, classes: {} });
    expect(readSplitReport({ split_report: { counts: { train: 1 } } })?.classes).toEqual({});
    expect(readSplitReport({})).toBeNull();
    expect(readSplitReport(null)).toBeNull();
    expect(readSplitReport({ split_report: 'x' })).toBeNull();
    expect(splitTable(null)).toMatchObject({ splits: [], classes: [], total: 0 });
  });
});

describe('transform config', () => {
  const columns = [
    col({ name: 'age', type: 'int', missing: 2 }),
    col({ name: 'city', type: 'string' }),
    col({ name: 'churn', type: 'string' }),
  ];
  it('starts with z-score and one-hot, imputing where values are missing, without the label', () => {
    const rows = defaultTransformRows(columns, 'churn');
    expect(rows.map((r) => [r.column, r.type, r.include, r.impute, r.step])).toEqual([
      ['age', 'numeric', true, 'mean', 'z_score'],
      ['city', 'string', true, 'none', 'one_hot'],
      ['churn', 'string', false, 'none', 'one_hot'],
    ]);
  });
  it('builds the config of the included columns', () => {
    const rows = defaultTransformRows(columns, 'churn');
    rows[1].param = '';
    expect(buildTransformConfig(rows)).toEqual({
      config: {
        columns: [
          { column: 'age', steps: [{ kind: 'impute', strategy: 'mean' }, { kind: 'z_score' }] },
          { column: 'city', steps: [{ kind: 'one_hot' }] },
        ],
      },
    });
  });
  const row = (over: Partial<TransformRow>): TransformRow => ({
    column: 'x',
    type: 'numeric',
    include: true,
    impute: 'none',
    step: 'none',
    param: '',
    ...over,
  });
  it.each([
    [row({}), [{ kind: 'passthrough' }]],
    [row({ impute: 'median' }), [{ kind: 'impute', strategy: 'median' }]],
    [row({ step: 'log_z_score' }), [{ kind: 'log' }, { kind: 'z_score' }]],
    [row({ step: 'bucketize', param: '4' }), [{ kind: 'bucketize', buckets: 4 }]],
    [row({ type: 'string', step: 'hash', param: '1024' }), [{ kind: 'hash', buckets: 1024 }]],
    [row({ type: 'string', step: 'vocabulary', param: '50', impute: 'most_frequent' }), [{ kind: 'impute', strategy: 'most_frequent' }, { kind: 'vocabulary', top_k: 50 }]],
  ])('maps a form row to steps (%#)', (r, steps) => {
    expect(buildTransformConfig([r])).toEqual({ config: { columns: [{ column: 'x', steps }] } });
  });
  it.each([
    [[row({ include: false })], 'transforms.pickColumns'],
    [[row({ step: 'bucketize', param: '' })], 'transforms.badParam'],
    [[row({ step: 'bucketize', param: '2.5' })], 'transforms.badParam'],
    [[row({ step: 'bucketize', param: '20000' })], 'transforms.badParam'],
    [[row({ type: 'string', step: 'z_score' })], 'transforms.badStep'],
    [[row({ step: 'one_hot' })], 'transforms.badStep'],
    [[row({ type: 'string', step: 'one_hot', impute: 'mean' })], 'transforms.badImpute'],
  ])('refuses a bad form (%#)', (rows, key) => {
    const out = buildTransformConfig(rows);
    expect('problem' in out && out.problem.key).toBe(key);
  });
  it('summarises fitted parameters and shortens hashes', () => {
    const fmt = (v: number) => String(v);
    expect(fittedSummary({ kind: 'z_score', mean: 1.5, std: 2 }, fmt)).toBe('mean=1.5 · std=2');
    expect(fittedSummary({ kind: 'impute', strategy: 'mean', fill: 3 }, fmt)).toBe('strategy=mean · fill=3');
    expect(fittedSummary({ kind: 'one_hot', top_k: 0, vocabulary: ['a', 'b'] }, fmt)).toBe('vocabulary=[a, b] (2)');
    expect(fittedSummary({ kind: 'bucketize', buckets: 8, boundaries: [1, 2, 3, 4, 5, 6, 7] }, fmt)).toBe(
      'boundaries=[1, 2, 3, 4, 5, 6, …] (7)',
    );
    expect(shortHash('0123456789abcdef0123456789abcdef')).toBe('0123456789…cdef');
    expect(shortHash('abc')).toBe('abc');
  });
});
