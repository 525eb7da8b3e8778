// ROC and PR curves of several runs' stored evaluations overlaid (EVAL-2: comparison of runs),
// shown on the compare page.
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getRunEvaluation } from '../../api/endpoints';
import type { Run } from '../../api/types';
import { Chart } from '../../components/charts/Chart';
import { Empty } from '../../components/Status';
import { curvePoints } from '../../lib/evaluation';
import { curveOption } from './EvaluationTab';

export function CompareCurves({ runs }: { runs: Run[] }) {
  const { t } = useTranslation();
  const qs = useQueries({
    queries: runs.map((r) => ({ queryKey: ['run-evaluation', r.info.run_id, ''], queryFn: () => getRunEvaluation(r.info.run_id) })),
  });
  if (qs.some((q) => q.isPending)) return null;
  const named = runs.map((r, i) => ({ name: r.info.run_name || r.info.run_id, ev: qs[i]?.data?.evaluation ?? null }));
  const roc = named.filter((x) => x.ev?.roc).map((x) => ({ name: x.name, points: curvePoints(x.ev!.roc!.fpr, x.ev!.roc!.tpr) }));
  const pr = named.filter((x) => x.ev?.pr).map((x) => ({ name: x.name, points: curvePoints(x.ev!.pr!.recall, x.ev!.pr!.precision) }));
  return (
    <section className="card">
      <h2>{t('report.compareCurves')}</h2>
      {roc.length === 0 && pr.length === 0 ? (
        <Empty>{t('report.noCompareCurves')}</Empty>
      ) : (
        <div className="chart-grid">
          {roc.length > 0 && (
            <div className="chart-cell" data-testid="compare-roc">
              <Chart option={curveOption(t('report.roc'), 'FPR', 'TPR', roc, true)} height={320} />
            </div>
          )}
          {pr.length > 0 && (
            <div className="chart-cell" data-testid="compare-pr">
              <Chart option={curveOption(t('report.pr'), 'Recall', 'Precision', pr, false)} height={320} />
            </div>
          )}
        </div>
      )}
    </section>
  );
}
