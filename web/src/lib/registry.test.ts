import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import {
  aliasList,
  archiveApplies,
  archivedForVersion,
  dataVersionPath,
  formatShape,
  isApprovalRequired,
  parseVersionParam,
  projectNameOf,
  registerRequest,
  shortHash,
  signatureSourceKey,
  sortFiles,
  stageCounts,
  stageMoveBody,
  versionPath,
} from './registry';

describe('stageCounts', () => {
  it('lists the stages with versions in lifecycle order', () => {
    expect(stageCounts({ archived: 2, development: 1, staging: 0, production: 1 })).toEqual([
      { stage: 'development', count: 1 },
      { stage: 'production', count: 1 },
      { stage: 'archived', count: 2 },
    ]);
    expect(stageCounts({})).toEqual([]);
    expect(stageCounts(undefined)).toEqual([]);
  });
});

describe('stage moves', () => {
  it('send archive_existing only where the server applies it', () => {
    expect(archiveApplies('staging')).toBe(true);
    expect(archiveApplies('production')).toBe(true);
    expect(archiveApplies('development')).toBe(false);
    expect(archiveApplies('archived')).toBe(false);
    expect(stageMoveBody('staging', true, '  passed review ')).toEqual({ stage: 'staging', archive_existing: true, reason: 'passed review' });
    expect(stageMoveBody('staging', false, '')).toEqual({ stage: 'staging', archive_existing: false });
    expect(stageMoveBody('archived', true, 'old')).toEqual({ stage: 'archived', reason: 'old' });
  });

  it('recognise the production refusal by status and code', () => {
    expect(isApprovalRequired(new ApiError(409, 'APPROVAL_REQUIRED', 'needs an approved request', {}))).toBe(true);
    expect(isApprovalRequired(new ApiError(409, 'RESOURCE_ALREADY_EXISTS', 'x', {}))).toBe(false);
    expect(isApprovalRequired(new ApiError(400, 'APPROVAL_REQUIRED', 'x', {}))).toBe(false);
    expect(isApprovalRequired(new Error('APPROVAL_REQUIRED'))).toBe(false);
  });
});

describe('registerRequest', () => {
  it('builds the body from a run or a package', () => {
    expect(registerRequest(' churn ', 'model/', { run_id: 'abc' })).toEqual({
      ok: true,
      value: { model: 'churn', body: { run_id: 'abc', path: 'model' } },
    });
    expect(registerRequest('churn', ' ', { package_id: 4 }, ' first ')).toEqual({
      ok: true,
      value: { model: 'churn', body: { package_id: 4, path: '', description: 'first' } },
    });
  });

  it('refuses an empty name and a slash', () => {
    expect(registerRequest('  ', 'model', { run_id: 'abc' })).toEqual({ ok: false, error: 'registry.nameRequired' });
    expect(registerRequest('a/b', 'model', { run_id: 'abc' })).toEqual({ ok: false, error: 'registry.nameSlash' });
  });
});

describe('display helpers', () => {
  it('formats shapes with ? for variable dimensions', () => {
    expect(formatShape([-1, 4])).toBe('[?, 4]');
    expect(formatShape([-1])).toBe('[?]');
    expect(formatShape([])).toBe('[]');
    expect(formatShape(undefined)).toBe('');
  });

  it('names where a signature came from', () => {
    expect(signatureSourceKey('model file')).toBe('registry.signatureFrom.modelFile');
    expect(signatureSourceKey('MLmodel')).toBe('registry.signatureFrom.mlmodel');
    expect(signatureSourceKey('signature.json')).toBe('registry.signatureFrom.signatureJson');
    expect(signatureSourceKey('somewhere else')).toBeNull();
    expect(signatureSourceKey(undefined)).toBeNull();
  });

  it('shortens hashes', () => {
    expect(shortHash('0123456789abcdef0123')).toBe('0123456789ab');
    expect(shortHash(undefined)).toBe('');
  });

  it('sorts files model first, then by role and path', () => {
    const files = [
      { path: 'z.txt', role: 'other', sha256: '', size: 1 },
      { path: 'transform.json', role: 'transform', sha256: '', size: 1 },
      { path: 'signature.json', role: 'signature', sha256: '', size: 1 },
      { path: 'a.txt', role: 'other', sha256: '', size: 1 },
      { path: 'model.json', role: 'model', sha256: '', size: 1 },
      { path: 'odd', role: 'unheard-of', sha256: '', size: 1 },
    ];
    expect(sortFiles(files).map((f) => f.path)).toEqual(['model.json', 'signature.json', 'transform.json', 'a.txt', 'z.txt', 'odd']);
  });

  it('links data version refs to their page', () => {
    expect(dataVersionPath('churn/customers@v2')).toBe('/projects/churn/datasets/customers/versions/v2');
    expect(dataVersionPath('p q/data set@3')).toBe('/projects/p%20q/datasets/data%20set/versions/v3');
    expect(dataVersionPath('customers@v2')).toBeNull();
    expect(dataVersionPath('a/b@latest')).toBeNull();
  });

  it('builds version paths and reads version params', () => {
    expect(versionPath('churn model', 3)).toBe('/models/churn%20model/versions/3');
    expect(parseVersionParam('v3')).toBe(3);
    expect(parseVersionParam('12')).toBe(12);
    expect(parseVersionParam('0')).toBeNull();
    expect(parseVersionParam('v')).toBeNull();
    expect(parseVersionParam('3a')).toBeNull();
    expect(parseVersionParam(undefined)).toBeNull();
  });

  it('names the version an archived one made way for', () => {
    const versions = [
      { id: 11, version: 1 },
      { id: 14, version: 2 },
    ];
    expect(archivedForVersion({ archived_for: 14 }, versions)).toBe(2);
    expect(archivedForVersion({ archived_for: null }, versions)).toBeNull();
    expect(archivedForVersion({ archived_for: 99 }, versions)).toBeNull();
  });

  it('lists aliases by name and finds project names by id', () => {
    expect(aliasList({ prod: 2, champion: 1 })).toEqual([
      ['champion', 1],
      ['prod', 2],
    ]);
    expect(aliasList(undefined)).toEqual([]);
    const projects = [
      { id: 1, name: 'default' },
      { id: '7', name: 'churn' },
    ];
    expect(projectNameOf(projects, 7)).toBe('churn');
    expect(projectNameOf(projects, 3)).toBeUndefined();
    expect(projectNameOf(undefined, 1)).toBeUndefined();
  });
});
