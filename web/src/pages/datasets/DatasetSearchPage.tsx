import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { searchDatasets } from '../../api/endpoints';
import { datasetPath, SensitiveBadge } from '../../components/DataStatusChip';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { addCatalogTerm, columnNeedles, highlightSegments, matchesAny, tagNeedles, type CatalogField } from '../../lib/catalog';
import { formatDateTime } from '../../lib/format';

const COLUMNS_SHOWN = 12;

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
  const search = (next: string) => setParams(next.trim() ? { q: next.trim() } : {}, { replace: true });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    search(draft);
  };
  const refine = (field: CatalogField, value: string) => search(addCatalogTerm(query, field, value));
  const colNeedles = columnNeedles(query);
  const tNeedles = tagNeedles(query);
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
      <p className="muted small search-hint" data-testid="search-hint">
        {t('datasets.searchHint')} <code>name:</code> <code>tag:</code> <code>column:</code> <code>domain:</code> ·{' '}
        {t('datasets.searchExample')} <code>tag:sales column:price</code>
      </p>
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
              <th>{t('datasets.columns')}</th>
              <th>{t('datasets.description')}</th>
              <th>{t('datasets.created')}</th>
            </tr>
          </thead>
          <tbody>
            {datasets.map((d) => (
              <tr key={`${d.project}/${d.name}`} data-dataset={d.name}>
                <td>
                  <Link to={datasetPath(d.project, d.name)}>{d.name}</Link>
                  {d.sensitive && <SensitiveBadge />}
                </td>
                <td>
                  <Link to={`/projects/${encodeURIComponent(d.project)}?tab=datasets`}>{d.project}</Link>
                </td>
                <td>{t(`domains.${d.domain}`, { defaultValue: d.domain })}</td>
                <td>
                  <ChipList kind="tag" values={d.tags ?? []} needles={tNeedles} onPick={refine} />
                </td>
                <td>
                  <ChipList kind="column" values={d.columns ?? []} needles={colNeedles} onPick={refine} limit={COLUMNS_SHOWN} />
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

/**
 * Tags or table columns of a result as buttons: the part that matched the query is marked, and a
 * click adds `tag:` / `column:` with the value to the query.
 */
function ChipList({
  kind,
  values,
  needles,
  onPick,
  limit,
}: {
  kind: 'tag' | 'column';
  values: string[];
  needles: string[];
  onPick: (field: CatalogField, value: string) => void;
  limit?: number;
}) {
  const { t } = useTranslation();
  const [all, setAll] = useState(false);
  if (values.length === 0) return null;
  // Matched ones first, so a long column list still shows why the dataset was found.
  const sorted = [...values].sort((a, b) => Number(matchesAny(b, needles)) - Number(matchesAny(a, needles)));
  const shown = limit && !all ? sorted.slice(0, limit) : sorted;
  return (
    <span className="tag-list">
      {shown.map((v) => {
        const hit = matchesAny(v, needles);
        return (
          <button
            key={v}
            type="button"
            className={`tag chip-${kind}${hit ? ' chip-hit' : ''}`}
            data-testid={`${kind}-chip`}
            data-value={v}
            data-hit={hit ? 'true' : 'false'}
            title={t(kind === 'tag' ? 'datasets.refineTag' : 'datasets.refineColumn', { value: v })}
            onClick={() => onPick(kind, v)}
          >
            {highlightSegments(v, needles).map((seg, i) => (seg.hit ? <mark key={i}>{seg.text}</mark> : <span key={i}>{seg.text}</span>))}
          </button>
        );
      })}
      {limit && values.length > limit && (
        <button type="button" className="link-button small" onClick={() => setAll((x) => !x)}>
          {all ? t('datasets.fewerColumns') : t('datasets.moreColumns', { count: values.length - limit })}
        </button>
      )}
    </span>
  );
}
