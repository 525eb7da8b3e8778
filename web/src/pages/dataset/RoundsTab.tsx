import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { getRoundItems } from '../../api/endpoints';
import type { DataRound } from '../../api/types';
import { ItemsBrowser } from '../../components/ItemsBrowser';
import { Empty } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatBytes, formatDateTime, formatNumber } from '../../lib/format';
import { sqlSourceOf } from '../../lib/sources';

/** The label of a round kind (upload, bundle, sql). */
export function roundKindLabel(t: TFunction, kind: string): string {
  if (kind === 'bundle') return t('rounds.kindBundle');
  if (kind === 'sql') return t('rounds.kindSql');
  return t('rounds.kindUpload');
}

/** A SQL round's connection, row count and query; nothing for other rounds. */
function SqlSource({ round }: { round: DataRound }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const src = sqlSourceOf(round);
  if (!src) return null;
  return (
    <div className="sql-source" data-testid="round-sql">
      <div className="muted">
        {t('rounds.sqlFrom', {
          connection: src.connection,
          kind: src.connection_kind ? t(`connections.kinds.${src.connection_kind}`, { defaultValue: src.connection_kind }) : '',
          rows: formatNumber(src.rows ?? 0, locale),
        })}
      </div>
      <pre className="sql-query" data-testid="round-sql-query">
        {src.query}
      </pre>
    </div>
  );
}

export function RoundsTab({
  project,
  dataset,
  rounds,
  selected,
  onSelect,
}: {
  project: string;
  dataset: string;
  rounds: DataRound[];
  selected: number | null;
  onSelect: (n: number | null) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (rounds.length === 0) return <Empty>{t('rounds.empty')}</Empty>;
  const sorted = [...rounds].sort((a, b) => b.number - a.number);
  return (
    <section>
      <table className="table" data-testid="rounds-table">
        <thead>
          <tr>
            <th>{t('rounds.number')}</th>
            <th>{t('rounds.kind')}</th>
            <th>{t('rounds.source')}</th>
            <th>{t('rounds.note')}</th>
            <th className="right">{t('rounds.items')}</th>
            <th className="right">{t('rounds.size')}</th>
            <th>{t('rounds.by')}</th>
            <th>{t('rounds.created')}</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={r.number} className={r.number === selected ? 'selected-row' : ''}>
              <td>
                <button
                  type="button"
                  className="link-button"
                  aria-label={t('rounds.browse', { number: r.number })}
                  onClick={() => onSelect(r.number === selected ? null : r.number)}
                >
                  #{r.number}
                </button>
              </td>
              <td>
                <span className={`badge kind-${r.kind}`}>{roundKindLabel(t, r.kind)}</span>
              </td>
              <td className="mono small break">
                {r.source}
                <SqlSource round={r} />
              </td>
              <td>{r.note}</td>
              <td className="right">{formatNumber(r.items, locale)}</td>
              <td className="right">{formatBytes(r.bytes)}</td>
              <td>{r.created_by}</td>
              <td>{formatDateTime(r.created_at, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected !== null && rounds.some((r) => r.number === selected) && (
        <div className="card items-card">
          <div className="section-head">
            <h2>{t('rounds.browse', { number: selected })}</h2>
            <button type="button" className="btn ghost icon" aria-label={t('common.close')} onClick={() => onSelect(null)}>
              ×
            </button>
          </div>
          <ItemsBrowser
            key={selected}
            queryKey={['round', project, dataset, selected]}
            fetchPage={(q) => getRoundItems(project, dataset, selected, q)}
          />
        </div>
      )}
    </section>
  );
}
