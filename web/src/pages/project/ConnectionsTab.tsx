import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { createConnection, deleteConnection, listConnections } from '../../api/endpoints';
import { useAuth } from '../../components/auth';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTime } from '../../lib/format';
import { CONNECTION_KINDS, connectionProblem } from '../../lib/sources';

export const connectionsKey = (project: string) => ['connections', project];

/**
 * A project's data connections (DATA-1): the databases SQL rounds read from. Targets come back
 * masked; creating and deleting need project.manage, reading project.read.
 */
export function ConnectionsTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const manage = can('project.manage', project);
  const q = useQuery({ queryKey: connectionsKey(project), queryFn: () => listConnections(project) });
  const connections = q.data?.connections ?? [];
  const remove = useMutation({
    mutationFn: (name: string) => deleteConnection(project, name),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: connectionsKey(project) }),
  });
  return (
    <section data-testid="connections">
      <div className="section-head">
        <h2>{t('connections.title')}</h2>
      </div>
      <p className="muted small">{t('connections.hint')}</p>
      {!manage && q.data && <p className="muted small">{t('connections.readOnly')}</p>}
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      <ErrorBox error={remove.error} />
      {q.data && connections.length === 0 && <Empty>{t('connections.empty')}</Empty>}
      {connections.length > 0 && (
        <table className="table" data-testid="connections-table">
          <thead>
            <tr>
              <th>{t('connections.name')}</th>
              <th>{t('connections.kind')}</th>
              <th>{t('connections.target')}</th>
              <th>{t('connections.createdBy')}</th>
              <th>{t('connections.created')}</th>
              {manage && <th aria-label={t('common.actions')} />}
            </tr>
          </thead>
          <tbody>
            {connections.map((c) => (
              <tr key={c.name} data-connection={c.name}>
                <td className="mono">{c.name}</td>
                <td>
                  <span className={`badge kind-${c.kind}`}>{t(`connections.kinds.${c.kind}`, { defaultValue: c.kind })}</span>
                </td>
                <td className="mono small break" data-stat="target">
                  {c.target}
                </td>
                <td>{c.created_by}</td>
                <td>{formatDateTime(c.created_at, locale)}</td>
                {manage && (
                  <td className="right">
                    <button
                      type="button"
                      className="btn small danger"
                      disabled={remove.isPending}
                      onClick={() => {
                        if (window.confirm(t('connections.confirmDelete', { name: c.name }))) remove.mutate(c.name);
                      }}
                    >
                      {t('connections.delete')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {manage && <AddConnection project={project} onAdded={() => queryClient.invalidateQueries({ queryKey: connectionsKey(project) })} />}
    </section>
  );
}

function AddConnection({ project, onAdded }: { project: string; onAdded: () => Promise<void> }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<string>('postgresql');
  const [target, setTarget] = useState('');
  const [reveal, setReveal] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const m = useMutation({
    mutationFn: () => createConnection(project, { name: name.trim(), kind, target: target.trim() }),
    onSuccess: async () => {
      setName('');
      setTarget('');
      await onAdded();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = connectionProblem({ name, kind, target });
    setProblem(p);
    if (!p) m.mutate();
  };
  // A PostgreSQL target usually carries a password: keep it off the screen unless asked.
  const secret = kind === 'postgresql' && !reveal;
  return (
    <form className="card form" onSubmit={submit} data-testid="connection-form">
      <h3>{t('connections.add')}</h3>
      <div className="row">
        <label className="field">
          <span>{t('connections.name')}</span>
          <input name="connection-name" className="mono" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label className="field">
          <span>{t('connections.kind')}</span>
          <select name="connection-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            {CONNECTION_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`connections.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="field">
        <span>{t('connections.target')}</span>
        <input
          name="connection-target"
          className="mono"
          type={secret ? 'password' : 'text'}
          autoComplete="off"
          placeholder={kind === 'sqlite' ? '/srv/data/sales.db' : 'host=db.internal port=5432 dbname=app user=reader password=…'}
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          required
        />
        <small className="hint">{kind === 'sqlite' ? t('connections.sqliteHint') : t('connections.postgresHint')}</small>
      </label>
      {kind === 'postgresql' && (
        <label className="check">
          <input type="checkbox" checked={reveal} onChange={(e) => setReveal(e.target.checked)} />
          {t('connections.showTarget')}
        </label>
      )}
      {problem && (
        <div className="error-box" role="alert">
          {t(problem)}
        </div>
      )}
      <ErrorBox error={m.error} />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={m.isPending}>
          {t('connections.create')}
        </button>
      </div>
    </form>
  );
}
