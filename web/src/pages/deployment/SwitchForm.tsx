// A blue-green switch (POST /deployments/{d}/switch): a registered version of the project takes all
// the traffic at once; the variants before stay loaded at weight 0 for the given seconds, so a
// rollback within that window is instant. The server's refusal is shown as it answered.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { switchDeployment } from '../../api/endpoints';
import type { Deployment } from '../../api/types';
import { parseSeconds, type FormProblem } from '../../lib/servingStrategy';
import { useDeploymentChange } from './useDeploymentChange';
import { FormOutcome } from './FormOutcome';
import { NewVariantFields } from './NewVariantFields';
import type { PickedVersion } from './VersionPicker';

export function SwitchForm({ deployment, project }: { deployment: Deployment; project: string }) {
  const { t } = useTranslation();
  const [picked, setPicked] = useState<PickedVersion>({ model: deployment.variants[0]?.model ?? '', version: null });
  const [name, setName] = useState('');
  const [keep, setKeep] = useState('600');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const sw = useDeploymentChange(
    deployment.name,
    (body: Parameters<typeof switchDeployment>[1]) => switchDeployment(deployment.name, body),
    () => {
      setName('');
      setReason('');
    },
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    sw.reset();
    const k = parseSeconds(keep, 0, 7 * 86400, 'keep');
    const p: FormProblem | null = picked.version === null ? 'pickVersion' : !k.ok ? k.problem : null;
    setProblem(p);
    if (p || picked.version === null || !k.ok) return;
    sw.mutate({ model: picked.model, version: picked.version, name: name.trim() || undefined, keep_s: k.value, reason: reason.trim() || undefined });
  };
  return (
    <form className="form" onSubmit={submit} data-testid="switch-form">
      <h3>{t('serving.switch.start')}</h3>
      <p className="muted small">{t('serving.switch.hint')}</p>
      <NewVariantFields project={project} picked={picked} onPick={setPicked} name={name} onName={setName} prefix="switch" />
      <div className="filter-bar">
        <label className="field">
          <span>{t('serving.switch.keep')}</span>
          <input name="switch-keep" inputMode="numeric" className="mono" value={keep} onChange={(e) => setKeep(e.target.value)} />
          <small className="hint">{t('serving.switch.keepHint')}</small>
        </label>
        <label className="field">
          <span>{t('serving.reason')}</span>
          <input name="switch-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
      </div>
      <FormOutcome prefix="switch" problem={problem} error={sw.error} />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={sw.isPending}>
          {t('serving.switch.submit')}
        </button>
      </div>
    </form>
  );
}
