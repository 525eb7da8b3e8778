import { useTranslation } from 'react-i18next';

const KNOWN = new Set(['pending', 'queued', 'running', 'succeeded', 'failed', 'cached', 'skipped', 'cancelled']);

/** The state of a pipeline run or step as a coloured chip. */
export function PipelineStateChip({ state }: { state: string }) {
  const { t } = useTranslation();
  return (
    <span className={`status-pill pipe-state pipe-${KNOWN.has(state) ? state : 'unknown'}`} data-state={state} data-testid="pipeline-state">
      {KNOWN.has(state) ? t(`pipeline.states.${state}`) : state}
    </span>
  );
}
