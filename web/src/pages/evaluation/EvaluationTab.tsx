// The run page's Evaluation tab (EVAL-1..4): metrics per task type, confusion matrix, ROC / PR /
// calibration curves, regression residuals, slices by priority and the baselines side by side,
// plus the report downloads (모델 실험 결과서) and confirmation (EVAL-6).
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getRunEvaluation, reportUrl } from '../../api/endpoints';
import type { StoredEvaluation } from '../../api/types';
import { Chart } from '../../components/charts/Chart';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatNumber } from '../../lib/format';
import { baselineRows, curvePoints, heatColor, labelName, normalizeRows, sortSlices } from '../../lib/evaluation';
import { ConfirmCard } from './ConfirmCard';

export function EvaluationTab({ runId, project }: { runId: string; project?: string }) {
  const { t, i18n } = useTranslation();
  const [baselineRun, setBaselineRun] = useState('');
  const [applied, setApplied] = useState('');
  const q = useQuery({ queryKey: ['run-evaluation', runId, applied], queryFn: () => getRunEvaluation(runId, applied) });
  const ev = q.data?.evaluation;
  const lang = i18n.language?.startsWith('en') ? 'en' : 'ko';
  return (
    <div className="evaluation-tab">
      <section className="card">
        <div className="section-head">
          <h2>{t('report.title')}</h2>
          <div className="row gap">
            <a className="button" data-testid="report-html" href={reportUrl(runId, 'html', lang)} download>
              {t('report.downloadHtml')}
            </a>
            <a className="button" data-testid="report-pdf" href={reportUrl(runId, 'pdf', lang)} download>
              {t('report.downloadPdf')}
            </a>
          </div>
        </div>
        <p className="muted small">{t('report.about')}</p>
      </section>
      <ConfirmCard runId={runId} project={project} />
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && !ev && (
        <section className="card">
          <Empty>{t('report.noEvaluation')}</Empty>
        </section>
      )}
      {ev && (
        <>
          <MetricsCard ev={ev} />
          {ev.confusion && <ConfusionCard ev={ev} />}
          <CurvesCard ev={ev} />
          {ev.residuals && <ResidualsCard ev={ev} />}
          <SlicesCard ev={ev} />
          <section className="card">
            <div className="section-head">
              <h2>{t('report.baselines')}</h2>
              <form
                className="row gap"
                onSubmit={(e) => {
                  e.preventDefault();
                  setApplied(baselineRun.trim());
                }}
              >
                <input
                  aria-label={t('report.baselineRun')}
                  placeholder={t('report.baselineRun')}
                  value={baselineRun}
                  onChange={(e) => setBaselineRun(e.target.value)}
                />
                <button type="submit">{t('report.apply')}</button>
              </form>
            </div>
            <BaselinesTable ev={ev} />
          </section>
        </>
      )}
    </div>
  );
}

function MetricsCard({ ev }: { ev: StoredEvaluation }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <section className="card">
      <h2>
        {t('report.metrics')}{' '}
        <span className="muted small">
          · <span className="mono">{ev.name}</span> · {t(`report.problem.${ev.problem}`)} · n = {ev.n}
        </span>
      </h2>
      <table className="table compact" data-testid="eval-metrics">
        <tbody>
          {Object.entries(ev.metrics)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => (
              <tr key={k}>
                {/* Criteria name this metric `${ev.name}.${k}` (logged as ${ev.name}_${k}). */}
                <td className="mono" title={t('report.criteriaName', { name: `${ev.name}.${k}` })}>
                  {k}
                </td>
                <td className="right mono">{v === null ? '—' : formatNumber(v, locale)}</td>
              </tr>
            ))}
        </tbody>
      </table>
      {ev.report && (
        <table className="table compact">
          <thead>
            <tr>
              <th>{t('report.class')}</th>
              <th className="right">{t('report.precision')}</th>
              <th className="right">{t('report.recall')}</th>
              <th className="right">F1</th>
              <th className="right">{t('report.support')}</th>
            </tr>
          </thead>
          <tbody>
            {ev.report.per_class.map((c) => (
              <tr key={c.label}>
                <td>{labelName(ev.labels, c.label)}</td>
                <td className="right mono">{c.precision === null ? '—' : formatNumber(c.precision, locale)}</td>
                <td className="right mono">{c.recall === null ? '—' : formatNumber(c.recall, locale)}</td>
                <td className="right mono">{c.f1 === null ? '—' : formatNumber(c.f1, locale)}</td>
                <td className="right">{c.support}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ConfusionCard({ ev }: { ev: StoredEvaluation }) {
  const { t } = useTranslation();
  const m = ev.confusion!;
  const [normalized, setNormalized] = useState(false);
  const shares = normalizeRows(m.matrix);
  const shown = normalized ? shares : m.matrix;
  return (
    <section className="card">
      <div className="row spread">
        <h2>{t('report.confusion')}</h2>
        <span className="segmented" role="group" aria-label={t('report.confusion')}>
          <button type="button" className={normalized ? '' : 'active'} aria-pressed={!normalized} onClick={() => setNormalized(false)}>
            {t('report.confusionCounts')}
          </button>
          <button type="button" className={normalized ? 'active' : ''} aria-pressed={normalized} onClick={() => setNormalized(true)}>
            {t('report.confusionRows')}
          </button>
        </span>
      </div>
      <p className="muted small">{t('report.confusionAxes')}</p>
      <table className="confusion" data-testid="confusion-matrix" data-normalized={normalized}>
        <thead>
          <tr>
            <th />
            {m.labels.map((l) => (
              <th key={l}>{labelName(ev.labels, l)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row, r) => (
            <tr key={r}>
              <th>{labelName(ev.labels, m.labels[r])}</th>
              {row.map((v, c) => (
                <td
                  key={c}
                  // Coloured by the share of the true class's row, counts or not: a weak class's
                  // errors stand out as they would in the normalized view.
                  style={{ background: heatColor(shares[r][c], 1), color: shares[r][c] > 0.6 ? '#fff' : undefined }}
                  className="right mono"
                  title={normalized ? String(m.matrix[r][c]) : undefined}
                >
                  {normalized ? `${(v * 100).toFixed(1)}%` : v}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function curveOption(title: string, xName: string, yName: string, series: { name: string; points: [number, number][] }[], diagonal: boolean) {
  return {
    title: { text: title, left: 'center', textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'axis' },
    legend: series.length > 1 ? { bottom: 0 } : undefined,
    grid: { left: 48, right: 16, top: 36, bottom: series.length > 1 ? 56 : 40 },
    xAxis: { type: 'value', min: 0, max: 1, name: xName, nameLocation: 'middle', nameGap: 24 },
    yAxis: { type: 'value', min: 0, max: 1, name: yName, nameLocation: 'middle', nameGap: 32 },
    series: [
      ...series.map((s) => ({ type: 'line', name: s.name, data: s.points, showSymbol: false, step: false })),
      ...(diagonal
        ? [{ type: 'line', name: '', data: [[0, 0], [1, 1]], showSymbol: false, lineStyle: { type: 'dashed', color: '#bbb' }, silent: true }]
        : []),
    ],
  };
}

function CurvesCard({ ev }: { ev: StoredEvaluation }) {
  const { t } = useTranslation();
  const prev = ev.baselines?.previous;
  const curves: { id: string; node: JSX.Element }[] = [];
  if (ev.roc) {
    const series = [{ name: t('report.thisModel'), points: curvePoints(ev.roc.fpr, ev.roc.tpr) }];
    if (prev?.roc) series.push({ name: t('report.previousModel'), points: curvePoints(prev.roc.fpr, prev.roc.tpr) });
    curves.push({ id: 'roc', node: <Chart option={curveOption(t('report.roc'), 'FPR', 'TPR', series, true)} height={300} /> });
  }
  if (ev.pr) {
    const series = [{ name: t('report.thisModel'), points: curvePoints(ev.pr.recall, ev.pr.precision) }];
    if (prev?.pr) series.push({ name: t('report.previousModel'), points: curvePoints(prev.pr.recall, prev.pr.precision) });
    curves.push({ id: 'pr', node: <Chart option={curveOption(t('report.pr'), 'Recall', 'Precision', series, false)} height={300} /> });
  }
  if (ev.calibration) {
    const series = [{ name: t('report.thisModel'), points: curvePoints(ev.calibration.prob_pred, ev.calibration.prob_true) }];
    curves.push({ id: 'calibration', node: <Chart option={curveOption(t('report.calibration'), t('report.predicted'), t('report.observed'), series, true)} height={300} /> });
  }
  if (curves.length === 0) return null;
  return (
    <section className="card">
      <h2>{t('report.curves')}</h2>
      <div className="chart-grid">
        {curves.map((c) => (
          <div key={c.id} className="chart-cell" data-testid={`curve-${c.id}`}>
            {c.node}
          </div>
        ))}
      </div>
    </section>
  );
}

function ResidualsCard({ ev }: { ev: StoredEvaluation }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const r = ev.residuals!;
  const rows: [string, number | null][] = [
    ['mean', r.mean],
    ['std', r.std],
    ['mean |r|', r.mean_abs],
    ['min', r.min],
    ['max', r.max],
    ...Object.entries(r.percentiles),
  ];
  const labels = r.histogram.counts.map((_, i) => formatNumber(r.histogram.edges[i] ?? 0, locale));
  return (
    <section className="card">
      <h2>{t('report.residuals')}</h2>
      <div className="two-col">
        <table className="table compact" data-testid="residuals">
          <tbody>
            {rows.map(([k, v]) => (
              <tr key={k}>
                <td>{k}</td>
                <td className="right mono">{v === null ? '—' : formatNumber(v, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Chart
          option={{
            tooltip: { trigger: 'axis' },
            grid: { left: 40, right: 10, top: 10, bottom: 40 },
            xAxis: { type: 'category', data: labels },
            yAxis: { type: 'value' },
            series: [{ type: 'bar', data: r.histogram.counts }],
          }}
          height={220}
        />
      </div>
    </section>
  );
}

function SlicesCard({ ev }: { ev: StoredEvaluation }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const f = (v: number | null) => (v === null ? '—' : formatNumber(v, locale));
  return (
    <section className="card">
      <h2>{t('report.slices')}</h2>
      {!ev.slices || ev.slices.length === 0 ? (
        <Empty>{t('report.noSlices')}</Empty>
      ) : (
        ev.slices.map((s) => (
          <div key={s.by} data-testid="slices">
            <h3>
              {s.by === 'tags' ? t('report.errorTags') : s.by} · {s.metric} = {f(s.overall)}
            </h3>
            <table className="table compact">
              <thead>
                <tr>
                  <th>{t('report.slice')}</th>
                  <th className="right">{t('report.rows')}</th>
                  <th className="right">{t('report.share')}</th>
                  <th className="right">{s.metric}</th>
                  <th className="right">{t('report.baseline')}</th>
                  <th className="right">{t('report.gap')}</th>
                  <th className="right">{t('report.priority')}</th>
                </tr>
              </thead>
              <tbody>
                {sortSlices(s.slices).map((row) => (
                  <tr key={row.key} title={row.error}>
                    <td>{row.key}</td>
                    <td className="right">{row.rows}</td>
                    <td className="right mono">{f(row.share)}</td>
                    <td className="right mono">{f(row.metric)}</td>
                    <td className="right mono">{f(row.baseline)}</td>
                    <td className="right mono">{f(row.gap)}</td>
                    <td className="right mono">{f(row.priority)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))
      )}
    </section>
  );
}

function BaselinesTable({ ev }: { ev: StoredEvaluation }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const f = (v: number | null) => (v === null ? '—' : formatNumber(v, locale));
  const b = ev.baselines;
  return (
    <>
      <table className="table compact" data-testid="baselines">
        <thead>
          <tr>
            <th>{t('report.metric')}</th>
            <th className="right">{t('report.thisModel')}</th>
            <th className="right">{t('report.simpleModel')}</th>
            <th className="right">{t('report.previousModel')}</th>
            <th className="right">{t('report.humanLevel')}</th>
          </tr>
        </thead>
        <tbody>
          {baselineRows(ev).map((r) => (
            <tr key={r.metric} className={r.losesTo.length ? 'loses' : undefined} data-loses={r.losesTo.join(',') || undefined}>
              <td className="mono">
                {r.metric}
                {r.losesTo.length > 0 && (
                  <span className="status-pill job-failed baseline-loses" data-testid="baseline-loses">
                    {t(r.losesTo[0] === 'simple' ? 'report.losesToSimple' : 'report.losesToPrevious')}
                  </span>
                )}
              </td>
              <td className="right mono">{f(r.model)}</td>
              <td className={r.losesTo.includes('simple') ? 'right mono better-baseline' : 'right mono'}>{f(r.simple)}</td>
              <td className={r.losesTo.includes('previous') ? 'right mono better-baseline' : 'right mono'}>{f(r.previous)}</td>
              <td className="right mono">{f(r.human)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="small muted">
        <li>
          {t('report.simpleModel')}:{' '}
          {b.simple ? t(`report.simple.${b.simple.model}`, { prediction: String(b.simple.prediction) }) : t('report.notAvailable')}
        </li>
        <li>
          {t('report.previousModel')}: {b.previous ? `${b.previous.run_name || ''} (${b.previous.run_id})` : t('report.noPrevious')}
        </li>
        <li data-testid="human-level">
          {t('report.humanLevel')}:{' '}
          {b.human
            ? t('report.humanFrom', { project: b.human.labeling_project ?? '', version: b.human.labeled_version ?? '' })
            : t('report.noLabeling')}
        </li>
      </ul>
    </>
  );
}
