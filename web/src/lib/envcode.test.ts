import { describe, expect, it } from 'vitest';
import { EMPTY_ENV_FORM, environmentBody, fileTree, formFromEnvironment, originText, shortId } from './envcode';

describe('environmentBody', () => {
  it('builds the request from the form', () => {
    const r = environmentBody(
      {
        ...EMPTY_ENV_FORM,
        name: ' train ',
        kind: 'inference',
        image: ' reg/x:1 ',
        cpus: '2',
        memoryMb: '1024',
        gpus: '1',
        variables: [
          { name: 'A', value: '1', secret: false, keep: false },
          { name: '', value: '', secret: false, keep: false },
          { name: 'S', value: 'x', secret: true, keep: false },
        ],
        parameters: '{"lr": 0.1}',
        references: 'vocab=/srv/v.txt\n\n  corpus = /srv/c  ',
        message: 'why',
      },
      true,
    );
    expect(r).toEqual({
      ok: true,
      value: {
        name: 'train',
        kind: 'inference',
        description: '',
        image: 'reg/x:1',
        resources: { cpus: 2, memory_mb: 1024, gpus: 1 },
        variables: [
          { name: 'A', value: '1', secret: false },
          { name: 'S', value: 'x', secret: true },
        ],
        parameters: { lr: 0.1 },
        references: [
          { name: 'vocab', path: '/srv/v.txt' },
          { name: 'corpus', path: '/srv/c' },
        ],
        message: 'why',
      },
    });
  });

  it('keeps an untouched secret by sending null, and sends a retyped one', () => {
    const f = formFromEnvironment({
      name: 'e',
      kind: 'development',
      resources: { cpus: 1, memory_mb: 512, gpus: 0 },
      variables: [
        { name: 'K', value: null, secret: true },
        { name: 'P', value: 'plain', secret: false },
      ],
      parameters: { a: 1 },
      references: [{ name: 'r', path: '/p' }],
    });
    expect(f.variables[0]).toEqual({ name: 'K', value: '', secret: true, keep: true });
    expect(f.references).toBe('r=/p');
    const kept = environmentBody(f, false);
    expect(kept.ok && kept.value.variables).toEqual([
      { name: 'K', value: null, secret: true },
      { name: 'P', value: 'plain', secret: false },
    ]);
    expect(kept.ok && 'name' in kept.value).toBe(false);
    f.variables[0].value = 'new';
    const changed = environmentBody(f, false);
    expect(changed.ok && (changed.value.variables as unknown[])[0]).toEqual({ name: 'K', value: 'new', secret: true });
  });

  it('names the form problems it can see', () => {
    expect(environmentBody({ ...EMPTY_ENV_FORM, parameters: '{' }, true)).toEqual({ ok: false, problem: { key: 'env.problems.parametersJson' } });
    expect(environmentBody({ ...EMPTY_ENV_FORM, parameters: '[1]' }, true)).toEqual({ ok: false, problem: { key: 'env.problems.parametersObject' } });
    expect(environmentBody({ ...EMPTY_ENV_FORM, references: 'ok=/a\nnoequals' }, true)).toEqual({
      ok: false,
      problem: { key: 'env.problems.reference', line: 2 },
    });
    expect(environmentBody({ ...EMPTY_ENV_FORM, cpus: 'two' }, true)).toEqual({ ok: false, problem: { key: 'env.problems.numbers' } });
    expect(environmentBody({ ...EMPTY_ENV_FORM, variables: [{ name: '', value: 'v', secret: false, keep: false }] }, true)).toEqual({
      ok: false,
      problem: { key: 'env.problems.variableName' },
    });
  });
});

describe('fileTree', () => {
  it('nests files under folders, folders first', () => {
    const t = fileTree(['train.py', 'lib/b.py', 'lib/a.py', 'README.md', 'lib/sub/c.py']);
    expect(t.map((n) => n.name)).toEqual(['lib', 'README.md', 'train.py']);
    expect(t[0].children!.map((n) => n.name)).toEqual(['sub', 'a.py', 'b.py']);
    expect(t[0].children![0].children![0]).toEqual({ name: 'c.py', path: 'lib/sub/c.py' });
  });
  it('handles an empty list', () => {
    expect(fileTree([])).toEqual([]);
  });
});

describe('origin and ids', () => {
  it('describes where a snapshot came from', () => {
    expect(originText({ source: 'archive' }, 'dirty')).toBe('archive');
    expect(originText({ source: 'git', git_commit: 'a'.repeat(40), git_branch: 'main', git_dirty: true }, 'dirty')).toBe(`git ${'a'.repeat(12)} (main, dirty)`);
    expect(originText({ source: 'git', git_commit: 'b'.repeat(40) }, 'dirty')).toBe(`git ${'b'.repeat(12)}`);
    expect(shortId('0123456789abcdef')).toBe('0123456789ab');
  });
});
