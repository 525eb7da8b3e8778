// Charts over the runs selected in an experiment's table (issue 17, item 6): parallel
// coordinates over the shown params and metrics, and a scatter of one column against another.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Run } from '../../api/types';
import { Chart } from '../../components/charts/Chart';
import { cellValue, columnKey, type ColumnId } from '../../lib/columns';

const label = (c: ColumnId) => `${c.kind === 'metric' ? 'metrics' : c.kind === 'param' ? 'params' : c.kind}.${c.key}`;

/** A column's values over the runs: numbers when every present value is one, else categories. */
function axisOf(runs: Run[], c: ColumnId): { numeric: boolean; values: (number | string | undefined)[]; categories: string[] } {
  const raw = runs.map((r) => cellValue(r, c));
  const numeric = raw.every((v) => v === undefined || (v !== '' && Number.isFinite(Number(v))));
  const values = raw.map((v) => (v === undefined ? undefined : numeric ? Number(v) : String(v)));
  const categories = numeric ? [] : [...new Set(values.filter((v): v is string => typeof v === 'string'))].sort();
  return { numeric, values, categories };
}

export function SelectedRunsCharts({ runs, columns }: { runs: Run[]; columns: ColumnId[] }) {
  const { t } = useTranslation();
  const dims = columns.filter((c) => c.kind === 'metric' || c.kind === 'param');
  const metrics = dims.filter((c) => c.kind === 'metric');
  const [x, setX] = useState('');
  const [y, setY] = useState('');
  const xCol = dims.find((c) => columnKey(c) === x) ?? dims.find((c) => c.kind === 'param') ?? dims[0];
  const yCol = dims.find((c) => columnKey(c) === y) ?? metrics[0] ?? dims[1];
  const names = runs.map((r) => r.info.run_name || r.info.run_id.slice(0, 8));

  const parallel = useMemo(() => {
    const axes = dims.map((c) => axisOf(runs, c));
    return {
      animation: false,
      tooltip: { trigger: 'item', formatter: (p: { dataIndex: number }) => names[p.dataIndex] ?? '' },
      parallelAxis: dims.map((c, i) =>
        axes[i].numeric ? { dim: i, name: label(c), scale: true } : { dim: i, name: label(c), type: 'category', data: axes[i].categories },
      ),
      parallel: { left: 56, right: 80, top: 48, bottom: 24, parallelAxisDefault: { nameTextStyle: { fontSize: 11 }, nameGap: 12 } },
      series: [
        {
          type: 'parallel',
          lineStyle: { width: 1.5, opacity: 0.8 },
          data: runs.map((_, r) => axes.map((a) => a.values[r] ?? null)),
        },
      ],
    };
  }, [dims, runs, names]);

  const scatter = useMemo(() => {
    if (!xCol || !yCol) return null;
    const ax = axisOf(runs, xCol);
    const ay = axisOf(runs, yCol);
    return {
      animation: false,
      tooltip: { trigger: 'item', formatter: (p: { data: [unknown, unknown, string] }) => `${p.data[2]}: ${String(p.data[0])}, ${String(p.data[1])}` },
      grid: { left: 64, right: 24, top: 24, bottom: 48 },
      xAxis: ax.numeric ? { type: 'value', scale: true, name: label(xCol), nameLocation: 'middle', nameGap: 28 } : { type: 'category', data: ax.categories, name: label(xCol), nameLocation: 'middle', nameGap: 28 },
      yAxis: ay.numeric ? { type: 'value', scale: true, name: label(yCol) } : { type: 'category', data: ay.categories, name: label(yCol) },
      series: [
        {
          type: 'scatter',
          symbolSize: 9,
          data: runs
            .map((_, r) => [ax.values[r], ay.values[r], names[r]])
            .filter((d) => d[0] !== undefined && d[1] !== undefined),
        },
      ],
    };
  }, [xCol, yCol, runs, names]);

  if (dims.length === 0) return null;
  return (
    <section className="card" data-testid="selected-charts">
      <h2>{t('runs.selectedCharts', { count: runs.length })}</h2>
      <div className="chart-grid">
        <div className="chart-cell" data-testid="selected-parallel">
          <Chart option={parallel} height={300} />
        </div>
        {scatter && (
          <div className="chart-cell" data-testid="selected-scatter">
            <div className="filter-bar">
              <label className="check">
                x
                <select name="scatter-x" className="small-select" value={xCol ? columnKey(xCol) : ''} onChange={(e) => setX(e.target.value)}>
                  {dims.map((c) => (
                    <option key={columnKey(c)} value={columnKey(c)}>
                      {label(c)}
                    </option>
                  ))}
                </select>
              </label>
              <label className="check">
                y
                <select name="scatter-y" className="small-select" value={yCol ? columnKey(yCol) : ''} onChange={(e) => setY(e.target.value)}>
                  {dims.map((c) => (
                    <option key={columnKey(c)} value={columnKey(c)}>
                      {label(c)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <Chart option={scatter} height={260} />
          </div>
        )}
      </div>
    </section>
  );
}
