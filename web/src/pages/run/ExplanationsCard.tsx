import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { artifactContentUrl } from '../../api/endpoints';
import { ErrorBox, Loading } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatNumber } from '../../lib/format';
import { importanceTypes, topImportance } from '../../lib/importance';

// Feature importance of a run trained by a built-in trainer (its explanations.json artifact) as
// a bar chart of the top features for the chosen importance type.
export function ExplanationsCard({ runId }: { runId: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const q = useQuery({
    queryKey: ['explanations', runId],
    queryFn: () => api.get<unknown>(artifactContentUrl(runId, 'explanations.json')),
  });
  const types = importanceTypes(q.data);
  const [type, setType] = useState('gain');
  const chosen = types.includes(type) ? type : types[0] ?? 'gain';
  const bars = topImportance(q.data, chosen, 15);
  return (
    <section className="card" data-testid="explanations">
      <h2>{t('train.explanations')}</h2>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {types.length > 1 && (
        <label className="small">
          {t('train.importanceType')}{' '}
          <select value={chosen} onChange={(e) => setType(e.target.value)}>
            {types.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
      )}
      {bars.map((b) => (
        <div key={b.feature} className="small" style={{ display: 'flex', alignItems: 'center', gap: 8, margin: '2px 0' }}>
          <span className="mono" style={{ width: '30%', overflow: 'hidden', textOverflow: 'ellipsis' }}>
            {b.feature}
          </span>
          <span style={{ flex: 1 }}>
            <span
              style={{ display: 'block', height: 10, width: `${(b.share * 100).toFixed(1)}%`, background: 'var(--accent, #3b82f6)' }}
            />
          </span>
          <span className="mono">{formatNumber(b.value, locale)}</span>
        </div>
      ))}
    </section>
  );
}
