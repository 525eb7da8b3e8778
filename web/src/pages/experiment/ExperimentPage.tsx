import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { getExperiment, getProject, searchRuns } from '../../api/endpoints';
import type { Run } from '../../api/types';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { RunStatus } from '../../components/RunStatus';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import {
  cellValue,
  columnKey,
  defaultColumns,
  keysPresent,
  nextSort,
  parseColumnKey,
  toOrderBy,
  type ColumnId,
  type SortState,
} from '../../lib/columns';
import { formatDateTime, formatDateTimeShort, formatDuration, formatNumber } from '../../lib/format';
import { ColumnPicker } from './ColumnPicker';

const PAGE_SIZE = 200;
const ROW_HEIGHT = 36;
export const MIN_COMPARE = 2;
export const MAX_COMPARE = 10;

interface FixedColumn {
  id: string;
  label: string;
  width: number;
  sort?: ColumnId;
}

function loadColumns(experimentId: string): ColumnId[] | null {
  try {
    const raw = localStorage.getItem(`moebius.columns.${experimentId}`);
    if (!raw) return null;
    const list = JSON.parse(raw) as string[];
    return list.map(parseColumnKey).filter((c): c is ColumnId => c !== null);
  } catch {
    return null;
  }
}

function saveColumns(experimentId: string, cols: ColumnId[] | null) {
  try {
    if (cols) localStorage.setItem(`moebius.columns.${experimentId}`, JSON.stringify(cols.map(columnKey)));
    else localStorage.removeItem(`moebius.columns.${experimentId}`);
  } catch {
    // ignore unavailable storage
  }
}

export function ExperimentPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const navigate = useNavigate();
  const { project = '', experimentId = '' } = useParams();
  const [filterText, setFilterText] = useState('');
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortState | null>({
    column: { kind: 'attribute', key: 'start_time' },
    dir: 'DESC',
  });
  const [chosen, setChosen] = useState<ColumnId[] | null>(() => loadColumns(experimentId));
  const [selected, setSelected] = useState<Set<string>>(new Set());

  useEffect(() => {
    setChosen(loadColumns(experimentId));
    setSelected(new Set());
  }, [experimentId]);

  const projectQ = useQuery({ queryKey: ['project', project], queryFn: () => getProject(project) });
  const expQ = useQuery({ queryKey: ['experiment', experimentId], queryFn: () => getExperiment(experimentId) });
  const orderBy = useMemo(() => toOrderBy(sort), [sort]);

  const runsQ = useInfiniteQuery({
    queryKey: ['runs', experimentId, filter, orderBy],
    queryFn: ({ pageParam, signal }) =>
      searchRuns(
        {
          experiment_ids: [experimentId],
          filter: filter || undefined,
          order_by: orderBy,
          max_results: PAGE_SIZE,
          page_token: pageParam || undefined,
        },
        signal,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_page_token || undefined,
    // Keep showing the current rows while a new filter or sort loads (not across experiments).
    placeholderData: (prev, prevQuery) => (prevQuery?.queryKey[1] === experimentId ? prev : undefined),
  });

  const runs: Run[] = useMemo(() => runsQ.data?.pages.flatMap((p) => p.runs ?? []) ?? [], [runsQ.data]);
  const keys = useMemo(() => keysPresent(runs), [runs]);
  const columns = chosen ?? defaultColumns(keys);
  const setColumns = (cols: ColumnId[] | null) => {
    setChosen(cols);
    saveColumns(experimentId, cols);
  };

  const fixed: FixedColumn[] = [
    { id: 'run_name', label: t('runs.name'), width: 240, sort: { kind: 'attribute', key: 'run_name' } },
    { id: 'status', label: t('runs.status'), width: 110, sort: { kind: 'attribute', key: 'status' } },
    { id: 'start_time', label: t('runs.started'), width: 190, sort: { kind: 'attribute', key: 'start_time' } },
    { id: 'duration', label: t('runs.duration'), width: 90 },
    { id: 'user_id', label: t('runs.user'), width: 110, sort: { kind: 'attribute', key: 'user_id' } },
  ];
  const dynWidth = 150;
  const template = ['40px', ...fixed.map((c) => `${c.width}px`), ...columns.map(() => `${dynWidth}px`)].join(' ');
  const totalWidth = 40 + fixed.reduce((s, c) => s + c.width, 0) + columns.length * dynWidth;

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: runs.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
  });
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [filter, orderBy]);
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : -1;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = runsQ;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= runs.length - 30) void fetchNextPage();
  }, [lastIndex, runs.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const toggle = useCallback((id: string) => {
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);

  const applyFilter = (e: FormEvent) => {
    e.preventDefault();
    setFilter(filterText.trim());
  };

  const filterError = runsQ.error instanceof ApiError && runsQ.error.status === 400 ? runsQ.error : null;
  const otherError = runsQ.error && !filterError ? runsQ.error : null;
  const canCompare = selected.size >= MIN_COMPARE && selected.size <= MAX_COMPARE;
  const exp = expQ.data?.experiment;
  const projectLabel = projectQ.data?.project.display_name || project;

  const sortIndicator = (c: ColumnId | undefined) => {
    if (!c || !sort || sort.column.kind !== c.kind || sort.column.key !== c.key) return null;
    return <span className="sort-ind">{sort.dir === 'DESC' ? '▼' : '▲'}</span>;
  };
  const ariaSort = (c: ColumnId | undefined): 'ascending' | 'descending' | 'none' => {
    if (!c || !sort || sort.column.kind !== c.kind || sort.column.key !== c.key) return 'none';
    return sort.dir === 'DESC' ? 'descending' : 'ascending';
  };
  const kindLabel = (c: ColumnId) =>
    c.kind === 'metric' ? t('runs.metricShort') : c.kind === 'param' ? t('runs.paramShort') : t('runs.tagShort');

  return (
    <div className="page page-wide">
      <Breadcrumbs
        items={[
          { label: t('nav.projects'), to: '/projects' },
          { label: projectLabel, to: `/projects/${encodeURIComponent(project)}` },
          { label: exp?.name ?? experimentId },
        ]}
      />
      <ErrorBox error={expQ.error} />
      <div className="page-head">
        <div>
          <h1>{exp?.name ?? ''}</h1>
          <div className="muted small">
            {t('experiments.id')}: <span className="mono">{experimentId}</span>
            {exp?.creation_time ? ` · ${t('experiments.created')}: ${formatDateTime(exp.creation_time, locale)}` : ''}
          </div>
        </div>
      </div>

      <form className="filter-bar" onSubmit={applyFilter}>
        <input
          className={filterError ? 'mono filter-input invalid' : 'mono filter-input'}
          type="search"
          name="filter"
          spellCheck={false}
          placeholder="metrics.acc > 0.9 and params.lr = '0.01'"
          aria-label={t('runs.filter')}
          value={filterText}
          onChange={(e) => setFilterText(e.target.value)}
        />
        <button type="submit" className="btn">
          {t('runs.applyFilter')}
        </button>
        {filter && (
          <button
            type="button"
            className="btn ghost"
            onClick={() => {
              setFilterText('');
              setFilter('');
            }}
          >
            {t('runs.clearFilter')}
          </button>
        )}
        <div className="spacer" />
        <ColumnPicker keys={keys} selected={columns} onChange={setColumns} onReset={() => setColumns(null)} />
        <button
          type="button"
          className="btn primary"
          disabled={!canCompare}
          title={t('runs.compareHint', { min: MIN_COMPARE, max: MAX_COMPARE })}
          onClick={() => navigate(`/compare?runs=${[...selected].map(encodeURIComponent).join(',')}`)}
        >
          {t('runs.compare', { count: selected.size })}
        </button>
      </form>
      {filterError && (
        <div className="error-box" role="alert" data-testid="filter-error">
          {t('runs.filterError')} {filterError.message}
        </div>
      )}
      <ErrorBox error={otherError} />

      <div className="runs-meta muted small">
        {runsQ.isPending ? (
          <Loading inline />
        ) : (
          <>
            {t(runsQ.hasNextPage ? 'runs.loadedMore' : 'runs.loaded', { count: runs.length })}
            {selected.size > 0 && (
              <>
                {' · '}
                {t('runs.selected', { count: selected.size })}{' '}
                <button type="button" className="link-button" onClick={() => setSelected(new Set())}>
                  {t('runs.clearSelection')}
                </button>
              </>
            )}
            {(runsQ.isFetchingNextPage || (runsQ.isFetching && !runsQ.isPending)) && (
              <>
                {' · '}
                <Loading inline />
              </>
            )}
          </>
        )}
      </div>

      {!runsQ.isPending && runs.length === 0 && !runsQ.error && (
        <Empty>{filter ? t('runs.noMatch') : t('runs.empty')}</Empty>
      )}

      {runs.length > 0 && (
        <div className="grid-scroll" ref={scrollRef} role="table" aria-rowcount={runs.length}>
          <div style={{ width: totalWidth, minWidth: '100%' }}>
            <div className="grid-row grid-head" role="row" style={{ gridTemplateColumns: template }}>
              <div className="cell" role="columnheader" aria-label={t('runs.select')} />
              {fixed.map((c) => (
                <div key={c.id} className="cell" role="columnheader" aria-sort={ariaSort(c.sort)}>
                  {c.sort ? (
                    <button type="button" className="th-button" onClick={() => setSort(nextSort(sort, c.sort!))}>
                      {c.label}
                      {sortIndicator(c.sort)}
                    </button>
                  ) : (
                    c.label
                  )}
                </div>
              ))}
              {columns.map((c) => (
                <div key={columnKey(c)} className="cell" role="columnheader" aria-sort={ariaSort(c)} title={`${c.kind}s.${c.key}`}>
                  <button type="button" className="th-button" onClick={() => setSort(nextSort(sort, c))}>
                    <span className={`kind kind-${c.kind}`}>{kindLabel(c)}</span>
                    <span className="th-key">{c.key}</span>
                    {sortIndicator(c)}
                  </button>
                </div>
              ))}
            </div>
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {items.map((vi) => {
                const run = runs[vi.index];
                const id = run.info.run_id;
                return (
                  <div
                    key={id}
                    role="row"
                    className={selected.has(id) ? 'grid-row selected' : 'grid-row'}
                    style={{
                      gridTemplateColumns: template,
                      position: 'absolute',
                      top: 0,
                      left: 0,
                      right: 0,
                      height: ROW_HEIGHT,
                      transform: `translateY(${vi.start}px)`,
                    }}
                  >
                    <div className="cell cell-check">
                      <input
                        type="checkbox"
                        aria-label={t('runs.selectRun', { name: run.info.run_name || id })}
                        checked={selected.has(id)}
                        onChange={() => toggle(id)}
                      />
                    </div>
                    <div className="cell">
                      <Link to={`/runs/${encodeURIComponent(id)}`} title={id}>
                        {run.info.run_name || id}
                      </Link>
                    </div>
                    <div className="cell">
                      <RunStatus status={run.info.status} />
                    </div>
                    <div className="cell">{formatDateTimeShort(run.info.start_time, locale)}</div>
                    <div className="cell">{formatDuration(run.info.start_time, run.info.end_time)}</div>
                    <div className="cell">{run.info.user_id}</div>
                    {columns.map((c) => {
                      const v = cellValue(run, c);
                      return (
                        <div key={columnKey(c)} className={c.kind === 'metric' ? 'cell num' : 'cell'} title={v === undefined ? '' : String(v)}>
                          {typeof v === 'number' ? formatNumber(v, locale) : v}
                        </div>
                      );
                    })}
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
