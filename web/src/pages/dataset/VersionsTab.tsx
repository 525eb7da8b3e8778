import { Link, useNavigate } from 'react-router-dom';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { rollbackVersion, versionArchiveUrl } from '../../api/endpoints';
import type { DataVersion } from '../../api/types';
import { DataStatusChip, datasetPath } from '../../components/DataStatusChip';
import { Empty, ErrorBox } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatBytes, formatDateTime, formatNumber } from '../../lib/format';

const vname = (x: unknown) => (typeof x === 'number' ? `v${x}` : String(x));

/** "rounds 1, 2", "from v2", "rollback to v1", "labels". */
export function derivedText(v: DataVersion, t: TFunction): string {
  const d = v.derived ?? {};
  const parts: string[] = [];
  if (Array.isArray(d.rounds) && d.rounds.length) parts.push(t('versions.derivedRounds', { rounds: d.rounds.join(', ') }));
  if (d.from_version !== undefined && d.from_version !== null) parts.push(t('versions.derivedFrom', { name: vname(d.from_version) }));
  if (d.rollback_to !== undefined && d.rollback_to !== null) parts.push(t('versions.derivedRollback', { name: vname(d.rollback_to) }));
  if (d.labels) parts.push(`${t('versions.derivedLabels')} (${String(d.labels)})`);
  if (Array.isArray(d.operations) && d.operations.length) {
    const ops = d.operations.map((o) => (o && typeof o === 'object' && 'op' in o ? String((o as { op: unknown }).op) : '?'));
    parts.push(t('versions.derivedOps', { ops: ops.join(', ') }));
  }
  if (d.split && typeof d.split === 'object' && 'method' in d.split) {
    parts.push(t('versions.derivedSplit', { method: String((d.split as { method: unknown }).method) }));
  }
  return parts.join(' · ');
}

export function VersionsTab({
  project,
  dataset,
  versions,
  write,
  versionPath,
}: {
  project: string;
  dataset: string;
  versions: DataVersion[];
  write: boolean;
  versionPath: (name: string) => string;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const rollback = useMutation({
    mutationFn: (name: string) => rollbackVersion(project, dataset, name),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['dataset', project, dataset] });
      await queryClient.invalidateQueries({ queryKey: ['lineage', project, dataset] });
    },
  });
  if (versions.length === 0) return <Empty>{t('versions.empty')}</Empty>;
  const sorted = [...versions].sort((a, b) => b.number - a.number);
  return (
    <section>
      <ErrorBox error={rollback.error} />
      {rollback.data && (
        <div className="notice" role="status">
          {t('versions.rolledBack', { name: rollback.data.version.name })}
        </div>
      )}
      <div className="table-scroll">
        <table className="table" data-testid="versions-table">
          <thead>
            <tr>
              <th>{t('versions.name')}</th>
              <th>{t('versions.status')}</th>
              <th>{t('versions.storage')}</th>
              <th className="right">{t('versions.items')}</th>
              <th className="right">{t('versions.size')}</th>
              <th>{t('versions.derived')}</th>
              <th>{t('versions.message')}</th>
              <th>{t('versions.by')}</th>
              <th>{t('versions.created')}</th>
              <th aria-label={t('common.actions')} />
            </tr>
          </thead>
          <tbody>
            {sorted.map((v) => (
              <tr key={v.number}>
                <td>
                  <Link to={versionPath(v.name)} className="mono">
                    {v.name}
                  </Link>
                </td>
                <td>
                  <DataStatusChip status={v.status} />
                </td>
                <td>
                  <span className={`badge storage-${v.storage}`}>
                    {v.storage === 'delta' ? t('versions.delta', { base: v.delta_of ?? '' }) : t('versions.full')}
                  </span>
                </td>
                <td className="right">{formatNumber(v.items, locale)}</td>
                <td className="right">{formatBytes(v.bytes)}</td>
                <td className="small">{derivedText(v, t)}</td>
                <td>{v.message}</td>
                <td>{v.created_by}</td>
                <td>{formatDateTime(v.created_at, locale)}</td>
                <td className="right nowrap">
                  <div className="actions">
                    <a className="btn small" href={versionArchiveUrl(project, dataset, v.name)} download={`${dataset}-${v.name}.tar`}>
                      {t('versions.download')}
                    </a>
                    {versions.length > 1 && (
                      <select
                        className="small-select"
                        aria-label={t('versions.compareWith', { name: v.name })}
                        value=""
                        onChange={(e) => {
                          if (e.target.value)
                            navigate(`${datasetPath(project, dataset)}/diff?from=${encodeURIComponent(v.name)}&to=${encodeURIComponent(e.target.value)}`);
                        }}
                      >
                        <option value="">{t('versions.compare')}</option>
                        {sorted
                          .filter((o) => o.number !== v.number)
                          .map((o) => (
                            <option key={o.number} value={o.name}>
                              {o.name}
                            </option>
                          ))}
                      </select>
                    )}
                    {write && (
                      <button
                        type="button"
                        className="btn small danger"
                        disabled={rollback.isPending}
                        onClick={() => {
                          if (window.confirm(t('versions.confirmRollback', { name: v.name }))) rollback.mutate(v.name);
                        }}
                      >
                        {t('versions.rollback')}
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
