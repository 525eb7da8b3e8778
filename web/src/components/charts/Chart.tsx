// Any ECharts option, with ECharts loaded on demand (like MetricChart).
import { lazy, Suspense } from 'react';
import type { EChartsCoreOption } from 'echarts/core';
import { Loading } from '../Status';
import type { ChartClick } from './EChart';

const EChart = lazy(() => import('./EChart'));

export function Chart({ option, height = 280, onClick }: { option: EChartsCoreOption; height?: number; onClick?: (e: ChartClick) => void }) {
  return (
    <Suspense fallback={<div className="echart" style={{ height }}><Loading inline /></div>}>
      <EChart option={option} height={height} onClick={onClick} />
    </Suspense>
  );
}
