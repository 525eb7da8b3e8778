// A version's lineage as an inline SVG graph (lib/versionLineage.ts): data versions and the
// experiment → the run → the confirmed package (criteria met or not) → an import record → the
// version. A node with a page in the UI is a link to it.
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { ModelVersion } from '../../api/types';
import { Empty } from '../../components/Status';
import { fitLabel, hasLineage, lineageGraph, type PlacedLineageNode } from '../../lib/versionLineage';

function subLine(n: PlacedLineageNode, t: (k: string, o?: Record<string, unknown>) => string): string {
  switch (n.kind) {
    case 'run':
      return t(`runStatus.${n.sub}`, { defaultValue: n.sub });
    case 'version':
      return t(`registry.stages.${n.sub}`, { defaultValue: n.sub });
    case 'package':
      return n.passed === null ? n.sub : `${n.sub} · ${n.passed ? t('report.criteriaPassed') : t('report.criteriaFailed')}`;
    case 'imported':
      return t('registry.lineageGraph.repository', { sha: n.sub });
    case 'data':
      return n.sub === 'dataset_version' ? '' : n.sub;
    default:
      return n.sub;
  }
}

export function LineageGraph({ v, projectName }: { v: ModelVersion; projectName?: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  if (!hasLineage(v)) return <Empty>{t('registry.lineageGraph.none')}</Empty>;
  const g = lineageGraph(v, projectName);
  return (
    <div className="dag-scroll">
      <svg
        className="dag lineage-graph"
        data-testid="lineage-graph"
        width={g.width}
        height={g.height}
        viewBox={`0 0 ${g.width} ${g.height}`}
        aria-label={t('registry.lineageGraph.title')}
      >
        <defs>
          <marker id="lineage-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="dag-arrow" />
          </marker>
        </defs>
        {g.edges.map((e) => (
          <path key={`${e.from}->${e.to}`} d={e.path} className="dag-edge" markerEnd="url(#lineage-arrow)" />
        ))}
        {g.nodes.map((n) => {
          const sub = subLine(n, t);
          const kind = t(`registry.lineageGraph.kinds.${n.kind}`);
          const state = n.passed === null ? '' : n.passed ? ' lineage-node--pass' : ' lineage-node--fail';
          const body = (
            <>
              <title>{[kind, n.label, sub].filter(Boolean).join('\n')}</title>
              <rect width={g.nodeWidth} height={g.nodeHeight} rx={8} />
              <text x={10} y={15} className="lineage-kind">
                {kind}
              </text>
              <text x={10} y={32} className="dag-name">
                {fitLabel(n.label, 24)}
              </text>
              {sub && (
                <text x={10} y={46} className="dag-sub">
                  {fitLabel(sub, 32)}
                </text>
              )}
            </>
          );
          const cls = `dag-node lineage-node lineage-node--${n.kind}${state}`;
          return (
            <g key={n.id} transform={`translate(${n.x},${n.y})`} className={cls} data-kind={n.kind} data-node={n.id}>
              {n.href ? (
                <a
                  href={n.href}
                  data-testid={`lineage-node-${n.kind}`}
                  onClick={(e) => {
                    if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
                    e.preventDefault();
                    navigate(n.href!);
                  }}
                >
                  {body}
                </a>
              ) : (
                <g data-testid={`lineage-node-${n.kind}`}>{body}</g>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
