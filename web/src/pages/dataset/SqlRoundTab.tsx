import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { createSqlRound, listConnections } from '../../api/endpoints';
import type { DataRound } from '../../api/types';
import { ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatBytes, formatNumber } from '../../lib/format';
import {
  buildSqlRound,
  defaultItemName,
  MAX_ROWS_CAP,
  SQL_FORMATS,
  sqlSourceOf,
  withFormatExtension,
  type FormProblem,
  type SqlFormat,
} from '../../lib/sources';
import { connectionsKey } from '../project/ConnectionsTab';

/**
 * A round from one read-only query on a project connection (DATA-1): the rows become one CSV or
 * JSONL item. The server refuses a bad query or a result over the caps (400) and answers 502 when
 * the database cannot be reached; in both cases nothing is stored, and its message is shown.
 */
export function SqlRoundTab({ project, dataset, onDone }: { project: string; dataset: string; onDone: (round: number) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const queryClient = useQueryClient();
  const cq = useQuery({ queryKey: connectionsKey(project), queryFn: () => listConnections(project) });
  const connections = cq.data?.connections ?? [];
  const [connection, setConnection] = useState('');
  const [query, setQuery] = useState('');
  const [format, setFormat] = useState<SqlFormat>('csv');
  const [name, setName] = useState('');
  const [note, setNote] = useState('');
  const [maxRows, setMaxRows] = useState('');
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [round, setRound] = useState<DataRound | null>(null);
  const chosen = connection || connections[0]?.name || '';
  const m = useMutation({
    mutationFn: (body: Parameters<typeof createSqlRound>[2]) => createSqlRound(project, dataset, body),
    onSuccess: async (res) => {
      setRound(res.round);
      await queryClient.invalidateQueries({ queryKey: ['dataset', project, dataset] });
      await queryClient.invalidateQueries({ queryKey: ['lineage', project, dataset] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setRound(null);
    m.reset();
    const r = buildSqlRound({ connection: chosen, query, format, name, note, maxRows });
    if ('problem' in r) {
      setProblem(r.problem);
      return;
    }
    setProblem(null);
    m.mutate(r.body);
  };
  const err = m.error;
  const errTitle =
    err instanceof ApiError && err.status === 502
      ? t('sqlRound.unreachable')
      : err instanceof ApiError && err.status >= 400 && err.status < 500
        ? t('sqlRound.refused')
        : undefined;
  const src = round ? sqlSourceOf(round) : null;

  if (cq.isPending) return <Loading />;
  return (
    <form className="card form" onSubmit={submit} data-testid="sql-round-form">
      <h2>{t('sqlRound.title')}</h2>
      <p className="muted small">{t('sqlRound.hint')}</p>
      <ErrorBox error={cq.error} />
      {cq.data && connections.length === 0 ? (
        <p className="notice" data-testid="sql-no-connections">
          {t('sqlRound.noConnections')}{' '}
          <Link to={`/projects/${encodeURIComponent(project)}?tab=connections`}>{t('sqlRound.manageConnections')}</Link>
        </p>
      ) : (
        <>
          <div className="row">
            <label className="field">
              <span>{t('sqlRound.connection')}</span>
              <select name="sql-connection" value={chosen} disabled={m.isPending} onChange={(e) => setConnection(e.target.value)}>
                {connections.map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name} · {t(`connections.kinds.${c.kind}`, { defaultValue: c.kind })}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t('sqlRound.format')}</span>
              <select
                name="sql-format"
                value={format}
                disabled={m.isPending}
                onChange={(e) => {
                  const f = e.target.value as SqlFormat;
                  setFormat(f);
                  setName((n) => withFormatExtension(n, f));
                }}
              >
                {SQL_FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {f.toUpperCase()}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t('sqlRound.itemName')}</span>
              <input
                name="sql-name"
                className="mono"
                placeholder={defaultItemName(format)}
                value={name}
                disabled={m.isPending}
                onChange={(e) => setName(e.target.value)}
              />
            </label>
            <label className="field">
              <span>{t('sqlRound.maxRows')}</span>
              <input
                name="sql-max-rows"
                type="number"
                min={1}
                max={MAX_ROWS_CAP}
                step={1}
                placeholder="1000000"
                value={maxRows}
                disabled={m.isPending}
                onChange={(e) => setMaxRows(e.target.value)}
              />
            </label>
          </div>
          <label className="field">
            <span>{t('sqlRound.query')}</span>
            <textarea
              name="sql-query"
              className="mono"
              rows={8}
              spellCheck={false}
              placeholder="SELECT id, amount, region FROM sales WHERE day >= '2024-01-01'"
              value={query}
              disabled={m.isPending}
              onChange={(e) => setQuery(e.target.value)}
            />
            <small className="hint">{t('sqlRound.queryHint')}</small>
          </label>
          <label className="field">
            <span>{t('sqlRound.note')}</span>
            <input name="sql-note" value={note} disabled={m.isPending} onChange={(e) => setNote(e.target.value)} />
          </label>
          {problem && (
            <div className="error-box" role="alert">
              {t(problem.key, problem.vars)}
            </div>
          )}
          <div data-testid="sql-error">
            <ErrorBox error={err} title={errTitle} />
          </div>
          {m.isPending && <div className="muted small">{t('sqlRound.running')}</div>}
          {round && (
            <div className="notice" role="status" data-testid="sql-done">
              {t('sqlRound.done', {
                number: round.number,
                rows: formatNumber(src?.rows ?? 0, locale),
                item: src?.item ?? '',
                size: formatBytes(round.bytes),
              })}{' '}
              <button type="button" className="link-button" onClick={() => onDone(round.number)}>
                {t('rounds.show')}
              </button>
            </div>
          )}
          <div className="form-actions">
            <button type="submit" className="btn primary" disabled={m.isPending || !chosen}>
              {t('sqlRound.run')}
            </button>
          </div>
        </>
      )}
    </form>
  );
}
