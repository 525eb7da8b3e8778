// "Register model" (REG-1) from a run's artifact folder or a confirmed package: the model name
// (existing models of the project are offered), the folder within the source, and a note. The
// server inspects the folder (format, signature) and answers the new version or says what the
// folder lacks.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { listModels, registerModelVersion } from '../../api/endpoints';
import type { ModelVersion } from '../../api/types';
import { Modal } from '../../components/Modal';
import { ErrorBox } from '../../components/Status';
import { registerRequest, versionPath, type RegisterSource } from '../../lib/registry';

export function RegisterModelForm({
  project,
  source,
  defaultName = '',
  defaultPath = 'model',
  onClose,
}: {
  project: string;
  source: RegisterSource;
  defaultName?: string;
  defaultPath?: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState(defaultName);
  const [path, setPath] = useState(defaultPath);
  const [description, setDescription] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<ModelVersion | null>(null);
  const existing = useQuery({ queryKey: ['models', project, ''], queryFn: () => listModels(project) });
  const m = useMutation({
    mutationFn: (r: { model: string; body: Parameters<typeof registerModelVersion>[2] }) => registerModelVersion(project, r.model, r.body),
    onSuccess: async (res) => {
      setCreated(res.version);
      await qc.invalidateQueries({ queryKey: ['models', project] });
      await qc.invalidateQueries({ queryKey: ['model', res.version.model] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = registerRequest(name, path, source, description);
    if (!r.ok) {
      setProblem(r.error);
      return;
    }
    setProblem(null);
    m.mutate(r.value);
  };
  const from = 'run_id' in source ? t('registry.fromRun', { run: source.run_id.slice(0, 12) }) : t('registry.fromPackage', { id: source.package_id });
  return (
    <Modal title={t('registry.register')} onClose={onClose}>
      {created ? (
        <div className="form" data-testid="register-done">
          <p className="pass">
            {t('registry.registered', { model: created.model, version: created.version })}{' '}
            <Link to={versionPath(created.model, created.version)} data-testid="new-version-link" onClick={onClose}>
              {t('registry.openVersion', { version: created.version })}
            </Link>
          </p>
          <div className="form-actions">
            <button type="button" className="btn" onClick={onClose}>
              {t('common.close')}
            </button>
          </div>
        </div>
      ) : (
        <form className="form" onSubmit={submit} data-testid="register-form">
          <p className="muted small">{from}</p>
          <label className="field">
            <span>{t('registry.modelName')}</span>
            <input
              name="model-name"
              required
              autoFocus
              list="register-model-names"
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                m.reset();
              }}
            />
            <datalist id="register-model-names">
              {(existing.data?.models ?? []).map((x) => (
                <option key={x.id} value={x.name} />
              ))}
            </datalist>
            <small className="hint">{t('registry.modelNameHint')}</small>
          </label>
          <label className="field">
            <span>{t('registry.path')}</span>
            <input name="model-path" className="mono" value={path} onChange={(e) => {
                setPath(e.target.value);
                m.reset();
              }} />
            <small className="hint">{t('registry.pathHint')}</small>
          </label>
          <label className="field">
            <span>{t('registry.description')}</span>
            <input name="model-description" value={description} onChange={(e) => setDescription(e.target.value)} />
          </label>
          {problem && (
            <div className="hint error" role="alert">
              {t(problem)}
            </div>
          )}
          <div data-testid="register-error">
            <ErrorBox error={m.error} />
          </div>
          <div className="form-actions">
            <button type="button" className="btn" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn primary" disabled={m.isPending}>
              {t('registry.registerSubmit')}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
