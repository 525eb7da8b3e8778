import { useTranslation } from 'react-i18next';

// Study and trial states drawn with the job chips' colours.
const LOOK: Record<string, string> = {
  running: 'running',
  completed: 'succeeded',
  complete: 'succeeded',
  stopped: 'cancelled',
  pruned: 'cancelled',
  failed: 'failed',
};

/** A study's (kind "study") or a trial's (kind "trial") state as a coloured chip. */
export function StateChip({ kind, state }: { kind: 'study' | 'trial'; state: string }) {
  const { t } = useTranslation();
  const group = kind === 'study' ? 'states' : 'trialStates';
  return (
    <span className={`status-pill job-state job-${LOOK[state] ?? 'unknown'}`} data-state={state} data-testid={`${kind}-state`}>
      {t(`study.${group}.${state}`, { defaultValue: state })}
    </span>
  );
}
