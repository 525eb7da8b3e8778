// Side-by-side comparison of key/value sets of several runs.

export interface DiffRow<V> {
  key: string;
  /** One entry per run, undefined where the run lacks the key. */
  values: (V | undefined)[];
  differs: boolean;
}

function same<V>(a: V | undefined, b: V | undefined): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  return a === b;
}

/**
 * Builds one row per key present in any run, sorted by key. A row differs when any two runs
 * disagree, a missing value counting as different from any present one.
 */
export function diffKeyValues<V>(perRun: Array<Array<{ key: string; value: V }> | undefined>): DiffRow<V>[] {
  const maps = perRun.map((kv) => {
    const m = new Map<string, V>();
    for (const { key, value } of kv ?? []) m.set(key, value);
    return m;
  });
  const keys = new Set<string>();
  for (const m of maps) for (const k of m.keys()) keys.add(k);
  return [...keys]
    .sort((a, b) => a.localeCompare(b))
    .map((key) => {
      const values = maps.map((m) => (m.has(key) ? m.get(key) : undefined));
      const differs = values.some((v) => !same(v, values[0]));
      return { key, values, differs };
    });
}
