import { useTranslation } from 'react-i18next';
import { JOB_STATES } from '../lib/jobs';

const KNOWN = new Set<string>(JOB_STATES);

/** A job's state as a coloured chip; a running job asked to stop says so. */
export function JobStateChip({ state, cancelRequested }: { state: string; cancelRequested?: boolean }) {
  const { t } = useTranslation();
  const stopping = state === 'running' && cancelRequested;
  return (
    <span className={`status-pill job-state job-${KNOWN.has(state) ? state : 'unknown'}`} data-state={state} data-testid="job-state">
      {KNOWN.has(state) ? t(`jobs.states.${state}`) : state}
      {stopping && <span className="job-stopping"> · {t('jobs.stopping')}</span>}
    </span>
  );
}
