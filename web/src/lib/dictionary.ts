// Word dictionaries (단어사전) in version diffs and quality reports.
import type { DictionaryDiff } from '../api/types';

export type DictionaryChange = 'added' | 'removed' | 'changed';
export const DICTIONARY_CHANGES: readonly DictionaryChange[] = ['added', 'removed', 'changed'];

/** How many entries of a kind the server counted but did not list (it lists at most N). */
export function unlisted(d: DictionaryDiff, kind: DictionaryChange): number {
  const listed = (kind === 'changed' ? d.changed : d[kind])?.length ?? 0;
  return Math.max(0, d.counts[kind] - listed);
}

/** Total changed entries of a dictionary. */
export const dictionaryTotal = (d: DictionaryDiff): number => d.counts.added + d.counts.removed + d.counts.changed;

/** The diff's lists kept to terms containing `filter` (case-insensitive); counts untouched. */
export function filterDictionaryDiff(d: DictionaryDiff, filter: string): DictionaryDiff {
  const f = filter.trim().toLowerCase();
  if (!f) return d;
  const has = (term: string) => term.toLowerCase().includes(f);
  return {
    ...d,
    added: (d.added ?? []).filter(has),
    removed: (d.removed ?? []).filter(has),
    changed: (d.changed ?? []).filter((c) => has(c.term)),
  };
}
