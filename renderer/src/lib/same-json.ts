/**
 * Keeps the previous object for every item whose content did not change, so memoized rows and
 * cards (compared by identity) skip re-rendering when a refetch brings the same data back.
 * Returns the previous array itself when nothing changed at all.
 */
export function reuseUnchanged<T>(previous: readonly T[], next: readonly T[], keyOf: (item: T) => string): T[] {
  const byKey = new Map<string, { item: T; json: string }>();
  for (const item of previous) byKey.set(keyOf(item), { item, json: JSON.stringify(item) });
  let changed = previous.length !== next.length;
  const merged = next.map((item, index) => {
    const old = byKey.get(keyOf(item));
    const kept = old !== undefined && old.json === JSON.stringify(item) ? old.item : item;
    if (kept !== previous[index]) changed = true;
    return kept;
  });
  return changed ? merged : (previous as T[]);
}
