import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { searchDatasets } from '../../api/endpoints';
import { datasetPath, SensitiveBadge, Tags } from '../../components/DataStatusChip';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatDateTime } from '../../lib/format';

/** The metadata catalog: datasets of every project the user can see, searched by the server. */
export function DatasetSearchPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  const [draft, setDraft] = useState(query);
  useEffect(() => setDraft(query), [query]);
  const q = useQuery({ queryKey: ['datasetSearch', query], queryFn: () => searchDatasets(query), placeholderData: keepPreviousData });
  const datasets = q.data?.datasets ?? [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setParams(draft.trim() ? { q: draft.trim() } : {}, { replace: true });
  };
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>{t('datasets.searchTitle')}</h1>
          <p className="muted">{t('datasets.searchSubtitle')}</p>
        </div>
      </div>
      <form className="filter-bar" onSubmit={submit} role="search">
        <input
          type="search"
          name="q"
          className="filter-input"
          placeholder={t('datasets.searchPlaceholder')}
          aria-label={t('datasets.searchPlaceholder')}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" className="btn primary">
          {t('datasets.searchButton')}
        </button>
        {q.data && <span className="muted small">{t('datasets.found', { count: datasets.length })}</span>}
      </form>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && datasets.length === 0 && <Empty>{query ? t('datasets.noMatch', { q: query }) : t('datasets.noDatasets')}</Empty>}
      {datasets.length > 0 && (
        <table className="table" data-testid="dataset-results">
          <thead>
            <tr>
              <th>{t('datasets.name')}</th>
              <th>{t('datasets.project')}</th>
              <th>{t('datasets.domain')}</th>
              <th>{t('datasets.tags')}</th>
              <th>{t('datasets.description')}</th>
              <th>{t('datasets.created')}</th>
            </tr>
          </thead>
          <tbody>
            {datasets.map((d) => (
              <tr key={`${d.project}/${d.name}`}>
                <td>
                  <Link to={datasetPath(d.project, d.name)}>{d.name}</Link>
                  {d.sensitive && <SensitiveBadge />}
                </td>
                <td>
                  <Link to={`/projects/${encodeURIComponent(d.project)}?tab=datasets`}>{d.project}</Link>
                </td>
                <td>{t(`domains.${d.domain}`, { defaultValue: d.domain })}</td>
                <td>
                  <Tags tags={d.tags} />
                </td>
                <td className="muted">{d.description}</td>
                <td>{formatDateTime(d.created_at, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
