// Starts a canary (POST /deployments/{d}/canary): a registered version of the project as a new
// variant that takes the first step's share of the traffic, then the next every interval while the
// guardrails hold, and at 100 % replaces the others. The server's refusal is shown as it answered.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { startCanary } from '../../api/endpoints';
import type { Deployment } from '../../api/types';
import { parseSeconds, parseSteps, type FormProblem } from '../../lib/servingStrategy';
import { useDeploymentChange } from './useDeploymentChange';
import { FormOutcome } from './FormOutcome';
import { NewVariantFields } from './NewVariantFields';
import type { PickedVersion } from './VersionPicker';

export function CanaryForm({ deployment, project }: { deployment: Deployment; project: string }) {
  const { t } = useTranslation();
  const [picked, setPicked] = useState<PickedVersion>({ model: deployment.variants[0]?.model ?? '', version: null });
  const [name, setName] = useState('');
  const [steps, setSteps] = useState('10, 25, 50');
  const [interval, setIntervalText] = useState('300');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const start = useDeploymentChange(deployment.name, (body: Parameters<typeof startCanary>[1]) => startCanary(deployment.name, body), () => {
    setName('');
    setReason('');
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start.reset();
    const s = parseSteps(steps);
    const i = parseSeconds(interval, 1, 86400, 'interval');
    const p: FormProblem | null = picked.version === null ? 'pickVersion' : !s.ok ? s.problem : !i.ok ? i.problem : null;
    setProblem(p);
    if (p || picked.version === null || !s.ok || !i.ok) return;
    start.mutate({
      model: picked.model,
      version: picked.version,
      name: name.trim() || undefined,
      steps: s.value,
      interval_s: i.value,
      reason: reason.trim() || undefined,
    });
  };
  return (
    <form className="form" onSubmit={submit} data-testid="canary-form">
      <h3>{t('serving.canary.start')}</h3>
      <p className="muted small">{t('serving.canary.hint')}</p>
      <NewVariantFields project={project} picked={picked} onPick={setPicked} name={name} onName={setName} prefix="canary" />
      <div className="filter-bar">
        <label className="field">
          <span>{t('serving.canary.steps')}</span>
          <input name="canary-steps" className="mono" value={steps} onChange={(e) => setSteps(e.target.value)} />
          <small className="hint">{t('serving.canary.stepsHint')}</small>
        </label>
        <label className="field">
          <span>{t('serving.canary.interval')}</span>
          <input name="canary-interval" inputMode="numeric" className="mono" value={interval} onChange={(e) => setIntervalText(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('serving.reason')}</span>
          <input name="canary-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
      </div>
      <FormOutcome prefix="canary" problem={problem} error={start.error} />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={start.isPending}>
          {t('serving.canary.submit')}
        </button>
      </div>
    </form>
  );
}
