import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { SplitReport } from '../../api/types';
import { Chart } from '../../components/charts/Chart';
import { useLocale } from '../../components/useLocale';
import { formatPercent, splitTable } from '../../lib/analysis';
import { formatNumber } from '../../lib/format';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];
const MAX_CLASSES = 20;

/**
 * A split version's report (FE-5): items per split and each class's share of every split, as a
 * 100% stacked bar chart and a table, so that an unbalanced split shows at a glance.
 */
export function SplitReportCard({ report, method, unit }: { report: SplitReport; method?: string; unit?: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const table = useMemo(() => splitTable(report), [report]);
  const classes = table.classes.slice(0, MAX_CLASSES);
  const option = useMemo(
    () => ({
      animation: false,
      color: COLORS,
      legend: { type: 'scroll', top: 0, left: 8, right: 8, textStyle: { fontSize: 11 } },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v: unknown) => (typeof v === 'number' ? formatPercent(v, locale) : ''),
      },
      grid: { left: 12, right: 20, top: 34, bottom: 8, containLabel: true },
      xAxis: { type: 'value', max: 1, axisLabel: { formatter: (v: number) => formatPercent(v, locale) } },
      yAxis: {
        type: 'category',
        inverse: true,
        data: table.splits.map((s, i) => `${s} (${formatNumber(table.counts[i], locale)})`),
      },
      series: classes.map((c) => ({
        name: c,
        type: 'bar',
        stack: 'share',
        barMaxWidth: 34,
        emphasis: { focus: 'series' },
        data: table.classShares[c],
      })),
    }),
    [table, classes, locale],
  );
  return (
    <section className="card" data-testid="split-report">
      <h2>
        {t('splits.title')}
        {method && <span className="badge">{t(`newVersion.methods.${method}`, { defaultValue: method })}</span>}
      </h2>
      {table.splits.length === 0 ? (
        <p className="muted">{t('splits.empty')}</p>
      ) : (
        <>
          {classes.length > 0 && (
            <div data-testid="split-chart">
              <p className="hint">{t('splits.chartHint')}</p>
              <Chart option={option} height={Math.max(160, 70 + table.splits.length * 42)} />
            </div>
          )}
          <div className="table-scroll">
            <table className="table compact" data-testid="split-table">
              <thead>
                <tr>
                  <th>{t('splits.split')}</th>
                  <th className="right">{t(unit === 'rows' ? 'splits.rows' : 'splits.items')}</th>
                  <th className="right">{t('splits.share')}</th>
                  {classes.map((c) => (
                    <th key={c} className="right mono">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.splits.map((s, i) => (
                  <tr key={s} data-split={s}>
                    <td className="mono">{s}</td>
                    <td className="right" data-stat="count">
                      {formatNumber(table.counts[i], locale)}
                    </td>
                    <td className="right">{formatPercent(table.total ? table.counts[i] / table.total : 0, locale)}</td>
                    {classes.map((c) => (
                      <td key={c} className="right" data-class={c}>
                        {formatNumber(table.classCounts[c][i], locale)}{' '}
                        <span className="muted small">({formatPercent(table.classShares[c][i], locale)})</span>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {table.classes.length > classes.length && <p className="hint">{t('splits.moreClasses', { count: table.classes.length - classes.length })}</p>}
        </>
      )}
    </section>
  );
}
