import { describe, expect, it } from 'vitest';
import { buildSqlRound, connectionProblem, nameMatchesFormat, queryPreview, sqlSourceOf, withFormatExtension, type SqlRoundForm } from './sources';

const form = (over: Partial<SqlRoundForm> = {}): SqlRoundForm => ({
  connection: 'warehouse',
  query: 'SELECT * FROM t',
  format: 'csv',
  name: '',
  note: '',
  maxRows: '',
  ...over,
});

describe('sqlSourceOf', () => {
  it('returns the record of a SQL round', () => {
    const s = { kind: 'sql', connection: 'w', query: 'SELECT 1', rows: 3 };
    expect(sqlSourceOf({ kind: 'sql', sources: s })).toEqual(s);
  });
  it('is null for other rounds and malformed records', () => {
    expect(sqlSourceOf({ kind: 'upload', sources: null })).toBeNull();
    expect(sqlSourceOf({ kind: 'bundle', sources: [{ round: 1 }] })).toBeNull();
    expect(sqlSourceOf({ kind: 'sql', sources: { kind: 'sql', connection: 'w' } })).toBeNull();
    expect(sqlSourceOf({ kind: 'sql', sources: 'x' })).toBeNull();
  });
});

describe('buildSqlRound', () => {
  it('builds the minimal body', () => {
    expect(buildSqlRound(form())).toEqual({ body: { connection: 'warehouse', query: 'SELECT * FROM t', format: 'csv' } });
  });
  it('passes name, trimmed note and max_rows', () => {
    expect(buildSqlRound(form({ format: 'jsonl', name: ' out.ndjson ', note: ' nightly ', maxRows: '500' }))).toEqual({
      body: { connection: 'warehouse', query: 'SELECT * FROM t', format: 'jsonl', name: 'out.ndjson', note: 'nightly', max_rows: 500 },
    });
  });
  it.each([
    [{ connection: '' }, 'sqlRound.pickConnection'],
    [{ query: '  \n' }, 'sqlRound.queryRequired'],
    [{ query: 'x'.repeat(100_001) }, 'sqlRound.queryTooLong'],
    [{ name: 'out.jsonl' }, 'sqlRound.nameMismatch'],
    [{ format: 'jsonl' as const, name: 'out.csv' }, 'sqlRound.nameMismatch'],
    [{ maxRows: '0' }, 'sqlRound.maxRowsInvalid'],
    [{ maxRows: '1.5' }, 'sqlRound.maxRowsInvalid'],
    [{ maxRows: '10000001' }, 'sqlRound.maxRowsInvalid'],
    [{ maxRows: 'ten' }, 'sqlRound.maxRowsInvalid'],
  ])('refuses %j with %s', (over, key) => {
    const r = buildSqlRound(form(over));
    expect('problem' in r && r.problem.key).toBe(key);
  });
  it('counts the query in UTF-8 bytes', () => {
    // 33,334 Hangul syllables are 100,002 bytes
    const r = buildSqlRound(form({ query: `SELECT '${'가'.repeat(33_332)}'` }));
    expect('problem' in r && r.problem.key).toBe('sqlRound.queryTooLong');
  });
});

describe('item names', () => {
  it('match the format like the server', () => {
    expect(nameMatchesFormat('A.CSV', 'csv')).toBe(true);
    expect(nameMatchesFormat('a.ndjson', 'jsonl')).toBe(true);
    expect(nameMatchesFormat('a.json', 'jsonl')).toBe(false);
  });
  it('switch extension with the format', () => {
    expect(withFormatExtension('sales.csv', 'jsonl')).toBe('sales.jsonl');
    expect(withFormatExtension('sales.jsonl', 'csv')).toBe('sales.csv');
    expect(withFormatExtension('sales.txt', 'csv')).toBe('sales.txt');
    expect(withFormatExtension('', 'csv')).toBe('');
  });
});

describe('connectionProblem', () => {
  it('wants a name, a target and an absolute SQLite path', () => {
    expect(connectionProblem({ name: '', kind: 'sqlite', target: '/x.db' })).toBe('connections.nameRequired');
    expect(connectionProblem({ name: 'a', kind: 'sqlite', target: ' ' })).toBe('connections.targetRequired');
    expect(connectionProblem({ name: 'a', kind: 'sqlite', target: 'x.db' })).toBe('connections.sqliteAbsolute');
    expect(connectionProblem({ name: 'a', kind: 'postgresql', target: 'host=db dbname=x' })).toBeNull();
    expect(connectionProblem({ name: 'a', kind: 'sqlite', target: '/srv/x.db' })).toBeNull();
  });
});

describe('queryPreview', () => {
  it('folds whitespace and shortens', () => {
    expect(queryPreview('SELECT a,\n  b\nFROM t')).toBe('SELECT a, b FROM t');
    expect(queryPreview('SELECT ' + 'x'.repeat(100), 20)).toHaveLength(20);
  });
});
