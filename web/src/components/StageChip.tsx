import { useTranslation } from 'react-i18next';
import { isStage } from '../lib/registry';

/** A model version's stage (REG-2) as a coloured chip. */
export function StageChip({ stage }: { stage: string }) {
  const { t } = useTranslation();
  const known = isStage(stage);
  return (
    <span className={`status-pill stage-${known ? stage : 'unknown'}`} data-stage={stage} data-testid="stage-chip">
      {known ? t(`registry.stages.${stage}`) : stage}
    </span>
  );
}
