import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getLineage } from '../../api/endpoints';
import { Chart } from '../../components/charts/Chart';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { layoutLineage, runIdOf, type PlacedNode } from '../../lib/lineage';
import { STATUS_COLORS } from './Dashboard';

const RELATION_KEYS: Record<string, string> = {
  'ingested into': 'lineage.relIngested',
  'bundled from': 'lineage.relBundled',
  'versioned from': 'lineage.relVersioned',
  'derived from': 'lineage.relDerived',
  'used by': 'lineage.relUsed',
};

const KIND_STYLE: Record<string, { color: string; symbol: string; size: number }> = {
  dataset: { color: '#16213a', symbol: 'roundRect', size: 46 },
  round: { color: '#0891b2', symbol: 'circle', size: 34 },
  bundle: { color: '#ea580c', symbol: 'diamond', size: 40 },
  version: { color: '#2f5bea', symbol: 'rect', size: 34 },
  run: { color: '#16a34a', symbol: 'triangle', size: 34 },
};

function styleOf(n: PlacedNode) {
  if (n.kind === 'round' && n.detail?.kind === 'bundle') return KIND_STYLE.bundle;
  if (n.kind === 'version' && typeof n.detail?.status === 'string') {
    return { ...KIND_STYLE.version, color: STATUS_COLORS[n.detail.status] ?? KIND_STYLE.version.color };
  }
  return KIND_STYLE[n.kind] ?? KIND_STYLE.round;
}

export function LineageTab({ project, dataset, versionPath }: { project: string; dataset: string; versionPath: (name: string) => string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const q = useQuery({ queryKey: ['lineage', project, dataset], queryFn: () => getLineage(project, dataset) });
  const layout = useMemo(() => layoutLineage(q.data?.nodes ?? [], q.data?.edges ?? []), [q.data]);
  const byId = useMemo(() => new Map(layout.nodes.map((n) => [n.id, n])), [layout]);
  const runs = layout.nodes.filter((n) => n.kind === 'run');
  const usedBy = (runNode: string) =>
    layout.edges.filter((e) => e.to === runNode && e.relation === 'used by').map((e) => byId.get(e.from)?.label ?? e.from);

  const option = useMemo(() => {
    const rows = Math.max(1, ...[...new Set(layout.nodes.map((n) => n.column))].map((c) => layout.nodes.filter((n) => n.column === c).length));
    return {
      animation: false,
      tooltip: {
        formatter: (p: { dataType: string; data: { name?: string; kindLabel?: string; detailText?: string; relation?: string } }) =>
          p.dataType === 'edge' ? p.data.relation ?? '' : `${p.data.kindLabel}: ${p.data.name}${p.data.detailText ? `<br/>${p.data.detailText}` : ''}`,
      },
      series: [
        {
          type: 'graph',
          layout: 'none',
          roam: true,
          // Only a position: ECharts then fits the layout into the box keeping its aspect ratio,
          // so symbols are not stretched.
          left: 'center',
          top: 'middle',
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 8,
          label: { show: true, position: 'bottom', fontSize: 11, color: '#1f2937' },
          edgeLabel: { show: rows <= 6, fontSize: 10, color: '#6b7280', formatter: (p: { data: { relation?: string } }) => p.data.relation ?? '' },
          lineStyle: { color: '#9aa5b8', width: 1.4, curveness: 0.08 },
          emphasis: { focus: 'adjacency' },
          data: layout.nodes.map((n) => {
            const s = styleOf(n);
            const detail = n.detail ?? {};
            const detailText = ['status', 'items', 'source', 'experiment_id', 'domain']
              .filter((k) => detail[k] !== undefined && detail[k] !== '')
              .map((k) => `${k}: ${String(detail[k])}`)
              .join('<br/>');
            return {
              id: n.id,
              name: n.label || n.id,
              x: n.x,
              y: n.y,
              symbol: s.symbol,
              symbolSize: s.size,
              itemStyle: { color: s.color },
              kindLabel: t(`lineage.kinds.${n.kind}`, { defaultValue: n.kind }),
              detailText,
              cursor: n.kind === 'run' || n.kind === 'version' ? 'pointer' : 'default',
            };
          }),
          links: layout.edges.map((e) => ({
            source: e.from,
            target: e.to,
            relation: RELATION_KEYS[e.relation] ? t(RELATION_KEYS[e.relation]) : e.relation,
          })),
        },
      ],
    };
  }, [layout, t]);

  const onClick = (e: { dataType?: string; data?: unknown }) => {
    if (e.dataType !== 'node') return;
    const n = byId.get((e.data as { id: string }).id);
    if (!n) return;
    const run = runIdOf(n);
    if (run) navigate(`/runs/${encodeURIComponent(run)}`);
    else if (n.kind === 'version') navigate(versionPath(n.label));
  };

  const height = Math.max(320, Math.min(900, 90 + 70 * Math.max(1, ...layout.nodes.map((n) => n.row + 1))));
  return (
    <section>
      <p className="muted small">{t('lineage.hint')}</p>
      {q.isPending && <Loading />}
      <ErrorBox error={q.error} />
      {q.data && layout.nodes.length === 0 && <Empty>{t('lineage.empty')}</Empty>}
      {layout.nodes.length > 0 && (
        <div className="card" data-testid="lineage-graph">
          <div className="legend small">
            {(['dataset', 'round', 'version', 'run'] as const).map((k) => (
              <span key={k} className="legend-item">
                <span className="legend-dot" style={{ background: KIND_STYLE[k].color }} />
                {t(`lineage.kinds.${k}`)}
              </span>
            ))}
            <span className="legend-item">
              <span className="legend-dot" style={{ background: KIND_STYLE.bundle.color }} />
              {t('rounds.kindBundle')}
            </span>
          </div>
          <Chart option={option} height={height} onClick={onClick} />
        </div>
      )}
      {q.data && (
        <section className="card" data-testid="lineage-runs">
          <h2>{t('lineage.runs')}</h2>
          {runs.length === 0 ? (
            <Empty>{t('lineage.noRuns')}</Empty>
          ) : (
            <table className="table compact">
              <thead>
                <tr>
                  <th>{t('lineage.kinds.run')}</th>
                  <th>{t('lineage.usedVersion')}</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link to={`/runs/${encodeURIComponent(runIdOf(r) ?? '')}`}>{r.label || runIdOf(r)}</Link>
                    </td>
                    <td className="mono">
                      {usedBy(r.id).map((v) => (
                        <Link key={v} to={versionPath(v)} className="sep-after">
                          {v}
                        </Link>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </section>
  );
}
