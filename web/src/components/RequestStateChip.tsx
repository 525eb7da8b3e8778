import { useTranslation } from 'react-i18next';
import { isRequestState } from '../lib/approvals';

/** An approval request's state (REG-5) as a coloured chip. */
export function RequestStateChip({ state }: { state: string }) {
  const { t } = useTranslation();
  const known = isRequestState(state);
  return (
    <span className={`status-pill request-${known ? state : 'unknown'}`} data-state={state} data-testid="request-state">
      {known ? t(`approvals.states.${state}`) : state}
    </span>
  );
}
