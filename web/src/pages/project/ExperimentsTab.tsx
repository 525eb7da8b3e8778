import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { createExperiment, listExperiments } from '../../api/endpoints';
import { Modal } from '../../components/Modal';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTime } from '../../lib/format';

export function ExperimentsTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [creating, setCreating] = useState(false);
  const q = useQuery({ queryKey: ['experiments', project], queryFn: () => listExperiments(project) });
  const experiments = q.data?.experiments ?? [];
  return (
    <section>
      <div className="section-head">
        <h2>{t('experiments.title')}</h2>
        <button type="button" className="btn primary" onClick={() => setCreating(true)}>
          {t('experiments.new')}
        </button>
      </div>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && experiments.length === 0 && <Empty>{t('experiments.empty')}</Empty>}
      {experiments.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>{t('experiments.name')}</th>
              <th>{t('experiments.id')}</th>
              <th>{t('experiments.created')}</th>
              <th>{t('experiments.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {experiments.map((e) => (
              <tr key={e.experiment_id}>
                <td>
                  <Link
                    to={`/projects/${encodeURIComponent(project)}/experiments/${encodeURIComponent(e.experiment_id)}`}
                  >
                    {e.name}
                  </Link>
                  {e.lifecycle_stage === 'deleted' && <span className="badge">{t('experiments.deleted')}</span>}
                </td>
                <td className="mono">{e.experiment_id}</td>
                <td>{formatDateTime(e.creation_time, locale)}</td>
                <td>{formatDateTime(e.last_update_time, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && <CreateExperiment project={project} onClose={() => setCreating(false)} />}
    </section>
  );
}

function CreateExperiment({ project, onClose }: { project: string; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const m = useMutation({
    mutationFn: () => createExperiment(project, name.trim()),
    onSuccess: async (res) => {
      await queryClient.invalidateQueries({ queryKey: ['experiments', project] });
      onClose();
      const id = res.experiment?.experiment_id;
      if (id) navigate(`/projects/${encodeURIComponent(project)}/experiments/${encodeURIComponent(id)}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) m.mutate();
  };
  return (
    <Modal title={t('experiments.new')} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span>{t('experiments.name')}</span>
          <input name="name" required autoFocus value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <ErrorBox error={m.error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn primary" disabled={!name.trim() || m.isPending}>
            {t('common.create')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
