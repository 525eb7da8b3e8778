import { useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getVersionStats } from '../../api/endpoints';
import type { ColumnStats, DataVersion } from '../../api/types';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { COLUMN_KIND_FILTERS, filterColumns, formatPercent, isNumericType, missingShare, type ColumnKindFilter } from '../../lib/analysis';
import { formatNumber } from '../../lib/format';
import { ColumnChart, CorrelationCard, ImportanceCard, LabelCard, Spark } from './StatsCharts';
import { DEFAULT_BINS, isNoTable, statsKey, TablePicker, useTableChoice } from './TablePicker';

const PAGE = 50;
const BINS = [DEFAULT_BINS, 20, 50] as const;

/**
 * Exploratory analysis of one table item of a version (FE-1): per-column statistics with a small
 * distribution sketch, the chosen column's chart, correlations, label balance and feature
 * importance against a label. The column table pages by 50 so that wide tables stay quick.
 */
export function StatsTab({ project, dataset, versions }: { project: string; dataset: string; versions: DataVersion[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [choice, setChoice] = useTableChoice(versions);
  const [bins, setBins] = useState<number>(DEFAULT_BINS);
  const q = useQuery({
    queryKey: statsKey(project, dataset, choice, bins),
    queryFn: () => getVersionStats(project, dataset, choice.version, { item: choice.item || undefined, label: choice.label || undefined, bins }),
    enabled: !!choice.version,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });
  if (versions.length === 0) return <Empty>{t('analysis.noVersions')}</Empty>;
  const stats = q.data?.stats;
  const noTable = isNoTable(q.error);
  return (
    <section data-testid="stats-tab">
      <div className="row analysis-controls">
        <TablePicker project={project} dataset={dataset} versions={versions} choice={choice} onChange={setChoice} withLabel />
        <label className="field narrow">
          <span>{t('stats.bins')}</span>
          <select name="bins" value={bins} onChange={(e) => setBins(Number(e.target.value))}>
            {BINS.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
      </div>
      {q.isPending && <Loading />}
      {noTable ? <Empty>{t('analysis.noTable')}</Empty> : <ErrorBox error={q.error} />}
      {stats && q.data && (
        <div className={q.isPlaceholderData ? 'stale' : undefined}>
          <div className="stat-row" data-testid="stats-summary">
            <div className="stat">
              <span className="muted small">{t('analysis.item')}</span>
              <strong className="mono small">{q.data.item}</strong>
            </div>
            <div className="stat">
              <span className="muted small">{t('stats.rows')}</span>
              <strong data-testid="stats-rows">{formatNumber(stats.rows, locale)}</strong>
            </div>
            <div className="stat">
              <span className="muted small">{t('stats.columns')}</span>
              <strong data-testid="stats-columns">{formatNumber(stats.columns.length, locale)}</strong>
            </div>
          </div>
          <ColumnsCard columns={stats.columns} key={`${choice.version}\u0000${q.data.item}`} />
          {stats.label && (
            <div className="two-col">
              <LabelCard label={stats.label} />
              <ImportanceCard importance={stats.importance ?? []} label={stats.label.column} />
            </div>
          )}
          <CorrelationCard correlations={stats.correlations} />
        </div>
      )}
    </section>
  );
}

function ColumnsCard({ columns }: { columns: ColumnStats[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [query, setQuery] = useState('');
  const [kind, setKind] = useState<ColumnKindFilter>('all');
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<string>(() => (columns.find((c) => c.histogram) ?? columns[0])?.name ?? '');
  const shown = useMemo(() => filterColumns(columns, query, kind), [columns, query, kind]);
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  const at = Math.min(page, pages - 1);
  const rows = shown.slice(at * PAGE, at * PAGE + PAGE);
  const current = columns.find((c) => c.name === selected);
  const num = (v: number | null | undefined) => (v === null || v === undefined ? '' : formatNumber(v, locale));
  return (
    <section className="card">
      <div className="section-head">
        <h2>{t('stats.columnsTitle')}</h2>
        <div className="filter-bar">
          <input
            type="search"
            className="search"
            placeholder={t('stats.filterColumns')}
            aria-label={t('stats.filterColumns')}
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setPage(0);
            }}
          />
          <div className="segmented" role="group" aria-label={t('stats.kind')}>
            {COLUMN_KIND_FILTERS.map((k) => (
              <button
                key={k}
                type="button"
                className={kind === k ? 'active' : ''}
                aria-pressed={kind === k}
                onClick={() => {
                  setKind(k);
                  setPage(0);
                }}
              >
                {t(`stats.kinds.${k}`)}
              </button>
            ))}
          </div>
        </div>
      </div>
      {current && <ColumnChart column={current} />}
      <div className="table-scroll">
        <table className="table compact stats-table" data-testid="column-table">
          <thead>
            <tr>
              <th>{t('stats.column')}</th>
              <th>{t('stats.type')}</th>
              <th className="right">{t('stats.count')}</th>
              <th className="right">{t('stats.missing')}</th>
              <th className="right">{t('stats.mean')}</th>
              <th className="right">{t('stats.std')}</th>
              <th className="right">{t('stats.min')}</th>
              <th className="right">25%</th>
              <th className="right">{t('stats.median')}</th>
              <th className="right">75%</th>
              <th className="right">{t('stats.max')}</th>
              <th className="right">{t('stats.unique')}</th>
              <th>{t('stats.distribution')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => {
              const numeric = isNumericType(c.type);
              const miss = missingShare(c);
              return (
                <tr
                  key={c.name}
                  className={c.name === selected ? 'selected-row clickable' : 'clickable'}
                  data-column={c.name}
                  onClick={() => setSelected(c.name)}
                >
                  <td>
                    <button type="button" className="link-button mono" aria-pressed={c.name === selected} onClick={() => setSelected(c.name)}>
                      {c.name}
                    </button>
                  </td>
                  <td>
                    <span className={`badge type-${c.type}`}>{t(`stats.types.${c.type}`, { defaultValue: c.type })}</span>
                  </td>
                  <td className="right" data-stat="count">{formatNumber(c.count, locale)}</td>
                  <td className={miss > 0 ? 'right warn' : 'right'} data-stat="missing" title={`${c.missing}`}>
                    {formatPercent(miss, locale)}
                  </td>
                  <td className="right" data-stat="mean">{numeric ? num(c.mean) : ''}</td>
                  <td className="right">{numeric ? num(c.std) : ''}</td>
                  <td className="right" data-stat="min">{numeric ? num(c.min) : ''}</td>
                  <td className="right">{numeric ? num(c.q25) : ''}</td>
                  <td className="right" data-stat="median">{numeric ? num(c.q50) : ''}</td>
                  <td className="right">{numeric ? num(c.q75) : ''}</td>
                  <td className="right" data-stat="max">{numeric ? num(c.max) : ''}</td>
                  <td className="right" data-stat="unique">{c.unique !== undefined ? formatNumber(c.unique, locale) : ''}</td>
                  <td>
                    <Spark column={c} label={t('stats.distributionOf', { column: c.name })} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {shown.length === 0 && <Empty>{t('stats.noColumns')}</Empty>}
      {pages > 1 && (
        <div className="filter-bar pager">
          <span className="muted small" data-testid="columns-range">
            {t('items.range', { from: at * PAGE + 1, to: Math.min((at + 1) * PAGE, shown.length), total: shown.length })}
          </span>
          <button type="button" className="btn small" disabled={at === 0} onClick={() => setPage(at - 1)}>
            {t('items.prev')}
          </button>
          <button type="button" className="btn small" disabled={at + 1 >= pages} onClick={() => setPage(at + 1)}>
            {t('items.next')}
          </button>
        </div>
      )}
    </section>
  );
}
