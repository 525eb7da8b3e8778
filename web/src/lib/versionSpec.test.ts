import { describe, expect, it } from 'vitest';
import { buildVersionBody, type VersionForm } from './versionSpec';

const base: VersionForm = {
  status: 'raw',
  source: 'rounds',
  rounds: [1, 2],
  fromVersion: 'v1',
  operations: '[{"op": "drop_duplicate_items"}]',
  split: { method: 'random', train: '0.8', val: '0.1', test: '0.1', folds: '5', seed: '7', groupBy: 'folder', timeKey: '' },
  message: ' first ',
};

describe('buildVersionBody', () => {
  it('sends rounds, labels and a trimmed message for a raw version', () => {
    expect(buildVersionBody({ ...base, labels: { from: 'folders' } })).toEqual({
      body: { status: 'raw', rounds: [1, 2], labels: { from: 'folders' }, message: 'first' },
    });
  });
  it('asks for rounds or a version', () => {
    expect(buildVersionBody({ ...base, rounds: [] })).toEqual({ problem: { key: 'newVersion.pickRounds' } });
    expect(buildVersionBody({ ...base, source: 'version', fromVersion: '' })).toEqual({ problem: { key: 'newVersion.pickVersion' } });
  });
  it('adds the operations of a refined version and rejects bad JSON', () => {
    const ok = buildVersionBody({ ...base, status: 'refined', source: 'version' });
    expect(ok).toEqual({ body: { status: 'refined', from_version: 'v1', operations: [{ op: 'drop_duplicate_items' }], message: 'first' } });
    const bad = buildVersionBody({ ...base, status: 'refined', operations: '[{' });
    expect('problem' in bad && bad.problem.key).toBe('newVersion.operationsInvalid');
    const empty = buildVersionBody({ ...base, status: 'refined', operations: '[]' });
    expect('problem' in empty && empty.problem.key).toBe('newVersion.operationsInvalid');
  });
  it('makes a split from a version with ratios summing to one', () => {
    expect(buildVersionBody({ ...base, status: 'split' })).toEqual({ problem: { key: 'newVersion.splitNeedsVersion' } });
    const ok = buildVersionBody({ ...base, status: 'split', source: 'version', message: '' });
    expect(ok).toEqual({
      body: { status: 'split', from_version: 'v1', split: { method: 'random', ratios: { train: 0.8, val: 0.1, test: 0.1 }, seed: 7 } },
    });
    const bad = buildVersionBody({ ...base, status: 'split', source: 'version', split: { ...base.split, train: '0.5' } });
    expect('problem' in bad && bad.problem.key).toBe('newVersion.ratiosInvalid');
  });
  it('uses folds for k-fold and the grouping key for group splits', () => {
    const kfold = buildVersionBody({ ...base, status: 'split', source: 'version', split: { ...base.split, method: 'kfold', folds: '4' } });
    expect('body' in kfold && kfold.body.split).toEqual({ method: 'kfold', folds: 4, seed: 7 });
    const one = buildVersionBody({ ...base, status: 'split', source: 'version', split: { ...base.split, method: 'kfold', folds: '1' } });
    expect('problem' in one && one.problem.key).toBe('newVersion.foldsInvalid');
    const group = buildVersionBody({
      ...base,
      status: 'split',
      source: 'version',
      split: { ...base.split, method: 'group', train: '0.7', val: '', test: '0.3', groupBy: 'camera' },
    });
    expect('body' in group && group.body.split).toEqual({ method: 'group', ratios: { train: 0.7, test: 0.3 }, seed: 7, group_by: 'camera' });
    // The class column and the unit go with stratified and k-fold splits; a label on a random split is not sent.
    const strat = buildVersionBody({ ...base, status: 'split', source: 'version', split: { ...base.split, method: 'stratified', label: ' churn ', unit: 'rows' } });
    expect('body' in strat && strat.body.split).toMatchObject({ method: 'stratified', label: 'churn', unit: 'rows' });
    const random = buildVersionBody({ ...base, status: 'split', source: 'version', split: { ...base.split, label: 'churn', unit: '' } });
    expect('body' in random && random.body.split).not.toHaveProperty('label');
    expect('body' in random && random.body.split).not.toHaveProperty('unit');
  });
});
