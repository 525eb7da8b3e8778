import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { createProject, listProjectsWithSummary } from '../../api/endpoints';
import { useAuth } from '../../components/auth';
import { Modal } from '../../components/Modal';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTime } from '../../lib/format';

export const PROJECT_NAME = /^[a-z0-9][a-z0-9-_]{0,62}$/;

export function ProjectsPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { can } = useAuth();
  const [creating, setCreating] = useState(false);
  const [filter, setFilter] = useState('');
  const q = useQuery({ queryKey: ['projects', 'summary'], queryFn: listProjectsWithSummary });
  const projects = (q.data?.projects ?? []).filter((p) => {
    const f = filter.trim().toLowerCase();
    return !f || p.name.includes(f) || (p.display_name ?? '').toLowerCase().includes(f);
  });

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>{t('projects.title')}</h1>
          <p className="muted">{t('projects.subtitle')}</p>
        </div>
        <div className="actions">
          <input
            className="search"
            type="search"
            placeholder={t('projects.search')}
            aria-label={t('projects.search')}
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
          {can('project.create') && (
            <button type="button" className="btn primary" onClick={() => setCreating(true)}>
              {t('projects.new')}
            </button>
          )}
        </div>
      </div>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && projects.length === 0 && (
        <Empty>{filter ? t('projects.noMatch') : t('projects.empty')}</Empty>
      )}
      {projects.length > 0 && (
        <div className="card-grid">
          {projects.map((p) => (
            <Link key={p.name} to={`/projects/${encodeURIComponent(p.name)}`} className="card project-card">
              <div className="project-card-head">
                <h3>{p.display_name || p.name}</h3>
                {p.archived && <span className="badge">{t('projects.archived')}</span>}
              </div>
              <div className="mono muted small">{p.name}</div>
              {p.description && <p className="project-desc">{p.description}</p>}
              {p.summary && (
                <div className="project-counts small" data-testid="project-counts">
                  <span>{t('projects.experimentsN', { count: p.summary.experiments })}</span>
                  <span>{t('projects.datasetsN', { count: p.summary.datasets })}</span>
                  {p.summary.active_jobs > 0 && <span className="running">{t('projects.activeJobsN', { count: p.summary.active_jobs })}</span>}
                </div>
              )}
              <div className="muted small">
                {p.summary?.last_activity
                  ? t('projects.lastActivity', { date: formatDateTime(p.summary.last_activity, locale) })
                  : p.created_at
                    ? t('projects.createdAt', { date: formatDateTime(p.created_at, locale) })
                    : ''}
              </div>
            </Link>
          ))}
        </div>
      )}
      {creating && <CreateProject onClose={() => setCreating(false)} />}
    </div>
  );
}

function CreateProject({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [description, setDescription] = useState('');
  const nameValid = PROJECT_NAME.test(name);
  const m = useMutation({
    mutationFn: () =>
      createProject({
        name,
        display_name: displayName.trim() || undefined,
        description: description.trim() || undefined,
      }),
    onSuccess: async (res) => {
      await queryClient.invalidateQueries({ queryKey: ['projects'] });
      await queryClient.invalidateQueries({ queryKey: ['auth'] });
      onClose();
      navigate(`/projects/${encodeURIComponent(res.project?.name ?? name)}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (nameValid) m.mutate();
  };
  return (
    <Modal title={t('projects.new')} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <label className="field">
          <span>{t('projects.name')}</span>
          <input
            name="name"
            required
            autoFocus
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={name !== '' && !nameValid}
          />
          <small className={name !== '' && !nameValid ? 'hint error' : 'hint'}>{t('projects.nameRule')}</small>
        </label>
        <label className="field">
          <span>{t('projects.displayName')}</span>
          <input name="display_name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('projects.description')}</span>
          <textarea name="description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <ErrorBox error={m.error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn primary" disabled={!nameValid || m.isPending}>
            {t('common.create')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
