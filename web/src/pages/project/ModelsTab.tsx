// A project's registered models (REG-1): version counts, latest version, stages and aliases,
// filtered on the server with MLflow's search grammar (`name LIKE 'churn%'`, `tags.team = 'risk'`);
// holders of model.register import a Triton model repository here.
import { useState, type FormEvent } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { listModels } from '../../api/endpoints';
import { useAuth } from '../../components/auth';
import { StageChip } from '../../components/StageChip';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTimeShort } from '../../lib/format';
import { aliasList, modelPath, stageCounts, versionPath } from '../../lib/registry';
import { ImportRepositoryForm } from '../model/ImportRepositoryForm';

export const modelsKey = (project: string, filter = '') => ['models', project, filter];

export function ModelsTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { can } = useAuth();
  const mayRegister = can('model.register', project);
  const [importing, setImporting] = useState(false);
  const [text, setText] = useState('');
  const [filter, setFilter] = useState('');
  const q = useQuery({
    queryKey: modelsKey(project, filter),
    queryFn: () => listModels(project, filter || undefined),
    placeholderData: keepPreviousData,
  });
  const filterError = q.error instanceof ApiError && q.error.status === 400 ? q.error : null;
  const models = filterError ? [] : (q.data?.models ?? []);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter(text.trim());
  };
  return (
    <section data-testid="models">
      <div className="section-head">
        <h2>{t('registry.title')}</h2>
        {mayRegister && (
          <button type="button" className="btn" onClick={() => setImporting(true)} data-testid="import-repository">
            {t('registry.import.open')}
          </button>
        )}
      </div>
      {importing && <ImportRepositoryForm project={project} onClose={() => setImporting(false)} />}
      <p className="muted small">{t('registry.hint')}</p>
      <form className="filter-bar" onSubmit={apply} role="search">
        <input
          className={filterError ? 'mono filter-input invalid' : 'mono filter-input'}
          type="search"
          name="model-filter"
          spellCheck={false}
          placeholder="name LIKE 'churn%' AND tags.team = 'risk'"
          aria-label={t('registry.filter')}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="btn">
          {t('runs.applyFilter')}
        </button>
        {filter && (
          <button
            type="button"
            className="btn ghost"
            onClick={() => {
              setText('');
              setFilter('');
            }}
          >
            {t('runs.clearFilter')}
          </button>
        )}
      </form>
      {filterError && (
        <div className="error-box" role="alert" data-testid="model-filter-error">
          {t('runs.filterError')} {filterError.message}
        </div>
      )}
      {q.isPending && <Loading />}
      <ErrorBox error={filterError ? null : q.error} />
      {q.data && !filterError && models.length === 0 && <Empty>{filter ? t('registry.noMatch') : t('registry.empty')}</Empty>}
      {models.length > 0 && (
        <div className="table-scroll">
          <table className="table" data-testid="models-table">
            <thead>
              <tr>
                <th>{t('registry.model')}</th>
                <th className="right">{t('registry.versionCount')}</th>
                <th>{t('registry.latest')}</th>
                <th>{t('registry.stagesCol')}</th>
                <th>{t('registry.aliases')}</th>
                <th>{t('registry.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {models.map((m) => (
                <tr key={m.id} data-model={m.name}>
                  <td>
                    <Link to={modelPath(m.name)}>{m.name}</Link>
                    {m.description && <div className="muted small">{m.description}</div>}
                  </td>
                  <td className="right mono" data-stat="versions">
                    {m.version_count}
                  </td>
                  <td className="mono" data-stat="latest">
                    {m.latest_version !== null ? <Link to={versionPath(m.name, m.latest_version)}>v{m.latest_version}</Link> : '—'}
                  </td>
                  <td className="stage-counts" data-stat="stages">
                    {stageCounts(m.stages).map(({ stage, count }) => (
                      <span key={stage} title={t(`registry.stages.${stage}`)}>
                        <StageChip stage={stage} /> <span className="mono small">{count}</span>{' '}
                      </span>
                    ))}
                  </td>
                  <td data-stat="aliases">
                    {aliasList(m.aliases).map(([a, v]) => (
                      <span key={a} className="badge alias">
                        @{a} → v{v}
                      </span>
                    ))}
                  </td>
                  <td className="small nowrap">{formatDateTimeShort(m.updated_at, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
