// The traffic split of a deployment for holders of deploy.write: edit the variants' weights and
// save them with a reason (PUT), or roll back to the variants before the last change; the
// server's refusal is shown as it answered.
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { rollbackDeployment, updateDeployment } from '../../api/endpoints';
import type { Deployment } from '../../api/types';
import { ErrorBox } from '../../components/Status';
import { parseWeights, withWeights } from '../../lib/serving';

export function TrafficSplitForm({ deployment }: { deployment: Deployment }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const current = deployment.variants.map((v) => String(v.weight));
  const [texts, setTexts] = useState<string[]>(current);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: ['deployment', deployment.name] });
    await qc.invalidateQueries({ queryKey: ['deployments'] });
  };
  const save = useMutation({
    mutationFn: (weights: number[]) =>
      updateDeployment(deployment.name, { variants: withWeights(deployment.variants, weights), reason: reason.trim() || undefined }),
    onSuccess: async (res) => {
      setReason('');
      setTexts(res.deployment.variants.map((v) => String(v.weight)));
      await refresh();
    },
  });
  const rollback = useMutation({
    mutationFn: () => rollbackDeployment(deployment.name, reason.trim() || undefined),
    onSuccess: async (res) => {
      setReason('');
      setTexts(res.deployment.variants.map((v) => String(v.weight)));
      await refresh();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    rollback.reset();
    const parsed = parseWeights(texts);
    if ('problem' in parsed) {
      const variant = parsed.index >= 0 ? deployment.variants[parsed.index].name : '';
      setProblem(t(`serving.weightProblems.${parsed.problem}`, { variant }));
      return;
    }
    setProblem(null);
    save.mutate(parsed.weights);
  };
  const changed = texts.some((s, i) => s.trim() !== current[i]);
  return (
    <form className="form traffic-form" onSubmit={submit} data-testid="traffic-form">
      <h3>{t('serving.trafficSplit')}</h3>
      <div className="filter-bar">
        {deployment.variants.map((v, i) => (
          <label key={v.name} className="field">
            <span>{t('serving.weightFor', { variant: v.name })}</span>
            <input
              name={`weight-${v.name}`}
              inputMode="numeric"
              className="mono"
              value={texts[i] ?? ''}
              onChange={(e) => {
                const next = [...texts];
                next[i] = e.target.value;
                setTexts(next);
                setProblem(null);
                save.reset();
              }}
            />
          </label>
        ))}
      </div>
      <label className="field">
        <span>{t('serving.reason')}</span>
        <input name="deploy-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      {problem && (
        <div className="error-box" role="alert" data-testid="weight-problem">
          {problem}
        </div>
      )}
      <div data-testid="traffic-error">
        <ErrorBox error={save.error ?? rollback.error} />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={save.isPending || !changed}>
          {t('serving.save')}
        </button>
        <button
          type="button"
          className="btn"
          data-testid="rollback"
          disabled={rollback.isPending}
          onClick={() => {
            save.reset();
            setProblem(null);
            rollback.mutate();
          }}
        >
          {t('serving.rollback')}
        </button>
      </div>
      <p className="muted small">{t('serving.rollbackHint')}</p>
    </form>
  );
}
