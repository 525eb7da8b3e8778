// The dataset timeline: rounds (차수) and versions (형상) in the order they were made.
import type { DataRound, DataVersion } from '../api/types';

export type TimelineEvent =
  | { type: 'round'; key: string; at: number; by?: string; round: DataRound }
  | { type: 'version'; key: string; at: number; by?: string; version: DataVersion };

/**
 * Oldest first. Events with the same time keep cause before effect: rounds before versions (a
 * version is made from rounds), then by number. Events without a time sort first.
 */
export function buildTimeline(rounds: DataRound[], versions: DataVersion[]): TimelineEvent[] {
  const events: TimelineEvent[] = [
    ...rounds.map((r): TimelineEvent => ({ type: 'round', key: `round:${r.number}`, at: r.created_at ?? 0, by: r.created_by, round: r })),
    ...versions.map((v): TimelineEvent => ({ type: 'version', key: `version:${v.number}`, at: v.created_at ?? 0, by: v.created_by, version: v })),
  ];
  const num = (e: TimelineEvent) => (e.type === 'round' ? e.round.number : e.version.number);
  return events.sort((a, b) => a.at - b.at || (a.type === b.type ? 0 : a.type === 'round' ? -1 : 1) || num(a) - num(b));
}

/** The newest version (highest number), if any. */
export function latestVersion(versions: DataVersion[]): DataVersion | undefined {
  return versions.reduce<DataVersion | undefined>((best, v) => (!best || v.number > best.number ? v : best), undefined);
}
