// A small React wrapper around ECharts, importing only the parts the UI uses. It is loaded on
// demand (see MetricChart.tsx), so ECharts is a separate chunk.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, GraphChart, HeatmapChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

echarts.use([
  LineChart,
  BarChart,
  GraphChart,
  HeatmapChart,
  ParallelChart,
  ScatterChart,
  ParallelComponent,
  GridComponent,
  TooltipComponent,
  DataZoomComponent,
  LegendComponent,
  TitleComponent,
  VisualMapComponent,
  CanvasRenderer,
  SVGRenderer,
]);

export interface ChartClick {
  dataType?: string;
  data?: unknown;
  name?: string;
}

/**
 * `renderer`: 'canvas' (the default) for charts of many points; 'svg' for small charts whose text
 * (axis labels, legends) should be in the page, where tests and screen readers can read it.
 */
export default function EChart({
  option,
  height = 280,
  onClick,
  renderer = 'canvas',
}: {
  option: EChartsCoreOption;
  height?: number;
  onClick?: (e: ChartClick) => void;
  renderer?: 'canvas' | 'svg';
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;
  const optionRef = useRef(option);
  optionRef.current = option;

  useEffect(() => {
    if (!ref.current) return;
    const c = echarts.init(ref.current, undefined, { renderer });
    chart.current = c;
    c.setOption(optionRef.current, { notMerge: true });
    c.on('click', (e) => clickRef.current?.(e as ChartClick));
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(ref.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [renderer]);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true, lazyUpdate: true });
  }, [option]);

  return <div ref={ref} className="echart" style={{ height }} />;
}
