// "Import Triton repository" (docs/design/triton.md "Import"): an archive (tar, tar.gz or zip) of a
// Triton model repository — one exported here, or made for Triton — sent as the raw request body,
// with an optional model name. The server registers every version folder and answers them (with
// its notes), or refuses the repository with every problem it found and registers nothing.
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { importRepository } from '../../api/endpoints';
import { ErrorBox } from '../../components/Status';
import { Modal } from '../../components/Modal';
import { formatBytes } from '../../lib/format';
import { IMPORT_ACCEPT, importProblems } from '../../lib/modelcard';
import { versionPath } from '../../lib/registry';

export function ImportRepositoryForm({ project, onClose }: { project: string; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const m = useMutation({
    mutationFn: ({ archive, model }: { archive: File; model: string }) => importRepository(project, archive, model || undefined),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['models', project] });
      await qc.invalidateQueries({ queryKey: ['model'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) {
      setProblem('registry.import.needFile');
      return;
    }
    setProblem(null);
    m.mutate({ archive: file, model: name.trim() });
  };
  const problems = importProblems(m.error);
  const done = m.data;
  return (
    <Modal title={t('registry.import.title')} onClose={onClose}>
      {done ? (
        <div className="form" data-testid="import-done">
          <p className="pass">{t('registry.import.registered', { count: done.versions.length })}</p>
          <ul className="plain-list" data-testid="imported-versions">
            {done.versions.map((v) => (
              <li key={v.id}>
                <Link to={versionPath(v.model, v.version)} onClick={onClose}>
                  {v.model} v{v.version}
                </Link>{' '}
                <span className="muted small mono">{v.source}</span>
              </li>
            ))}
          </ul>
          {done.ensembles.length > 0 && (
            <p className="muted small" data-testid="import-ensembles">
              {t('registry.import.ensembles', { names: done.ensembles.join(', ') })}
            </p>
          )}
          {done.notes.length > 0 && (
            <>
              <h3>{t('registry.import.notes')}</h3>
              <ul className="small" data-testid="import-notes">
                {done.notes.map((n, i) => (
                  <li key={i}>{n}</li>
                ))}
              </ul>
            </>
          )}
          <div className="form-actions">
            <button type="button" className="btn" onClick={onClose}>
              {t('common.close')}
            </button>
          </div>
        </div>
      ) : (
        <form className="form" onSubmit={submit} data-testid="import-form" noValidate>
          <p className="muted small">{t('registry.import.hint', { project })}</p>
          <label className="field">
            <span>{t('registry.import.file')}</span>
            <input
              type="file"
              name="repository-file"
              accept={IMPORT_ACCEPT}
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setProblem(null);
                m.reset();
              }}
            />
            <small className="hint">
              {file ? t('registry.import.chosen', { name: file.name, size: formatBytes(file.size) }) : t('registry.import.fileHint')}
            </small>
          </label>
          <label className="field">
            <span>{t('registry.import.model')}</span>
            <input
              name="import-model"
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                m.reset();
              }}
            />
            <small className="hint">{t('registry.import.modelHint')}</small>
          </label>
          {problem && (
            <p className="hint error" role="alert">
              {t(problem)}
            </p>
          )}
          <div data-testid="import-error">
            <ErrorBox error={m.error} />
            {problems.length > 0 && (
              <>
                <p className="small">{t('registry.import.problems', { count: problems.length })}</p>
                <ul className="import-problems" data-testid="import-problems">
                  {problems.map((p, i) => (
                    <li key={i} className="mono small break">
                      {p}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
          <div className="form-actions">
            <button type="button" className="btn" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn primary" disabled={m.isPending}>
              {m.isPending ? t('registry.import.sending') : t('registry.import.submit')}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
