// The deployment's strategy settings as they stand, and for holders of deploy.write the forms that
// change them: a canary, a blue-green switch (neither while a canary runs: the server refuses both),
// and the capture rate, shadow mirror and guardrails.
import { useTranslation } from 'react-i18next';
import type { Deployment } from '../../api/types';
import { NewVariantForm } from './NewVariantForm';
import { PolicySettingsForm, PolicySummary } from './PolicySettings';

export function StrategyTab({ deployment, project, mayWrite }: { deployment: Deployment; project: string; mayWrite: boolean }) {
  const { t } = useTranslation();
  const p = deployment.policy;
  // The settings form starts again from what the server holds whenever that changes.
  const settingsKey = JSON.stringify([p.capture_rate, p.shadow, p.guardrails, deployment.variants.map((v) => [v.name, v.weight])]);
  return (
    <section className="card" data-testid="strategy">
      <h2>{t('serving.policy.current')}</h2>
      <PolicySummary policy={p} />
      {mayWrite && (
        <div className="strategy-forms">
          {p.canary ? (
            <p className="muted small" data-testid="canary-running-note">
              {t('serving.canary.runningNote')}
            </p>
          ) : (
            <>
              <NewVariantForm kind="canary" deployment={deployment} project={project} />
              <NewVariantForm kind="switch" deployment={deployment} project={project} />
            </>
          )}
          <PolicySettingsForm key={settingsKey} deployment={deployment} />
        </div>
      )}
    </section>
  );
}
