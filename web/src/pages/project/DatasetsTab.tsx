import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { createDataset, listDatasets } from '../../api/endpoints';
import { useAuth } from '../../components/auth';
import { DATA_DOMAINS, datasetPath, SensitiveBadge, Tags } from '../../components/DataStatusChip';
import { Modal } from '../../components/Modal';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTime } from '../../lib/format';

export function DatasetsTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { can } = useAuth();
  const write = can('data.write', project);
  const [creating, setCreating] = useState(false);
  const q = useQuery({ queryKey: ['datasets', project], queryFn: () => listDatasets(project) });
  const datasets = q.data?.datasets ?? [];
  return (
    <section>
      <div className="section-head">
        <h2>{t('datasets.title')}</h2>
        {write && (
          <button type="button" className="btn primary" onClick={() => setCreating(true)}>
            {t('datasets.new')}
          </button>
        )}
      </div>
      {!write && q.data && <p className="muted small">{t('datasets.readOnly')}</p>}
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && datasets.length === 0 && <Empty>{t('datasets.empty')}</Empty>}
      {datasets.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>{t('datasets.name')}</th>
              <th>{t('datasets.domain')}</th>
              <th>{t('datasets.tags')}</th>
              <th>{t('datasets.description')}</th>
              <th>{t('datasets.createdBy')}</th>
              <th>{t('datasets.created')}</th>
            </tr>
          </thead>
          <tbody>
            {datasets.map((d) => (
              <tr key={d.name}>
                <td>
                  <Link to={datasetPath(project, d.name)}>{d.name}</Link>
                  {d.sensitive && <SensitiveBadge />}
                </td>
                <td>{t(`domains.${d.domain}`, { defaultValue: d.domain })}</td>
                <td>
                  <Tags tags={d.tags} />
                </td>
                <td className="muted">{d.description}</td>
                <td>{d.created_by}</td>
                <td>{formatDateTime(d.created_at, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && <CreateDataset project={project} onClose={() => setCreating(false)} />}
    </section>
  );
}

export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];
}

function CreateDataset({ project, onClose }: { project: string; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [domain, setDomain] = useState<string>('vision');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [sensitive, setSensitive] = useState(false);
  const m = useMutation({
    mutationFn: () =>
      createDataset(project, {
        name: name.trim(),
        domain,
        description: description.trim() || undefined,
        sensitive,
        tags: parseTags(tags),
      }),
    onSuccess: async (res) => {
      await queryClient.invalidateQueries({ queryKey: ['datasets', project] });
      onClose();
      navigate(datasetPath(project, res.dataset?.name ?? name.trim()));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) m.mutate();
  };
  return (
    <Modal title={t('datasets.new')} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span>{t('datasets.name')}</span>
          <input name="name" required autoFocus value={name} onChange={(e) => setName(e.target.value)} />
          <small className="hint">{t('datasets.nameRule')}</small>
        </label>
        <label className="field">
          <span>{t('datasets.domain')}</span>
          <select name="domain" value={domain} onChange={(e) => setDomain(e.target.value)}>
            {DATA_DOMAINS.map((d) => (
              <option key={d} value={d}>
                {t(`domains.${d}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('datasets.description')}</span>
          <textarea name="description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('datasets.tags')}</span>
          <input name="tags" placeholder={t('datasets.tagsHint')} value={tags} onChange={(e) => setTags(e.target.value)} />
        </label>
        <label className="check">
          <input type="checkbox" name="sensitive" checked={sensitive} onChange={(e) => setSensitive(e.target.checked)} />
          {t('datasets.sensitive')}
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
