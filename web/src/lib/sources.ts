// SQL sources (DATA-1): the form of a SQL round and the record a SQL round keeps (docs/api.md
// "SQL sources"). The server checks everything again; these checks only say it sooner.
import type { DataRound, SqlRoundSource } from '../api/types';

export const CONNECTION_KINDS = ['sqlite', 'postgresql'] as const;
export const SQL_FORMATS = ['csv', 'jsonl'] as const;
export type SqlFormat = (typeof SQL_FORMATS)[number];

export const MAX_ROWS_CAP = 10_000_000;
export const MAX_QUERY_BYTES = 100_000;

/** The `sources` of a SQL round, or null for any other round. */
export function sqlSourceOf(round: Pick<DataRound, 'kind' | 'sources'>): SqlRoundSource | null {
  const s = round.sources as Partial<SqlRoundSource> | null | undefined;
  if (!s || typeof s !== 'object' || Array.isArray(s)) return null;
  if (s.kind !== 'sql' || typeof s.query !== 'string' || typeof s.connection !== 'string') return null;
  return s as SqlRoundSource;
}

/** The item name the server picks when the form leaves it empty. */
export const defaultItemName = (format: SqlFormat): string => `query.${format}`;

/** Whether an item name's extension fits the format (the server's rule). */
export function nameMatchesFormat(name: string, format: SqlFormat): boolean {
  const lower = name.toLowerCase();
  return format === 'csv' ? lower.endsWith('.csv') : lower.endsWith('.jsonl') || lower.endsWith('.ndjson');
}

/** The name with its extension switched to the format's, for when the format changes. */
export function withFormatExtension(name: string, format: SqlFormat): string {
  if (!name.trim() || nameMatchesFormat(name, format)) return name;
  const m = /^(.*)\.(csv|jsonl|ndjson)$/i.exec(name);
  return m ? `${m[1]}.${format}` : name;
}

export interface SqlRoundForm {
  connection: string;
  query: string;
  format: SqlFormat;
  name: string;
  note: string;
  maxRows: string;
}

export interface SqlRoundBody {
  connection: string;
  query: string;
  format: SqlFormat;
  name?: string;
  note?: string;
  max_rows?: number;
}

/** An i18n key (sqlRound.*) with its variables. */
export interface FormProblem {
  key: string;
  vars?: Record<string, string | number>;
}

/** The request body of the form, or the first problem that the server would refuse anyway. */
export function buildSqlRound(f: SqlRoundForm): { body: SqlRoundBody } | { problem: FormProblem } {
  if (!f.connection) return { problem: { key: 'sqlRound.pickConnection' } };
  if (!f.query.trim()) return { problem: { key: 'sqlRound.queryRequired' } };
  if (new TextEncoder().encode(f.query).length > MAX_QUERY_BYTES)
    return { problem: { key: 'sqlRound.queryTooLong', vars: { max: MAX_QUERY_BYTES } } };
  const name = f.name.trim();
  if (name && !nameMatchesFormat(name, f.format)) return { problem: { key: 'sqlRound.nameMismatch', vars: { format: f.format } } };
  let maxRows: number | undefined;
  if (f.maxRows.trim()) {
    maxRows = Number(f.maxRows.trim());
    if (!Number.isInteger(maxRows) || maxRows < 1 || maxRows > MAX_ROWS_CAP)
      return { problem: { key: 'sqlRound.maxRowsInvalid', vars: { max: MAX_ROWS_CAP } } };
  }
  const body: SqlRoundBody = { connection: f.connection, query: f.query, format: f.format };
  if (name) body.name = name;
  if (f.note.trim()) body.note = f.note.trim();
  if (maxRows !== undefined) body.max_rows = maxRows;
  return { body };
}

/** A connection form's first problem (i18n key under connections.*), or null. */
export function connectionProblem(f: { name: string; kind: string; target: string }): string | null {
  if (!f.name.trim()) return 'connections.nameRequired';
  if (!f.target.trim()) return 'connections.targetRequired';
  if (f.kind === 'sqlite' && !f.target.trim().startsWith('/')) return 'connections.sqliteAbsolute';
  return null;
}

/** The first line of a query, shortened, for one-line places (timeline). */
export function queryPreview(query: string, max = 80): string {
  const oneLine = query.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
