// Charts of the Statistics tab: one column's distribution, the correlation heatmap, the label's
// class balance and feature importance. Data shaping lives in lib/analysis.ts.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ColumnStats, FeatureImportance, LabelBalance, TableStats } from '../../api/types';
import { Chart } from '../../components/charts/Chart';
import { useLocale } from '../../components/useLocale';
import { classShares, distributionBars, formatPercent, heatmapData, rankImportance, sparkRects, strongestPairs } from '../../lib/analysis';
import { formatNumber } from '../../lib/format';

const BLUE = '#2f5bea';
const TITLE = { fontSize: 13, fontWeight: 600, color: '#1f2937' };

/** A 120×28 bar sketch of a column's histogram or top categories (SVG: cheap for many rows). */
export function Spark({ column, label }: { column: ColumnStats; label: string }) {
  const values = column.histogram?.counts ?? (column.top ?? []).map((x) => x.count);
  const rects = sparkRects(values, 120, 28);
  if (rects.length === 0) return <span className="muted">—</span>;
  const categorical = !column.histogram;
  return (
    <svg className="spark" width={120} height={28} viewBox="0 0 120 28" role="img" aria-label={label} data-testid="spark">
      {rects.map((r, i) => (
        <rect key={i} x={r.x} y={r.y} width={r.w} height={r.h} className={categorical ? 'spark-cat' : 'spark-bin'} />
      ))}
    </svg>
  );
}

/** The chosen column's histogram (numeric) or most frequent values (text, bool). */
export function ColumnChart({ column }: { column: ColumnStats }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const option = useMemo(() => {
    const bars = distributionBars(column, (v) => formatNumber(v, locale));
    const histogram = !!column.histogram;
    const title = histogram ? t('stats.histogramOf', { column: column.name }) : t('stats.topOf', { column: column.name });
    return {
      animation: false,
      title: { text: title, left: 8, top: 4, textStyle: TITLE },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 12, right: 20, top: 36, bottom: 12, containLabel: true },
      xAxis: histogram
        ? { type: 'category', data: bars.map((b) => b.label), axisLabel: { rotate: bars.length > 8 ? 35 : 0, fontSize: 10 } }
        : { type: 'value', minInterval: 1 },
      yAxis: histogram
        ? { type: 'value', minInterval: 1 }
        : { type: 'category', inverse: true, data: bars.map((b) => b.label), axisLabel: { width: 140, overflow: 'truncate' } },
      series: [
        {
          type: 'bar',
          name: t('stats.rows'),
          data: bars.map((b) => b.value),
          barCategoryGap: histogram ? '4%' : '30%',
          itemStyle: { color: histogram ? BLUE : '#0891b2' },
        },
      ],
    };
  }, [column, t, locale]);
  const height = column.histogram ? 280 : Math.max(160, 40 + (column.top?.length ?? 0) * 24);
  return (
    <div data-testid="column-chart" data-column={column.name} data-kind={column.histogram ? 'histogram' : 'top'}>
      <Chart option={option} height={height} />
    </div>
  );
}

/** Pearson correlations of the numeric columns as a heatmap, and the strongest pairs. */
export function CorrelationCard({ correlations }: { correlations: TableStats['correlations'] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const data = useMemo(() => heatmapData(correlations), [correlations]);
  const pairs = useMemo(() => strongestPairs(correlations, 8), [correlations]);
  const n = data.labels.length;
  const option = useMemo(
    () => ({
      animation: false,
      tooltip: {
        formatter: (p: { value: [number, number, number] }) =>
          `${data.labels[p.value[1]]} × ${data.labels[p.value[0]]}: ${formatNumber(p.value[2], locale)}`,
      },
      grid: { left: 8, right: 16, top: 8, bottom: 56, containLabel: true },
      xAxis: { type: 'category', data: data.labels, axisLabel: { rotate: 45, fontSize: 10, interval: n > 40 ? 'auto' : 0, width: 90, overflow: 'truncate' } },
      yAxis: { type: 'category', data: data.labels, inverse: true, axisLabel: { fontSize: 10, interval: n > 40 ? 'auto' : 0, width: 110, overflow: 'truncate' } },
      visualMap: {
        min: -1,
        max: 1,
        calculable: true,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 160,
        inRange: { color: ['#2563eb', '#f8fafc', '#dc2626'] },
      },
      series: [
        {
          type: 'heatmap',
          data: data.cells,
          label: { show: n <= 10, fontSize: 10 },
          // Drawn in one pass (one canvas) up to ~140 columns; wider matrices draw in chunks.
          progressive: data.cells.length > 20000 ? 5000 : 0,
          emphasis: { disabled: true },
        },
      ],
    }),
    [data, n, locale],
  );
  return (
    <section className="card">
      <h2>{t('stats.correlations')}</h2>
      {n < 2 ? (
        <p className="muted">{t('stats.noCorrelations')}</p>
      ) : (
        <>
          <div data-testid="correlation-chart">
            <Chart option={option} height={Math.min(900, Math.max(280, 110 + n * 20))} />
          </div>
          {pairs.length > 0 && (
            <table className="table compact" data-testid="strongest-pairs">
              <thead>
                <tr>
                  <th>{t('stats.pair')}</th>
                  <th className="right">r</th>
                </tr>
              </thead>
              <tbody>
                {pairs.map((p) => (
                  <tr key={`${p.a}\u0000${p.b}`}>
                    <td className="mono">
                      {p.a} × {p.b}
                    </td>
                    <td className="right">{formatNumber(p.r, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

/** Rows per class of the label column, with the minority share and imbalance ratio. */
export function LabelCard({ label }: { label: LabelBalance }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const shares = useMemo(() => classShares(label), [label]);
  const shown = shares.slice(0, 40);
  const option = useMemo(
    () => ({
      animation: false,
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (ps: { dataIndex: number }[]) => {
          const s = shown[ps[0]?.dataIndex ?? 0];
          return s ? `${s.value}: ${formatNumber(s.count, locale)} (${formatPercent(s.share, locale)})` : '';
        },
      },
      grid: { left: 12, right: 20, top: 12, bottom: 12, containLabel: true },
      xAxis: { type: 'category', data: shown.map((s) => s.value), axisLabel: { rotate: shown.length > 6 ? 30 : 0, width: 100, overflow: 'truncate' } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          type: 'bar',
          data: shown.map((s) => s.count),
          barMaxWidth: 48,
          itemStyle: { color: '#9333ea' },
          label: { show: shown.length <= 12, position: 'top', formatter: (p: { dataIndex: number }) => formatPercent(shown[p.dataIndex].share, locale) },
        },
      ],
    }),
    [shown, locale],
  );
  return (
    <section className="card" data-testid="label-balance">
      <h2>{t('stats.labelBalance', { column: label.column })}</h2>
      <div className="stat-row">
        <div className="stat">
          <span className="muted small">{t('stats.classes')}</span>
          <strong data-testid="label-classes">{shares.length}</strong>
        </div>
        <div className="stat">
          <span className="muted small">{t('stats.minorityShare')}</span>
          <strong data-testid="label-minority">{formatPercent(label.minority_share, locale) || '—'}</strong>
        </div>
        <div className="stat">
          <span className="muted small">{t('stats.imbalanceRatio')}</span>
          <strong>{label.imbalance_ratio !== null && Number.isFinite(label.imbalance_ratio) ? `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(label.imbalance_ratio)} : 1` : '—'}</strong>
        </div>
        <div className="stat">
          <span className="muted small">{t('stats.unlabeledRows')}</span>
          <strong>{formatNumber(label.missing, locale)}</strong>
        </div>
      </div>
      {shown.length > 0 && (
        <div data-testid="label-chart">
          <Chart option={option} height={240} />
        </div>
      )}
      {shares.length > shown.length && <p className="hint">{t('stats.moreClasses', { count: shares.length - shown.length })}</p>}
    </section>
  );
}

/** Features ranked against the label (mutual information or |Pearson r|). */
export function ImportanceCard({ importance, label }: { importance: FeatureImportance[]; label: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const ranked = useMemo(() => rankImportance(importance, 30), [importance]);
  const suspects = importance.filter((f) => f.flag);
  const method = ranked[0]?.method ?? '';
  // The measure each feature was scored with: one line per measure, naming its features.
  const methods = [...new Set(ranked.map((f) => f.method))];
  const option = useMemo(
    () => ({
      animation: false,
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (ps: { dataIndex: number; value: unknown }[]) => {
          const f = ranked[ps[0]?.dataIndex ?? 0];
          if (!f) return '';
          return `${f.feature}: ${typeof f.score === 'number' ? formatNumber(f.score, locale) : '—'}<br/>${t(`stats.methods.${f.method}`, { defaultValue: f.method })}`;
        },
      },
      grid: { left: 12, right: 28, top: 8, bottom: 12, containLabel: true },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', inverse: true, data: ranked.map((f) => f.feature), axisLabel: { width: 160, overflow: 'truncate' } },
      series: [{ type: 'bar', data: ranked.map((f) => f.score ?? 0), itemStyle: { color: '#16a34a' }, barMaxWidth: 18 }],
    }),
    [ranked, locale, t],
  );
  return (
    <section className="card" data-testid="importance">
      <h2>{t('stats.importance', { column: label })}</h2>
      {ranked.length === 0 ? (
        <p className="muted">{t('stats.noImportance')}</p>
      ) : (
        <>
          {methods.length <= 1 ? (
            <p className="hint">{t(`stats.methods.${method}`, { defaultValue: method })}</p>
          ) : (
            <ul className="hint plain-list" data-testid="importance-methods">
              {methods.map((m) => (
                <li key={m}>
                  {t(`stats.methods.${m}`, { defaultValue: m })}: {ranked.filter((f) => f.method === m).map((f) => f.feature).join(', ')}
                </li>
              ))}
            </ul>
          )}
          <div data-testid="importance-chart">
            <Chart option={option} height={Math.max(160, 30 + ranked.length * 24)} />
          </div>
          {importance.length - suspects.length > ranked.length && (
            <p className="hint">{t('stats.moreFeatures', { count: importance.length - suspects.length - ranked.length })}</p>
          )}
        </>
      )}
      {suspects.length > 0 && (
        <ul className="plain-list suspect-features" data-testid="importance-suspects">
          {suspects.map((f) => (
            <li key={f.feature} data-feature={f.feature} data-flag={f.flag} className="note-warn small">
              {t(f.flag === 'identifier' ? 'stats.flagIdentifier' : 'stats.flagLeakage', { feature: f.feature, label })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
