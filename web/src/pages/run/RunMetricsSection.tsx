// The run page's metrics (issue 17, item 4): every latest value in one sortable, searchable
// table; charts only for series with more than one point, train and valid of the same metric on
// one chart; charts the user pins come first, for every run of the experiment (kept in the
// browser, as W&B keeps a workspace).
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Metric, MetricSeries, Run } from '../../api/types';
import { MetricChart, XAxisToggle, type XAxisMode } from '../../components/charts/MetricChart';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useMetricHistory } from '../../components/useMetricHistory';
import { formatNumber } from '../../lib/format';
import { chartGroups, metricRows, orderByPins, pinsKey, readPins, togglePin, type ChartGroup, type MetricSort } from '../../lib/runMetrics';

function usePins(experimentId: string): [string[], (id: string) => void] {
  const [pins, setPins] = useState<string[]>(() => readPins(typeof window === 'undefined' ? undefined : window.localStorage, experimentId));
  useEffect(() => setPins(readPins(window.localStorage, experimentId)), [experimentId]);
  const toggle = (id: string) =>
    setPins((p) => {
      const next = togglePin(p, id);
      try {
        window.localStorage.setItem(pinsKey(experimentId), JSON.stringify(next));
      } catch {
        /* storage full or disabled: pins last for this page */
      }
      return next;
    });
  return [pins, toggle];
}

export function RunMetricsSection({ run, locale }: { run: Run; locale: string }) {
  const { t } = useTranslation();
  const metrics = useMemo(() => run.data.metrics ?? [], [run]);
  const keys = useMemo(() => [...new Set(metrics.map((m) => m.key))].sort(), [metrics]);
  const runIds = useMemo(() => [run.info.run_id], [run]);
  // One request per 25 keys; single points cost a few bytes each. Series with one point stay in
  // the table, the rest are drawn.
  const hist = useMetricHistory(runIds, keys);
  const series = useMemo(() => new Map((hist.data ?? []).map((s) => [s.key, s])), [hist.data]);
  const multi = useMemo(() => keys.filter((k) => (series.get(k)?.total ?? series.get(k)?.points.length ?? 0) > 1), [keys, series]);
  const groups = useMemo(() => chartGroups(multi), [multi]);
  const [pins, togglePinned] = usePins(run.info.experiment_id);
  const { pinned, rest } = orderByPins(groups, pins);
  const [xMode, setXMode] = useState<XAxisMode>('step');
  if (keys.length === 0) {
    return (
      <section className="card">
        <h2>{t('run.metricsTitle')}</h2>
        <Empty>{t('run.noMetrics')}</Empty>
      </section>
    );
  }
  return (
    <>
      <section className="card" data-testid="run-curves">
        <div className="section-head">
          <h2>{t('run.charts')}</h2>
          {groups.length > 0 && <XAxisToggle value={xMode} onChange={setXMode} />}
        </div>
        {hist.isPending && <Loading />}
        <ErrorBox error={hist.error} />
        {hist.data && groups.length === 0 && <p className="muted small">{t('run.noCurves')}</p>}
        {pinned.length > 0 && (
          <>
            <h3 className="small muted">{t('run.pinned')}</h3>
            <ChartGrid groups={pinned} series={series} run={run} xMode={xMode} pins={pins} onPin={togglePinned} />
          </>
        )}
        {rest.length > 0 && <ChartGrid groups={rest} series={series} run={run} xMode={xMode} pins={pins} onPin={togglePinned} />}
      </section>
      <MetricsTable metrics={metrics} multi={multi} locale={locale} />
    </>
  );
}

function ChartGrid({
  groups,
  series,
  run,
  xMode,
  pins,
  onPin,
}: {
  groups: ChartGroup[];
  series: Map<string, MetricSeries>;
  run: Run;
  xMode: XAxisMode;
  pins: string[];
  onPin: (id: string) => void;
}) {
  const { t } = useTranslation();
  const single = (run.info.run_name || run.info.run_id) as string;
  return (
    <div className="chart-grid">
      {groups.map((g) => {
        const lines = g.keys
          .map((k) => series.get(k))
          .filter((s): s is MetricSeries => !!s && s.points.length > 0)
          .map((s) => ({ name: g.keys.length > 1 ? s.key : single, points: s.points }));
        const first = series.get(g.keys[0]);
        const isPinned = pins.includes(g.id);
        return (
          <div key={g.id} className="chart-cell" data-testid="metric-chart" data-chart={g.id} data-keys={g.keys.join(',')}>
            <button
              type="button"
              className={`pin-button${isPinned ? ' pinned' : ''}`}
              aria-pressed={isPinned}
              title={isPinned ? t('run.unpin') : t('run.pin')}
              aria-label={`${isPinned ? t('run.unpin') : t('run.pin')}: ${g.title}`}
              onClick={() => onPin(g.id)}
            >
              {isPinned ? '★' : '☆'}
            </button>
            <MetricChart title={g.title} series={lines} xMode={xMode} />
            {first && (
              <div className="muted small chart-note">
                {first.downsampled ? t('charts.downsampled', { shown: first.points.length, total: first.total }) : t('charts.points', { count: first.total ?? first.points.length })}
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}

function MetricsTable({ metrics, multi, locale }: { metrics: Metric[]; multi: string[]; locale: string }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<MetricSort>({ by: 'key', desc: false });
  const rows = useMemo(() => metricRows([...metrics], query, sort), [metrics, query, sort]);
  const curves = useMemo(() => new Set(multi), [multi]);
  const header = (by: MetricSort['by'], label: string, right?: boolean) => (
    <th className={right ? 'right' : undefined} aria-sort={sort.by === by ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button
        type="button"
        className="link-button sort-button"
        data-sort={by}
        onClick={() => setSort((s) => ({ by, desc: s.by === by ? !s.desc : by !== 'key' }))}
      >
        {label}
        {sort.by === by ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
  return (
    <section className="card" data-testid="run-metrics">
      <div className="section-head">
        <h2>
          {t('run.metricsTitle')} <span className="muted small">{t('run.metricCount', { shown: rows.length, total: metrics.length })}</span>
        </h2>
        <input
          type="search"
          name="metric-search"
          className="small-input"
          placeholder={t('run.searchMetrics')}
          aria-label={t('run.searchMetrics')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      <div className="table-scroll metrics-table-scroll">
        <table className="table compact" data-testid="metrics-table">
          <thead>
            <tr>
              {header('key', t('run.key'))}
              {header('value', t('run.value'), true)}
              {header('step', t('charts.step'), true)}
            </tr>
          </thead>
          <tbody>
            {rows.map((m) => (
              <tr key={m.key} data-metric={m.key}>
                <td className="mono">
                  {m.key}
                  {curves.has(m.key) && <span className="curve-dot" title={t('run.hasCurve')} role="img" aria-label={t('run.hasCurve')} />}
                </td>
                <td className="right mono" title={String(m.value)}>
                  {formatNumber(m.value, locale)}
                </td>
                <td className="right">{m.step}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
