import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { DataRound, DataVersion } from '../../api/types';
import { DataStatusChip } from '../../components/DataStatusChip';
import { Empty } from '../../components/Status';
import { useLocale } from '../../components/useLocale';
import { formatBytes, formatDateTimeShort } from '../../lib/format';
import { queryPreview, sqlSourceOf } from '../../lib/sources';
import { buildTimeline } from '../../lib/timeline';

/** Rounds and versions in the order they were made, with who, when and the note. */
export function Timeline({
  rounds,
  versions,
  versionPath,
  onRound,
}: {
  rounds: DataRound[];
  versions: DataVersion[];
  versionPath: (name: string) => string;
  onRound: (n: number) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const events = useMemo(() => buildTimeline(rounds, versions), [rounds, versions]);
  return (
    <section className="card">
      <h2>{t('dataset.timeline')}</h2>
      {events.length === 0 ? (
        <Empty>{t('dataset.timelineEmpty')}</Empty>
      ) : (
        <ol className="timeline" data-testid="timeline">
          {events.map((e) => (
            <li key={e.key} className={`timeline-item timeline-${e.type === 'round' ? e.round.kind : 'version'}`}>
              <span className="timeline-dot" aria-hidden="true" />
              <div className="timeline-body">
                <div className="timeline-title">
                  {e.type === 'round' ? (
                    <button type="button" className="link-button" onClick={() => onRound(e.round.number)}>
                      {e.round.kind === 'bundle'
                        ? t('dataset.bundleEvent', { number: e.round.number })
                        : e.round.kind === 'sql'
                          ? t('dataset.sqlEvent', { number: e.round.number, connection: sqlSourceOf(e.round)?.connection ?? '' })
                          : t('dataset.roundEvent', { number: e.round.number })}
                    </button>
                  ) : (
                    <>
                      <Link to={versionPath(e.version.name)}>{t('dataset.versionEvent', { name: e.version.name })}</Link>
                      <DataStatusChip status={e.version.status} />
                    </>
                  )}
                  <span className="muted small">
                    {t('dataset.itemsCount', { count: e.type === 'round' ? e.round.items : e.version.items })} ·{' '}
                    {formatBytes(e.type === 'round' ? e.round.bytes : e.version.bytes)}
                  </span>
                </div>
                <div className="muted small">{t('dataset.byAt', { user: e.by ?? '—', date: formatDateTimeShort(e.at, locale) })}</div>
                {e.type === 'round' && sqlSourceOf(e.round) && (
                  <div className="timeline-query mono small" title={sqlSourceOf(e.round)!.query}>
                    {queryPreview(sqlSourceOf(e.round)!.query)}
                  </div>
                )}
                {(e.type === 'round' ? e.round.note : e.version.message) && (
                  <div className="timeline-note">{e.type === 'round' ? e.round.note : e.version.message}</div>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
