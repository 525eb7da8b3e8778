// The study's plots with ECharts: optimization history, parameter importance, parallel
// coordinates, slice and contour (for a chosen pair of parameters). Data from
// GET /api/v1/studies/{id}/plots (src/hpo/study_plots.h). Loaded on demand with ECharts, drawn
// as SVG (a study has tens or hundreds of trials): the labels are text in the page.
import { lazy, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { EChartsCoreOption } from 'echarts/core';
import type { StudyPlots } from '../../api/types';
import { Loading } from '../../components/Status';
import { paramTick, rangeFormatter } from '../../lib/study';

const EChart = lazy(() => import('../../components/charts/EChart'));

const title = (text: string) => ({ text, left: 8, top: 4, textStyle: { fontSize: 13, fontWeight: 600, color: '#1f2937' } });

function Chart({ option, testid, height }: { option: EChartsCoreOption; testid: string; height?: number }) {
  return (
    <div className="card chart-card" data-testid={testid}>
      <Suspense fallback={<Loading />}>
        <EChart option={option} height={height} renderer="svg" />
      </Suspense>
    </div>
  );
}

export function StudyCharts({ plots, x, y, onPair }: { plots: StudyPlots; x: string; y: string; onPair: (x: string, y: string) => void }) {
  const { t } = useTranslation();
  const names = plots.params.map((p) => p.name);

  const history = useMemo(
    () => ({
      animation: false,
      title: title(`${t('study.plots.history')}: ${plots.metric}`),
      tooltip: { trigger: 'axis' },
      legend: { top: 4, right: 8, data: [t('study.plots.value'), t('study.plots.bestValue')] },
      grid: { left: 56, right: 16, top: 40, bottom: 36 },
      xAxis: { type: 'value', name: t('study.plots.trial'), nameLocation: 'middle', nameGap: 24, minInterval: 1 },
      yAxis: { type: 'value', scale: true },
      series: [
        { name: t('study.plots.value'), type: 'scatter', data: plots.history.map((h) => [h.number, h.value]) },
        { name: t('study.plots.bestValue'), type: 'line', step: 'end', showSymbol: false, data: plots.history.map((h) => [h.number, h.best]) },
      ],
    }),
    [plots, t],
  );

  const importance = useMemo(() => {
    const list = [...(plots.importance ?? [])].reverse();
    return {
      animation: false,
      title: title(t('study.plots.importance')),
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      // containLabel: the grid makes room for the longest parameter name instead of clipping it.
      grid: { left: 8, right: 24, top: 36, bottom: 24, containLabel: true },
      xAxis: { type: 'value', max: 1 },
      yAxis: { type: 'category', data: list.map((i) => i.name), axisLabel: { width: 220, overflow: 'truncate' } },
      series: [{ type: 'bar', data: list.map((i) => Number(i.importance.toFixed(4))) }],
    };
  }, [plots, t]);

  const parallel = useMemo(() => {
    const dims = plots.parallel.dimensions.map((name, i) => {
      const p = plots.params[i];
      if (p && p.type === 'categorical') return { dim: i, name, type: 'category', data: (p.choices ?? []).map((_, k) => k) , axisLabel: { formatter: (v: number) => String(p.choices?.[v] ?? v) } };
      if (p && p.log) return { dim: i, name, type: 'log', ...(p.type === 'int' ? { minInterval: 1 } : {}) };
      if (p && p.type === 'int') return { dim: i, name, scale: true, minInterval: 1, axisLabel: { formatter: (v: number) => paramTick('int', v, String) } };
      return { dim: i, name, scale: true };
    });
    const values = plots.parallel.rows.map((r) => r.values[r.values.length - 1] as number);
    const valueFmt = rangeFormatter(Math.min(...values), Math.max(...values));
    return {
      animation: false,
      title: title(t('study.plots.parallel')),
      parallelAxis: dims,
      parallel: { left: 48, right: 64, top: 56, bottom: 24 },
      visualMap: values.length
        ? { show: true, dimension: dims.length - 1, min: Math.min(...values), max: Math.max(...values), right: 0, top: 40, itemHeight: 120, formatter: valueFmt, inRange: { color: ['#2563eb', '#f59e0b', '#dc2626'] }, inverse: plots.goal === 'maximize' }
        : undefined,
      series: [{ type: 'parallel', lineStyle: { width: 1.5, opacity: 0.7 }, data: plots.parallel.rows.map((r) => r.values) }],
    };
  }, [plots, t]);

  const slices = useMemo(
    () =>
      plots.params.map((p) => ({
        name: p.name,
        option: {
          animation: false,
          title: title(`${t('study.plots.slice')}: ${p.name} → ${plots.metric}`),
          tooltip: { trigger: 'item' },
          grid: { left: 56, right: 16, top: 36, bottom: 32 },
          xAxis:
            p.type === 'categorical'
              ? { type: 'category', data: (p.choices ?? []).map(String) }
              : p.type === 'int'
                ? { type: p.log ? 'log' : 'value', scale: true, minInterval: 1, axisLabel: { formatter: (v: number) => paramTick('int', v, String) } }
                : { type: p.log ? 'log' : 'value', scale: true },
          yAxis: { type: 'value', scale: true },
          series: [{ type: 'scatter', data: (plots.slice[p.name] ?? []).map((s) => [p.type === 'categorical' ? String(s.x) : s.x, s.value, s.number]) }],
        },
      })),
    [plots, t],
  );

  const contour = useMemo(() => {
    const c = plots.contour;
    if (!c || c.z.length === 0) return null;
    const flat: [number, number, number][] = [];
    c.z.forEach((row, j) => row.forEach((v, i) => flat.push([i, j, v])));
    const zs = flat.map((f) => f[2]);
    const zmin = Math.min(...zs);
    const zmax = Math.max(...zs);
    const fmt = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : Number(v.toPrecision(3)).toString());
    // A categorical axis's cells are choice indices: label them with the choices; an int's are
    // whole numbers.
    const label = (name: string) => {
      const p = plots.params.find((q) => q.name === name);
      return (v: number) =>
        p?.type === 'categorical' ? String(p.choices?.[Math.round(v)] ?? v) : p?.type === 'int' ? String(Math.round(v)) : fmt(v);
    };
    return {
      animation: false,
      title: title(`${t('study.plots.contour')}: ${c.x} × ${c.y}`),
      tooltip: { trigger: 'item' },
      grid: { left: 72, right: 80, top: 48, bottom: 40 },
      xAxis: { type: 'category', name: c.x, nameLocation: 'middle', nameGap: 26, data: c.x_grid.map(label(c.x)) },
      yAxis: { type: 'category', name: c.y, data: c.y_grid.map(label(c.y)) },
      // The colour bar's numbers with enough digits for the objective's span (ECharts rounds
      // them to integers by default: 0.31–0.40 read "0" at both ends).
      visualMap: { min: zmin, max: zmax, calculable: true, formatter: rangeFormatter(zmin, zmax), right: 0, top: 40, inRange: { color: ['#2563eb', '#f5f5f5', '#dc2626'] }, inverse: plots.goal === 'maximize' },
      series: [{ type: 'heatmap', data: flat }],
    };
  }, [plots, t]);

  return (
    <div className="study-charts" data-testid="study-charts">
      <div className="chart-grid">
        <Chart testid="plot-history" option={history} />
        {plots.importance ? <Chart testid="plot-importance" option={importance} /> : <p className="muted small">{t('study.plots.noImportance')}</p>}
      </div>
      {plots.parallel.rows.length > 0 && <Chart testid="plot-parallel" option={parallel} height={320} />}
      <div className="chart-grid">
        {slices.map((s) => (
          <Chart key={s.name} testid={`plot-slice-${s.name}`} option={s.option} height={240} />
        ))}
      </div>
      {names.length >= 2 && (
        <div className="filter-bar">
          <label className="check">
            {t('study.plots.x')}
            <select name="contour-x" className="small-select" value={x || plots.contour?.x || ''} onChange={(e) => onPair(e.target.value, y || plots.contour?.y || '')}>
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <label className="check">
            {t('study.plots.y')}
            <select name="contour-y" className="small-select" value={y || plots.contour?.y || ''} onChange={(e) => onPair(x || plots.contour?.x || '', e.target.value)}>
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {contour && <Chart testid="plot-contour" option={contour} height={340} />}
    </div>
  );
}
