import { lazy, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { MetricPoint } from '../../api/types';
import { formatNumber } from '../../lib/format';
import { useLocale } from '../useLocale';
import { Loading } from '../Status';

const EChart = lazy(() => import('./EChart'));

export type XAxisMode = 'step' | 'time';

export interface ChartSeries {
  name: string;
  points: MetricPoint[];
}

// A palette that stays readable with up to 10 overlaid runs.
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];

/** Line chart of one metric for one or more runs, with zoom by wheel/drag and a slider. */
export function MetricChart({ title, series, xMode, height }: { title: string; series: ChartSeries[]; xMode: XAxisMode; height?: number }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const option = useMemo(() => {
    const timeFmt = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    const dateTimeFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' });
    return {
      animation: false,
      color: COLORS,
      title: { text: title, left: 8, top: 4, textStyle: { fontSize: 13, fontWeight: 600, color: '#1f2937' } },
      grid: { left: 56, right: 20, top: series.length > 1 ? 56 : 36, bottom: 64 },
      legend: series.length > 1 ? { type: 'scroll', top: 26, left: 8, right: 8, textStyle: { fontSize: 11 } } : undefined,
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'line' },
        valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v, locale) : String(v ?? '')),
      },
      xAxis:
        xMode === 'step'
          ? { type: 'value', name: t('charts.step'), nameLocation: 'middle', nameGap: 26, scale: true }
          : {
              type: 'time',
              name: t('charts.time'),
              nameLocation: 'middle',
              nameGap: 26,
              axisLabel: { formatter: (v: number) => timeFmt.format(new Date(v)) },
              axisPointer: { label: { formatter: (p: { value: number }) => dateTimeFmt.format(new Date(p.value)) } },
            },
      yAxis: {
        type: 'value',
        scale: true,
        axisLabel: { formatter: (v: number) => formatNumber(v, locale) },
      },
      dataZoom: [
        { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
        { type: 'slider', xAxisIndex: 0, height: 18, bottom: 8, filterMode: 'none' },
      ],
      series: series.map((s) => ({
        name: s.name,
        type: 'line',
        showSymbol: s.points.length <= 1,
        symbolSize: 5,
        lineStyle: { width: 1.5 },
        emphasis: { disabled: true },
        large: true,
        data: s.points.map((p) => [xMode === 'step' ? p.step : p.timestamp, p.value]),
      })),
    };
  }, [series, xMode, title, t, locale]);

  return (
    <Suspense fallback={<div className="echart" style={{ height: height ?? 280 }}><Loading inline /></div>}>
      <EChart option={option} height={height} />
    </Suspense>
  );
}

export function XAxisToggle({ value, onChange }: { value: XAxisMode; onChange: (v: XAxisMode) => void }) {
  const { t } = useTranslation();
  return (
    <div className="segmented" role="group" aria-label={t('charts.xAxis')}>
      {(['step', 'time'] as const).map((m) => (
        <button key={m} type="button" className={value === m ? 'active' : ''} aria-pressed={value === m} onClick={() => onChange(m)}>
          {t(`charts.${m}`)}
        </button>
      ))}
    </div>
  );
}
