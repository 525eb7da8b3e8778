// A new variant brought in by a strategy, for holders of deploy.write: a registered version of the
// project, its name (the server's default is "v<version>") and a reason, and
// - canary (POST /deployments/{d}/canary): it takes the first step's share of the traffic, then the
//   next every interval while the guardrails hold, and at 100 % replaces the other variants;
// - switch (POST /deployments/{d}/switch, blue-green): it takes all the traffic at once; the variants
//   before stay loaded at weight 0 for the given seconds, so a rollback within them is instant.
// The server's refusal is shown as it answered.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { startCanary, switchDeployment } from '../../api/endpoints';
import type { Deployment } from '../../api/types';
import { parseSeconds, parseSteps, type FormProblem } from '../../lib/servingStrategy';
import { FormFooter, ReasonField } from './FormOutcome';
import { NewVariantFields } from './NewVariantFields';
import { useDeploymentChange } from './useDeploymentChange';
import type { PickedVersion } from './VersionPicker';

type Kind = 'canary' | 'switch';
type Body = { model: string; version: number; name?: string; reason?: string; steps?: number[]; interval_s?: number; keep_s?: number };

export function NewVariantForm({ kind, deployment, project }: { kind: Kind; deployment: Deployment; project: string }) {
  const { t } = useTranslation();
  const [picked, setPicked] = useState<PickedVersion>({ model: deployment.variants[0]?.model ?? '', version: null });
  const [name, setName] = useState('');
  const [steps, setSteps] = useState('10, 25, 50');
  const [interval, setIntervalText] = useState('300');
  const [keep, setKeep] = useState('600');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const change = useDeploymentChange(
    deployment.name,
    (body: Body) => (kind === 'canary' ? startCanary(deployment.name, body) : switchDeployment(deployment.name, body)),
    () => {
      setName('');
      setReason('');
    },
  );
  // The kind's own fields, checked: {steps, interval_s} or {keep_s}.
  const extras = (): { ok: true; value: Partial<Body> } | { ok: false; problem: FormProblem } => {
    if (kind === 'switch') {
      const k = parseSeconds(keep, 0, 7 * 86400, 'keep');
      return k.ok ? { ok: true, value: { keep_s: k.value } } : k;
    }
    const s = parseSteps(steps);
    if (!s.ok) return s;
    const i = parseSeconds(interval, 1, 86400, 'interval');
    return i.ok ? { ok: true, value: { steps: s.value, interval_s: i.value } } : i;
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    change.reset();
    const x = extras();
    const p: FormProblem | null = picked.version === null ? 'pickVersion' : !x.ok ? x.problem : null;
    setProblem(p);
    if (p || picked.version === null || !x.ok) return;
    change.mutate({ model: picked.model, version: picked.version, name: name.trim() || undefined, reason: reason.trim() || undefined, ...x.value });
  };
  const text = (label: string, input: string, value: string, set: (v: string) => void, hint?: string) => (
    <label className="field">
      <span>{label}</span>
      <input name={input} className="mono" value={value} onChange={(e) => set(e.target.value)} />
      {hint && <small className="hint">{hint}</small>}
    </label>
  );
  return (
    <form className="form" onSubmit={submit} data-testid={`${kind}-form`}>
      <h3>{t(`serving.${kind}.start`)}</h3>
      <p className="muted small">{t(`serving.${kind}.hint`)}</p>
      <NewVariantFields project={project} picked={picked} onPick={setPicked} name={name} onName={setName} prefix={kind} />
      <div className="filter-bar">
        {kind === 'canary' ? (
          <>
            {text(t('serving.canary.steps'), 'canary-steps', steps, setSteps, t('serving.canary.stepsHint'))}
            {text(t('serving.canary.interval'), 'canary-interval', interval, setIntervalText)}
          </>
        ) : (
          text(t('serving.switch.keep'), 'switch-keep', keep, setKeep, t('serving.switch.keepHint'))
        )}
        <ReasonField name={`${kind}-reason`} value={reason} onChange={setReason} />
      </div>
      <FormFooter prefix={kind} problem={problem} error={change.error} pending={change.isPending} label={t(`serving.${kind}.submit`)} />
    </form>
  );
}
