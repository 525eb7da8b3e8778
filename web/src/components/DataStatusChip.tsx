import { useTranslation } from 'react-i18next';

export const DATA_STATUSES = ['raw', 'refined', 'labeled', 'split'] as const;
export const DATA_DOMAINS = ['vision', 'language', 'tabular', 'multimodal'] as const;

const KNOWN = new Set<string>(DATA_STATUSES);

/** raw → refined → labeled → split, each with its colour. */
export function DataStatusChip({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`status-pill data-status data-${KNOWN.has(status) ? status : 'other'}`}>
      {KNOWN.has(status) ? t(`dataStatus.${status}`) : status}
    </span>
  );
}

export function SensitiveBadge() {
  const { t } = useTranslation();
  return (
    <span className="badge badge-sensitive" title={t('dataset.sensitiveHint')}>
      {t('dataset.sensitive')}
    </span>
  );
}

export function Tags({ tags }: { tags?: string[] }) {
  if (!tags?.length) return null;
  return (
    <span className="tag-list">
      {tags.map((tag) => (
        <span key={tag} className="tag">
          {tag}
        </span>
      ))}
    </span>
  );
}

export const datasetPath = (project: string, dataset: string) =>
  `/projects/${encodeURIComponent(project)}/datasets/${encodeURIComponent(dataset)}`;
