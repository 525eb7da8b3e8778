import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getRun } from '../../api/endpoints';
import type { MetricSeries, Run } from '../../api/types';
import { Breadcrumbs } from '../../components/Breadcrumbs';
import { MetricChart, XAxisToggle, type XAxisMode } from '../../components/charts/MetricChart';
import { RunStatus } from '../../components/RunStatus';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { useMetricHistory } from '../../components/useMetricHistory';
import { diffKeyValues, type DiffRow } from '../../lib/diff';
import { formatDateTime, formatNumber } from '../../lib/format';
import { chartGroups, orderByPins, readPins } from '../../lib/runMetrics';
import { CompareCurves } from '../evaluation/CompareCurves';

export const MAX_COMPARE_RUNS = 10;

export function parseRunIds(param: string | null): string[] {
  if (!param) return [];
  return [...new Set(param.split(',').map((s) => s.trim()).filter(Boolean))];
}

export default function ComparePage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const [params] = useSearchParams();
  const ids = useMemo(() => parseRunIds(params.get('runs')), [params]);
  const tooMany = ids.length > MAX_COMPARE_RUNS;
  const shown = useMemo(() => ids.slice(0, MAX_COMPARE_RUNS), [ids]);
  const queries = useQueries({
    queries: shown.map((id) => ({ queryKey: ['run', id], queryFn: () => getRun(id) })),
  });
  const loading = queries.some((q) => q.isPending);
  const errors = queries.map((q) => q.error).filter(Boolean);
  const runs = queries.map((q) => q.data?.run).filter((r): r is Run => !!r);
  const [onlyDiff, setOnlyDiff] = useState(false);

  const paramRows = useMemo(() => diffKeyValues(runs.map((r) => r.data.params)), [runs]);
  const metricRows = useMemo(
    () => diffKeyValues(runs.map((r) => (r.data.metrics ?? []).map((m) => ({ key: m.key, value: m.value })))),
    [runs],
  );
  const name = (r: Run) => r.info.run_name || r.info.run_id;

  return (
    <div className="page page-wide">
      <Breadcrumbs items={[{ label: t('nav.projects'), to: '/projects' }, { label: t('compare.title') }]} />
      <div className="page-head">
        <div>
          <h1>{t('compare.title')}</h1>
          <p className="muted">{t('compare.subtitle', { count: runs.length })}</p>
        </div>
      </div>
      {ids.length < 2 && <Empty>{t('compare.needTwo')}</Empty>}
      {tooMany && <div className="error-box">{t('compare.tooMany', { max: MAX_COMPARE_RUNS })}</div>}
      {loading && <Loading />}
      {errors.map((e, i) => (
        <ErrorBox key={i} error={e} />
      ))}
      {runs.length > 0 && (
        <>
          <section className="card">
            <h2>{t('compare.runs')}</h2>
            <div className="table-scroll">
              <table className="table compact">
                <thead>
                  <tr>
                    <th>{t('runs.name')}</th>
                    <th>{t('runs.status')}</th>
                    <th>{t('runs.started')}</th>
                    <th>{t('run.experimentId')}</th>
                  </tr>
                </thead>
                <tbody>
                  {runs.map((r) => (
                    <tr key={r.info.run_id}>
                      <td>
                        <Link to={`/runs/${encodeURIComponent(r.info.run_id)}`}>{name(r)}</Link>
                      </td>
                      <td>
                        <RunStatus status={r.info.status} />
                      </td>
                      <td>{formatDateTime(r.info.start_time, locale)}</td>
                      <td className="mono">{r.info.experiment_id}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          <section className="card">
            <div className="section-head">
              <h2>{t('compare.params')}</h2>
              <label className="check">
                <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} />
                {t('compare.onlyDiff')}
              </label>
            </div>
            <DiffTable
              runs={runs}
              rows={onlyDiff ? paramRows.filter((r) => r.differs) : paramRows}
              empty={onlyDiff && paramRows.length > 0 ? t('compare.noDiff') : t('compare.noParams')}
              render={(v) => v}
            />
          </section>

          <section className="card">
            <h2>{t('compare.metrics')}</h2>
            <DiffTable
              runs={runs}
              rows={onlyDiff ? metricRows.filter((r) => r.differs) : metricRows}
              empty={onlyDiff && metricRows.length > 0 ? t('compare.noDiff') : t('compare.noMetrics')}
              render={(v) => formatNumber(v, locale)}
              numeric
            />
          </section>

          <CompareCharts runs={runs} keys={metricRows.map((r) => r.key)} />
          <CompareCurves runs={runs} />
        </>
      )}
    </div>
  );
}

function DiffTable<V>({
  runs,
  rows,
  empty,
  render,
  numeric,
}: {
  runs: Run[];
  rows: DiffRow<V>[];
  empty: string;
  render: (v: V) => React.ReactNode;
  numeric?: boolean;
}) {
  const { t } = useTranslation();
  if (rows.length === 0) return <Empty>{empty}</Empty>;
  return (
    <div className="table-scroll">
      <table className="table compact diff-table">
        <thead>
          <tr>
            <th>{t('run.key')}</th>
            {runs.map((r) => (
              <th key={r.info.run_id} className={numeric ? 'right' : ''}>
                {r.info.run_name || r.info.run_id}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} className={row.differs ? 'differs' : ''}>
              <td className="mono">
                {row.key}
                {row.differs && <span className="diff-dot" title={t('compare.differs')} aria-label={t('compare.differs')} />}
              </td>
              {row.values.map((v, i) => (
                <td key={i} className={numeric ? 'right mono' : 'mono'}>
                  {v === undefined ? <span className="muted">—</span> : render(v)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CompareCharts({ runs, keys }: { runs: Run[]; keys: string[] }) {
  const { t } = useTranslation();
  const [xMode, setXMode] = useState<XAxisMode>('step');
  const runIds = useMemo(() => runs.map((r) => r.info.run_id), [runs]);
  const hist = useMetricHistory(runIds, keys);
  const names = useMemo(() => new Map(runs.map((r) => [r.info.run_id, r.info.run_name || r.info.run_id])), [runs]);
  const byKey = useMemo(() => {
    const m = new Map<string, MetricSeries[]>();
    for (const s of hist.data ?? []) {
      if (!m.has(s.key)) m.set(s.key, []);
      m.get(s.key)!.push(s);
    }
    return m;
  }, [hist.data]);
  // Charts only for what some run logged at more than one point (issue 17); single values are in
  // the metrics table above. Train and valid of one metric share a chart; pinned charts (the run
  // page's pins, of the first run's experiment) come first.
  const multi = useMemo(() => keys.filter((k) => (byKey.get(k) ?? []).some((s) => (s.total ?? s.points.length) > 1)), [keys, byKey]);
  const groups = useMemo(() => chartGroups(multi), [multi]);
  const pins = useMemo(() => readPins(typeof window === 'undefined' ? undefined : window.localStorage, runs[0]?.info.experiment_id ?? ''), [runs]);
  const { pinned, rest } = orderByPins(groups, pins);
  if (keys.length === 0) return null;
  return (
    <section className="card">
      <div className="section-head">
        <h2>{t('compare.charts')}</h2>
        {groups.length > 0 && <XAxisToggle value={xMode} onChange={setXMode} />}
      </div>
      {hist.isPending && <Loading />}
      <ErrorBox error={hist.error} />
      {hist.data && groups.length === 0 && <p className="muted small">{t('run.noCurves')}</p>}
      {hist.data && groups.length > 0 && (
        <div className="chart-grid">
          {[...pinned, ...rest].map((g) => {
            const series = g.keys.flatMap((key) =>
              (byKey.get(key) ?? [])
                .filter((s) => s.points.length > 0)
                .map((s) => ({ name: g.keys.length > 1 ? `${names.get(s.run_id) ?? s.run_id} · ${key}` : (names.get(s.run_id) ?? s.run_id), points: s.points })),
            );
            return (
              <div key={g.id} className="chart-cell" data-testid="metric-chart" data-chart={g.id}>
                {series.length > 0 ? <MetricChart title={g.title} series={series} xMode={xMode} height={320} /> : <Empty>{t('charts.noHistory', { key: g.title })}</Empty>}
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}
