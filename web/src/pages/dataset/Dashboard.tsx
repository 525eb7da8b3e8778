import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { DatasetDetail } from '../../api/types';
import { Chart } from '../../components/charts/Chart';
import { DATA_STATUSES, DataStatusChip } from '../../components/DataStatusChip';
import { useLocale } from '../../components/useLocale';
import { formatBytes, formatNumber } from '../../lib/format';
import { latestVersion } from '../../lib/timeline';

export const STATUS_COLORS: Record<string, string> = { raw: '#8a94a6', refined: '#2f5bea', labeled: '#9333ea', split: '#1b7f3b' };

/** Counts of versions by status, the latest version's size, rounds — with two small charts. */
export function Dashboard({ detail }: { detail: DatasetDetail }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const versions = detail.versions ?? [];
  const rounds = detail.rounds ?? [];
  const latest = latestVersion(versions);
  const byStatus = detail.versions_by_status ?? {};

  const option = useMemo(
    () => ({
      animation: false,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      title: [
        { text: t('dataset.versionsByStatus'), left: '2%', top: 0, textStyle: { fontSize: 12, fontWeight: 600, color: '#374151' } },
        { text: t('dataset.itemsByRound'), left: '52%', top: 0, textStyle: { fontSize: 12, fontWeight: 600, color: '#374151' } },
      ],
      grid: [
        { left: '2%', width: '44%', top: 30, bottom: 24, containLabel: true },
        { left: '52%', width: '46%', top: 30, bottom: 24, containLabel: true },
      ],
      xAxis: [
        { gridIndex: 0, type: 'category', data: DATA_STATUSES.map((s) => t(`dataStatus.${s}`)) },
        { gridIndex: 1, type: 'category', data: rounds.map((r) => String(r.number)) },
      ],
      yAxis: [
        { gridIndex: 0, type: 'value', minInterval: 1 },
        { gridIndex: 1, type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => formatNumber(v, locale) } },
      ],
      series: [
        {
          type: 'bar',
          xAxisIndex: 0,
          yAxisIndex: 0,
          name: t('dataset.versionsCount'),
          data: DATA_STATUSES.map((s) => ({ value: byStatus[s] ?? 0, itemStyle: { color: STATUS_COLORS[s] } })),
          barMaxWidth: 36,
        },
        {
          type: 'bar',
          xAxisIndex: 1,
          yAxisIndex: 1,
          name: t('rounds.items'),
          data: rounds.map((r) => ({ value: r.items, itemStyle: { color: r.kind === 'bundle' ? '#ea580c' : '#0891b2' } })),
          barMaxWidth: 28,
        },
      ],
    }),
    [t, locale, rounds, byStatus],
  );

  return (
    <section className="card" data-testid="status-dashboard">
      <h2>{t('dataset.dashboard')}</h2>
      <div className="stat-row">
        {DATA_STATUSES.map((s) => (
          <div key={s} className="stat" data-testid={`stat-status-${s}`}>
            <DataStatusChip status={s} />
            <strong>{byStatus[s] ?? 0}</strong>
          </div>
        ))}
        <div className="stat">
          <span className="muted small">{t('dataset.latestVersion')}</span>
          <strong data-testid="stat-latest">{latest ? latest.name : t('dataset.noVersion')}</strong>
        </div>
        <div className="stat">
          <span className="muted small">{t('dataset.latestItems')}</span>
          <strong data-testid="stat-latest-items">{latest ? formatNumber(latest.items, locale) : '—'}</strong>
        </div>
        <div className="stat">
          <span className="muted small">{t('dataset.latestBytes')}</span>
          <strong>{latest ? formatBytes(latest.bytes) : '—'}</strong>
        </div>
        <div className="stat">
          <span className="muted small">{t('dataset.roundsCount')}</span>
          <strong data-testid="stat-rounds">{rounds.length}</strong>
        </div>
        <div className="stat">
          <span className="muted small">{t('dataset.versionsCount')}</span>
          <strong>{versions.length}</strong>
        </div>
      </div>
      <div data-testid="dashboard-chart">
        <Chart option={option} height={200} />
      </div>
    </section>
  );
}
