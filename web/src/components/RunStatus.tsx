import { useTranslation } from 'react-i18next';

const KNOWN = new Set(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);

export function RunStatus({ status }: { status: string }) {
  const { t } = useTranslation();
  const known = KNOWN.has(status);
  return (
    <span className={`status-pill status-${status.toLowerCase()}`}>
      {known ? t(`runStatus.${status}`) : status}
    </span>
  );
}
