// A deployment's capture rate, shadow mirror and guardrails: as they stand (for everyone) and, for
// holders of deploy.write, a form that saves them with PUT /deployments/{d}. Empty guardrail limits
// remove the guardrails; the server's refusal is shown as it answered.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { updateDeployment, type DeploymentChanges } from '../../api/endpoints';
import type { Deployment, DeploymentPolicy } from '../../api/types';
import {
  formatShare,
  guardrailsForm,
  parseGuardrails,
  parsePercent,
  percentText,
  type FormProblem,
  type GuardrailsForm,
} from '../../lib/servingStrategy';
import { FormFooter, ReasonField } from './FormOutcome';
import { useDeploymentChange } from './useDeploymentChange';

export function PolicySummary({ policy }: { policy: DeploymentPolicy }) {
  const { t } = useTranslation();
  const g = policy.guardrails;
  return (
    <dl className="kv" data-testid="policy-summary">
      <div>
        <dt>{t('serving.policy.captureRate')}</dt>
        <dd data-stat="capture-rate">{formatShare(policy.capture_rate)}</dd>
      </div>
      <div>
        <dt>{t('serving.policy.shadow')}</dt>
        <dd data-stat="shadow">
        {policy.shadow ? t('serving.policy.shadowOf', { variant: policy.shadow.variant, share: formatShare(policy.shadow.share) }) : t('serving.policy.none')}
        </dd>
      </div>
      <div>
        <dt>{t('serving.policy.guardrails')}</dt>
        <dd data-stat="guardrails">
        {g
          ? [
              g.max_error_rate !== null ? t('serving.policy.maxErrorRateIs', { value: formatShare(g.max_error_rate) }) : null,
              g.max_p99_ms !== null ? t('serving.policy.maxP99Is', { value: g.max_p99_ms }) : null,
              t('serving.policy.windowIs', { seconds: g.window_s, requests: g.min_requests }),
            ]
              .filter(Boolean)
              .join(' · ')
          : t('serving.policy.none')}
        </dd>
      </div>
    </dl>
  );
}

export function PolicySettingsForm({ deployment }: { deployment: Deployment }) {
  const { t } = useTranslation();
  const policy = deployment.policy;
  const [capture, setCapture] = useState(percentText(policy.capture_rate));
  const [shadowVariant, setShadowVariant] = useState(policy.shadow?.variant ?? '');
  const [shadowShare, setShadowShare] = useState(percentText(policy.shadow?.share ?? 1));
  const [guard, setGuard] = useState<GuardrailsForm>(guardrailsForm(policy.guardrails));
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const save = useDeploymentChange(deployment.name, (body: DeploymentChanges) => updateDeployment(deployment.name, body), () => setReason(''));
  // A shadow answers mirrored requests only: the variants at weight 0 may be one.
  const candidates = deployment.variants.filter((v) => v.weight === 0);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.reset();
    const c = parsePercent(capture, 'captureRate');
    const s = parsePercent(shadowShare, 'shadowShare', { aboveZero: true });
    const g = parseGuardrails(guard);
    const p: FormProblem | null = !c.ok ? c.problem : shadowVariant && !s.ok ? s.problem : !g.ok ? g.problem : null;
    setProblem(p);
    if (p || !c.ok || !g.ok) return;
    save.mutate({
      capture_rate: c.value,
      shadow: shadowVariant && s.ok ? { variant: shadowVariant, share: s.value } : null,
      guardrails: g.value,
      reason: reason.trim() || undefined,
    });
  };
  const field = (key: keyof GuardrailsForm, label: string, name: string) => (
    <label className="field">
      <span>{label}</span>
      <input
        name={name}
        inputMode="decimal"
        className="mono"
        value={guard[key]}
        onChange={(e) => setGuard({ ...guard, [key]: e.target.value })}
      />
    </label>
  );
  return (
    <form className="form" onSubmit={submit} data-testid="policy-form">
      <h3>{t('serving.policy.title')}</h3>
      <div className="filter-bar">
        <label className="field">
          <span>{t('serving.policy.captureRatePct')}</span>
          <input name="capture-rate" inputMode="decimal" className="mono" value={capture} onChange={(e) => setCapture(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('serving.policy.shadow')}</span>
          <select name="shadow-variant" value={shadowVariant} onChange={(e) => setShadowVariant(e.target.value)}>
            <option value="">{t('serving.policy.none')}</option>
            {candidates.map((v) => (
              <option key={v.name} value={v.name}>
                {v.name} ({v.model} v{v.version})
              </option>
            ))}
          </select>
          {candidates.length === 0 && <small className="hint">{t('serving.policy.shadowHint')}</small>}
        </label>
        <label className="field">
          <span>{t('serving.policy.shadowSharePct')}</span>
          <input
            name="shadow-share"
            inputMode="decimal"
            className="mono"
            disabled={!shadowVariant}
            value={shadowShare}
            onChange={(e) => setShadowShare(e.target.value)}
          />
        </label>
      </div>
      <h4>{t('serving.policy.guardrails')}</h4>
      <p className="muted small">{t('serving.policy.guardrailsHint')}</p>
      <div className="filter-bar">
        {field('maxErrorPct', t('serving.policy.maxErrorRatePct'), 'guard-error-rate')}
        {field('maxP99Ms', t('serving.policy.maxP99Ms'), 'guard-p99')}
        {field('windowS', t('serving.policy.windowS'), 'guard-window')}
        {field('minRequests', t('serving.policy.minRequests'), 'guard-min-requests')}
      </div>
      <ReasonField name="policy-reason" value={reason} onChange={setReason} />
      <FormFooter prefix="policy" problem={problem} error={save.error} pending={save.isPending} label={t('serving.policy.save')} />
    </form>
  );
}
