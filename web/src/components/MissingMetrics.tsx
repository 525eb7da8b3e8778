// Under a criteria check: each metric the run did not log, with the logged names close to it
// (the server's `close`, src/eval/metric_names.h), so "f1 missing" says "try test.f1".
import { useTranslation } from 'react-i18next';
import type { CriteriaCheck } from '../api/types';

export function MissingMetrics({ check }: { check: Pick<CriteriaCheck, 'missing' | 'close'> }) {
  const { t } = useTranslation();
  if (check.missing.length === 0) return null;
  return (
    <ul className="missing-metrics muted small" data-testid="missing-metrics">
      {check.missing.map((m) => {
        const close = check.close?.[m] ?? [];
        return (
          <li key={m} data-metric={m} data-close={close.join(',')}>
            {close.length > 0 ? t('report.missingClose', { metric: m, names: close.join(', ') }) : t('report.missingNone', { metric: m })}
          </li>
        );
      })}
    </ul>
  );
}
