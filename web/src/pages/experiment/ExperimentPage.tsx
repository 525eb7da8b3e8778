import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { getExperiment, getProject, listStudies, listTasks, searchRuns } from '../../api/endpoints';
import type { Run } from '../../api/types';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { RunStatus } from '../../components/RunStatus';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import {
  cellValue,
  columnKey,
  keysPresent,
  nextSort,
  parseColumnKey,
  toOrderBy,
  type ColumnId,
  type SortState,
} from '../../lib/columns';
import { formatDateTime, formatDateTimeShort, formatDuration, formatNumber } from '../../lib/format';
import { ColumnPicker } from './ColumnPicker';
import { SelectedRunsCharts } from './SelectedRunsCharts';
import { defaultRunColumns, nestRuns, originOf, tagOf } from '../../lib/runTree';
import { splitFailure } from '../../lib/runMetrics';

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
  // Parents whose child runs (study trials, pipeline steps) are shown under them.
  const [expanded, setExpanded] = useState<Set<string>>(new Set());

  useEffect(() => {
    setChosen(loadColumns(experimentId));
    setSelected(new Set());
    setExpanded(new Set());
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
  const rows = useMemo(() => nestRuns(runs, expanded), [runs, expanded]);
  const keys = useMemo(() => keysPresent(runs), [runs]);
  // Default columns from what the experiment is for: its task's primary metric (the task the
  // experiment names, else the project's only one) and its studies' objectives.
  const tasksQ = useQuery({ queryKey: ['tasks', project], queryFn: () => listTasks(project), enabled: !chosen });
  const studiesQ = useQuery({ queryKey: ['studies', project], queryFn: () => listStudies(project), enabled: !chosen });
  const expTask = expQ.data?.experiment.tags?.find((x) => x.key === 'moebius.task')?.value;
  const tasks = tasksQ.data?.tasks ?? [];
  const task = tasks.find((x) => x.name === expTask) ?? (tasks.length === 1 ? tasks[0] : undefined);
  const objectives = (studiesQ.data?.studies ?? []).filter((x) => String(x.experiment_id) === experimentId).map((x) => x.objective.metric);
  const columns = useMemo(
    () => chosen ?? defaultRunColumns(keys, runs, { primaryMetric: task?.primary_metric, taskMetrics: task?.metrics, objectives }),
    [chosen, keys, runs, task?.primary_metric, task?.metrics?.join(','), objectives.join(',')],
  );
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
    count: rows.length,
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
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 30) void fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

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
  const shownIds = rows.map((r) => r.run.info.run_id);
  const allSelected = shownIds.length > 0 && shownIds.every((id) => selected.has(id));
  const selectedRuns = useMemo(() => runs.filter((r) => selected.has(r.info.run_id)), [runs, selected]);
  const toggleExpanded = (id: string) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
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
              <div className="cell cell-check" role="columnheader">
                <input
                  type="checkbox"
                  name="select-all"
                  aria-label={t('runs.selectAll')}
                  checked={allSelected}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(shownIds))}
                />
              </div>
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
                const row = rows[vi.index];
                const run = row.run;
                const id = run.info.run_id;
                const origin = row.children > 0 || row.depth > 0 ? originOf(run) : null;
                const failure = run.info.status === 'FAILED' ? tagOf(run, 'moebius.failure_reason') : undefined;
                return (
                  <div
                    key={id}
                    role="row"
                    className={`grid-row${selected.has(id) ? ' selected' : ''}${row.depth ? ' child-row' : ''}`}
                    data-run={id}
                    data-depth={row.depth}
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
                    <div className="cell run-name-cell" style={{ paddingLeft: row.depth ? 26 : undefined }}>
                      {row.children > 0 && (
                        <button
                          type="button"
                          className="link-button tree-toggle"
                          aria-expanded={expanded.has(id)}
                          aria-label={t(expanded.has(id) ? 'runs.collapse' : 'runs.expand', { count: row.children })}
                          data-testid="run-children-toggle"
                          onClick={() => toggleExpanded(id)}
                        >
                          {expanded.has(id) ? '▾' : '▸'}
                        </button>
                      )}
                      <Link to={`/runs/${encodeURIComponent(id)}`} title={id}>
                        {run.info.run_name || id}
                      </Link>
                      {row.children > 0 && <span className="muted small"> ({row.children})</span>}
                      {origin && row.depth === 0 && (
                        <Link className="small origin-link" to={origin.to} data-testid="run-origin">
                          {t(origin.kind === 'study' ? 'runs.studyLink' : 'runs.pipelineLink', { name: origin.label })}
                        </Link>
                      )}
                    </div>
                    <div className="cell" title={failure}>
                      <RunStatus status={run.info.status} />
                      {failure && <span className="job-reason">{splitFailure(failure).reason || failure}</span>}
                    </div>
                    <div className="cell">{formatDateTimeShort(run.info.start_time, locale)}</div>
                    <div className="cell">{formatDuration(run.info.start_time, run.info.end_time, locale)}</div>
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
      {selectedRuns.length >= 2 && <SelectedRunsCharts runs={selectedRuns} columns={columns} />}
    </div>
  );
}
