import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { createEnvironment, deleteEnvironment, getEnvironment, listEnvironments, listEnvRevisions, updateEnvironment } from '../../api/endpoints';
import type { Environment } from '../../api/types';
import { useAuth } from '../../components/auth';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { EMPTY_ENV_FORM, environmentBody, formFromEnvironment, type EnvForm, type EnvProblem } from '../../lib/envcode';
import { formatDateTimeShort } from '../../lib/format';

const envsKey = (project: string) => ['environments', project];

/**
 * A project's development and inference environments (PRJ-6): list, one environment's spec with
 * its revisions, and a create/edit form with variables (secret ones never shown back), parameters
 * and reference paths. Editing makes a new revision; jobs name an environment in
 * payload.environment and run with the revision current when they were submitted.
 */
export function EnvironmentsTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const write = can('environment.write', project);
  const [editing, setEditing] = useState<Environment | 'new' | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const q = useQuery({ queryKey: envsKey(project), queryFn: () => listEnvironments(project) });
  const envs = q.data?.environments ?? [];
  return (
    <section data-testid="environments">
      <div className="section-head">
        <h2>{t('env.title')}</h2>
        {write && editing === null && (
          <button type="button" className="btn primary" onClick={() => setEditing('new')}>
            {t('env.create')}
          </button>
        )}
      </div>
      <p className="muted small">{t('env.hint')}</p>
      {editing !== null && (
        <EnvironmentForm
          project={project}
          current={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(e) => {
            setEditing(null);
            setOpen(e.name);
          }}
        />
      )}
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && envs.length === 0 && <Empty>{t('env.empty')}</Empty>}
      {envs.length > 0 && (
        <div className="table-scroll">
          <table className="table" data-testid="env-table">
            <thead>
              <tr>
                <th>{t('env.name')}</th>
                <th>{t('env.kind')}</th>
                <th className="right">{t('env.revision')}</th>
                <th>{t('env.resources')}</th>
                <th>{t('env.image')}</th>
                <th className="right">{t('env.variables')}</th>
                <th>{t('env.revised')}</th>
              </tr>
            </thead>
            <tbody>
              {envs.map((e) => (
                <tr key={e.name} data-env={e.name}>
                  <td>
                    <button type="button" className="link-button" onClick={() => setOpen(open === e.name ? null : e.name)}>
                      {e.name}
                    </button>
                  </td>
                  <td>{t(`env.kinds.${e.kind}`)}</td>
                  <td className="right mono">{e.revision}</td>
                  <td className="small nowrap">{t('env.resourcesText', { cpus: e.resources.cpus, memory: e.resources.memory_mb, gpus: e.resources.gpus })}</td>
                  <td className="mono small">{e.image}</td>
                  <td className="right mono">{e.variables.length}</td>
                  <td className="small nowrap">{e.revised_by}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && <EnvironmentDetail project={project} name={open} write={write} onEdit={(e) => setEditing(e)} onDeleted={() => setOpen(null)} />}
    </section>
  );
}

function EnvironmentDetail(props: { project: string; name: string; write: boolean; onEdit: (e: Environment) => void; onDeleted: () => void }) {
  const { project, name } = props;
  const { t } = useTranslation();
  const locale = useLocale();
  const queryClient = useQueryClient();
  const [revision, setRevision] = useState<number | undefined>(undefined);
  const q = useQuery({ queryKey: ['environment', project, name, revision], queryFn: () => getEnvironment(project, name, revision) });
  const revs = useQuery({ queryKey: ['environment-revisions', project, name], queryFn: () => listEnvRevisions(project, name) });
  const del = useMutation({
    mutationFn: () => deleteEnvironment(project, name),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: envsKey(project) });
      props.onDeleted();
    },
  });
  const e = q.data?.environment;
  return (
    <div className="card" data-testid="env-detail">
      {q.isPending && <Loading />}
      <ErrorBox error={q.error ?? del.error} />
      {e && (
        <>
          <div className="section-head">
            <h3>
              {e.name} <span className="badge">{t(`env.kinds.${e.kind}`)}</span>{' '}
              <span className="muted small">{t('env.revisionOf', { revision: e.revision, latest: e.latest_revision })}</span>
            </h3>
            {props.write && e.revision === e.latest_revision && (
              <span className="row">
                <button type="button" className="btn" onClick={() => props.onEdit(e)}>
                  {t('env.edit')}
                </button>
                <button
                  type="button"
                  className="btn danger"
                  onClick={() => {
                    if (window.confirm(t('env.confirmDelete', { name: e.name }))) del.mutate();
                  }}
                >
                  {t('env.delete')}
                </button>
              </span>
            )}
          </div>
          {e.description && <p>{e.description}</p>}
          <dl className="kv">
            <dt>{t('env.image')}</dt>
            <dd className="mono">{e.image || t('env.noImage')}</dd>
            <dt>{t('env.isolation')}</dt>
            <dd>{t('env.isolationHost')}</dd>
            <dt>{t('env.resources')}</dt>
            <dd>{t('env.resourcesText', { cpus: e.resources.cpus, memory: e.resources.memory_mb, gpus: e.resources.gpus })}</dd>
          </dl>
          <h4>{t('env.variables')}</h4>
          {e.variables.length === 0 ? (
            <p className="muted small">{t('env.noVariables')}</p>
          ) : (
            <table className="table" data-testid="env-variables">
              <tbody>
                {e.variables.map((v) => (
                  <tr key={v.name}>
                    <td className="mono">{v.name}</td>
                    <td className="mono">{v.secret ? <span className="muted">{t('env.secretMasked')}</span> : v.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h4>{t('env.parameters')}</h4>
          <pre className="mono small">{JSON.stringify(e.parameters, null, 2)}</pre>
          <h4>{t('env.references')}</h4>
          {e.references.length === 0 ? (
            <p className="muted small">{t('env.noReferences')}</p>
          ) : (
            <ul className="mono small">
              {e.references.map((r) => (
                <li key={r.name}>
                  {r.name} → {r.path} <span className="muted">(MOEBIUS_REF_{r.name.toUpperCase()})</span>
                </li>
              ))}
            </ul>
          )}
          <h4>{t('env.revisions')}</h4>
          <table className="table" data-testid="env-revisions">
            <tbody>
              {(revs.data?.revisions ?? []).map((r) => (
                <tr key={r.revision} className={r.revision === e.revision ? 'selected' : ''}>
                  <td className="mono">
                    <button type="button" className="link-button" onClick={() => setRevision(r.revision === e.latest_revision ? undefined : r.revision)}>
                      {t('env.revisionN', { revision: r.revision })}
                    </button>
                  </td>
                  <td className="small nowrap">{formatDateTimeShort(r.created_at, locale)}</td>
                  <td>{r.created_by}</td>
                  <td>{r.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

function EnvironmentForm(props: { project: string; current: Environment | null; onClose: () => void; onSaved: (e: Environment) => void }) {
  const { project, current } = props;
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<EnvForm>(current ? formFromEnvironment(current) : { ...EMPTY_ENV_FORM, variables: [] });
  const [problem, setProblem] = useState<EnvProblem | null>(null);
  const set = (k: keyof EnvForm) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const m = useMutation({
    mutationFn: (body: Record<string, unknown>) => (current ? updateEnvironment(project, current.name, body) : createEnvironment(project, body)),
    onSuccess: async (r) => {
      await queryClient.invalidateQueries({ queryKey: envsKey(project) });
      await queryClient.invalidateQueries({ queryKey: ['environment', project, r.environment.name] });
      await queryClient.invalidateQueries({ queryKey: ['environment-revisions', project, r.environment.name] });
      props.onSaved(r.environment);
    },
  });
  const setVar = (i: number, patch: Partial<EnvForm['variables'][number]>) =>
    setForm((f) => ({ ...f, variables: f.variables.map((v, j) => (j === i ? { ...v, ...patch } : v)) }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = environmentBody(form, !current);
    setProblem(r.ok ? null : r.problem);
    m.reset();
    if (r.ok) m.mutate(r.value);
  };
  return (
    <form className="card form" onSubmit={submit} data-testid="env-form">
      <h3>{current ? t('env.editTitle', { name: current.name }) : t('env.createTitle')}</h3>
      {!current && (
        <label className="field">
          <span>{t('env.name')}</span>
          <input name="env-name" value={form.name} onChange={set('name')} placeholder="train-gpu" />
        </label>
      )}
      <div className="row">
        <label className="field">
          <span>{t('env.kind')}</span>
          <select name="env-kind" value={form.kind} onChange={set('kind')}>
            <option value="development">{t('env.kinds.development')}</option>
            <option value="inference">{t('env.kinds.inference')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('env.image')}</span>
          <input name="env-image" className="mono" value={form.image} onChange={set('image')} placeholder="registry.example.com/team/train:1.4" />
        </label>
      </div>
      <small className="hint">{t('env.imageHint')}</small>
      <label className="field">
        <span>{t('env.description')}</span>
        <input name="env-description" value={form.description} onChange={set('description')} />
      </label>
      <div className="row">
        <label className="field narrow-num">
          <span>{t('jobs.cpus')}</span>
          <input name="env-cpus" type="number" step="0.5" className="mono" value={form.cpus} onChange={set('cpus')} />
        </label>
        <label className="field narrow-num">
          <span>{t('jobs.memoryMb')}</span>
          <input name="env-memory" type="number" className="mono" value={form.memoryMb} onChange={set('memoryMb')} />
        </label>
        <label className="field narrow-num">
          <span>{t('jobs.gpus')}</span>
          <input name="env-gpus" type="number" className="mono" value={form.gpus} onChange={set('gpus')} />
        </label>
      </div>
      <div className="field">
        <span>{t('env.variables')}</span>
        {form.variables.map((v, i) => (
          <div className="row" key={i} data-testid="env-var-row">
            <input name={`env-var-name-${i}`} className="mono" value={v.name} placeholder="NAME" aria-label={t('env.varName')} onChange={(e) => setVar(i, { name: e.target.value })} />
            <input
              name={`env-var-value-${i}`}
              className="mono"
              type={v.secret ? 'password' : 'text'}
              value={v.value}
              placeholder={v.keep ? t('env.secretKeep') : t('env.varValue')}
              aria-label={t('env.varValue')}
              onChange={(e) => setVar(i, { value: e.target.value })}
            />
            <label className="check">
              <input name={`env-var-secret-${i}`} type="checkbox" checked={v.secret} onChange={(e) => setVar(i, { secret: e.target.checked, keep: false })} />
              {t('env.secret')}
            </label>
            <button type="button" className="btn small" onClick={() => setForm((f) => ({ ...f, variables: f.variables.filter((_, j) => j !== i) }))}>
              {t('env.removeVar')}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="btn small"
          data-testid="env-add-var"
          onClick={() => setForm((f) => ({ ...f, variables: [...f.variables, { name: '', value: '', secret: false, keep: false }] }))}
        >
          {t('env.addVar')}
        </button>
        <small className="hint">{t('env.variablesHint')}</small>
      </div>
      <label className="field">
        <span>{t('env.parameters')}</span>
        <textarea name="env-parameters" className="mono" rows={3} spellCheck={false} value={form.parameters} onChange={set('parameters')} />
        <small className="hint">{t('env.parametersHint')}</small>
      </label>
      <label className="field">
        <span>{t('env.references')}</span>
        <textarea name="env-references" className="mono" rows={2} spellCheck={false} value={form.references} onChange={set('references')} placeholder="vocab=/srv/ref/vocab.txt" />
        <small className="hint">{t('env.referencesHint')}</small>
      </label>
      <label className="field">
        <span>{t('env.message')}</span>
        <input name="env-message" value={form.message} onChange={set('message')} />
      </label>
      {problem && (
        <div className="error-box" role="alert" data-testid="env-problem">
          {problem.line !== undefined ? t('env.problems.atLine', { line: problem.line, problem: t(problem.key) }) : t(problem.key)}
        </div>
      )}
      <div data-testid="env-error">
        <ErrorBox error={m.error} title={t('env.refused')} />
      </div>
      <div className="form-actions">
        <button type="button" className="btn" onClick={props.onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn primary" disabled={m.isPending}>
          {current ? t('env.saveRevision') : t('env.createButton')}
        </button>
      </div>
    </form>
  );
}
