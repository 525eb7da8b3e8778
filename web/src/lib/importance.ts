// Feature importance from a trainer's explanations.json (src/train/explain.h): the top features
// of one importance type, largest first, with each value's share of the largest for bar widths.

export interface ImportanceBar {
  feature: string;
  value: number;
  share: number; // value / largest value, in [0, 1]
}

// `explanations.importance[type]` is {feature: score}; anything else gives no bars.
export function topImportance(explanations: unknown, type: string, n: number): ImportanceBar[] {
  const imp = (explanations as { importance?: Record<string, unknown> } | null)?.importance?.[type];
  if (!imp || typeof imp !== 'object') return [];
  const rows = Object.entries(imp as Record<string, unknown>)
    .filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]))
    .map(([feature, value]) => ({ feature, value: Math.abs(value) }))
    .sort((a, b) => b.value - a.value || (a.feature < b.feature ? -1 : 1))
    .slice(0, Math.max(0, n));
  const max = rows.length ? rows[0].value : 0;
  return rows.map((r) => ({ ...r, share: max > 0 ? r.value / max : 0 }));
}

// The importance types present, in the order a reader expects.
export function importanceTypes(explanations: unknown): string[] {
  const imp = (explanations as { importance?: Record<string, unknown> } | null)?.importance;
  if (!imp || typeof imp !== 'object') return [];
  const order = ['gain', 'weight', 'cover', 'total_gain', 'total_cover'];
  return order.filter((k) => k in imp);
}
