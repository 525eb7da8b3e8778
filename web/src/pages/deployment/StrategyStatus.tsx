// What a deployment's strategy is doing now: a running canary (its variant, the share it holds, the
// steps done and to come, when the next one is due) or a blue-green switch inside its rollback window
// (the variants kept warm and until when). Holders of deploy.write roll back from here.
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { rollbackDeployment } from '../../api/endpoints';
import type { BlueGreenState, CanaryState, Deployment } from '../../api/types';
import { ErrorBox } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { useNow } from '../../components/useNow';
import { formatDateTime } from '../../lib/format';
import { weightsSummary } from '../../lib/serving';
import { canarySteps, countdown } from '../../lib/servingStrategy';
import { ReasonField } from './FormOutcome';
import { useDeploymentChange } from './useDeploymentChange';

/** "in 3 min 05 s" in the page's language. */
function timeLeft(t: TFunction, atMs: number, nowMs: number): string {
  const c = countdown(atMs, nowMs);
  return t(`serving.countdown.${c.unit}`, c);
}

export function StrategyStatus({ deployment, mayWrite }: { deployment: Deployment; mayWrite: boolean }) {
  const { canary, blue_green: bg } = deployment.policy;
  const now = useNow(Boolean(canary || bg));
  if (!canary && !bg) return null;
  return (
    <section className="card" data-testid="strategy-status">
      {canary && <CanaryProgress canary={canary} now={now} />}
      {bg && <BlueGreenWindow bg={bg} now={now} />}
      {mayWrite && <RollbackButton name={deployment.name} />}
    </section>
  );
}

function CanaryProgress({ canary, now }: { canary: CanaryState; now: number }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <div data-testid="canary-status">
      <h2>
        {t('serving.canary.running', { variant: canary.variant })}{' '}
        <span className="badge awaiting" data-testid="canary-percent">
          {canary.percent}%
        </span>
      </h2>
      <div className="canary-steps" data-testid="canary-steps">
        {canarySteps(canary.steps, canary.step).map((s) => (
          <span key={s.percent} className={`canary-step ${s.state}`} data-state={s.state}>
            {s.percent}%
          </span>
        ))}
      </div>
      <p className="small">
        <span data-testid="canary-next">
          {t('serving.canary.nextAt', {
            at: formatDateTime(canary.next_at, locale),
            left: timeLeft(t, canary.next_at, now),
            percent: canary.steps[canary.step + 1] ?? 100,
          })}
        </span>{' '}
        · {t('serving.canary.every', { seconds: canary.interval_s })}
      </p>
      <p className="muted small">
        {t('serving.canary.baseline')} <span className="mono">{weightsSummary(canary.baseline)}</span>
      </p>
    </div>
  );
}

function BlueGreenWindow({ bg, now }: { bg: BlueGreenState; now: number }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <div data-testid="switch-status">
      <h2>{t('serving.switch.warm')}</h2>
      <p className="small" data-testid="switch-keep-until">
        {t('serving.switch.keptUntil', {
          variants: bg.previous.join(', '),
          at: formatDateTime(bg.keep_until, locale),
          left: timeLeft(t, bg.keep_until, now),
        })}
      </p>
      <p className="muted small">
        {t('serving.switch.before')} <span className="mono">{weightsSummary(bg.before)}</span>
      </p>
    </div>
  );
}

function RollbackButton({ name }: { name: string }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const rollback = useDeploymentChange(name, () => rollbackDeployment(name, reason.trim() || undefined), () => setReason(''));
  return (
    <div className="strategy-rollback">
      <div className="row">
        <ReasonField name="strategy-rollback-reason" value={reason} onChange={setReason} />
        <button type="button" className="btn" data-testid="strategy-rollback" disabled={rollback.isPending} onClick={() => rollback.mutate(undefined)}>
          {t('serving.rollback')}
        </button>
      </div>
      <ErrorBox error={rollback.error} />
    </div>
  );
}
