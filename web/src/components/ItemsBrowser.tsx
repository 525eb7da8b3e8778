import { useState, type FormEvent } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ItemsPage } from '../api/types';
import { formatBytes } from '../lib/format';
import { Empty, ErrorBox, Loading } from './Status';

const PAGE = 100;

/** Items of a round or a version: a path prefix filter and pages of 100. */
export function ItemsBrowser({
  queryKey,
  fetchPage,
}: {
  queryKey: unknown[];
  fetchPage: (q: { offset: number; limit: number; prefix?: string }) => Promise<ItemsPage>;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState('');
  const [prefix, setPrefix] = useState('');
  const [offset, setOffset] = useState(0);
  const q = useQuery({
    queryKey: [...queryKey, 'items', prefix, offset],
    queryFn: () => fetchPage({ offset, limit: PAGE, prefix: prefix || undefined }),
    placeholderData: keepPreviousData,
  });
  const items = q.data?.items ?? [];
  const total = q.data?.total ?? 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setPrefix(draft.trim());
    setOffset(0);
  };
  return (
    <div className="items-browser" data-testid="items-browser">
      <form className="filter-bar" onSubmit={submit}>
        <input
          name="prefix"
          className="mono"
          placeholder={t('items.prefix')}
          aria-label={t('items.prefix')}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" className="btn">
          {t('items.filter')}
        </button>
        <span className="spacer" />
        {total > 0 && (
          <span className="muted small" data-testid="items-range">
            {t('items.range', { from: offset + 1, to: Math.min(offset + PAGE, total), total })}
          </span>
        )}
        <button type="button" className="btn small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          {t('items.prev')}
        </button>
        <button type="button" className="btn small" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
          {t('items.next')}
        </button>
      </form>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && items.length === 0 && <Empty>{t('items.empty')}</Empty>}
      {items.length > 0 && (
        <div className="table-scroll">
          <table className="table compact">
            <thead>
              <tr>
                <th>{t('items.path')}</th>
                <th className="right">{t('items.size')}</th>
                <th>{t('items.sha')}</th>
                <th>{t('items.meta')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((it) => (
                <tr key={it.path}>
                  <td className="mono break">{it.path}</td>
                  <td className="right">{formatBytes(it.size)}</td>
                  <td className="mono muted" title={it.sha256}>
                    {it.sha256.slice(0, 12)}
                  </td>
                  <td className="mono small break">{it.meta && Object.keys(it.meta).length > 0 ? JSON.stringify(it.meta) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
