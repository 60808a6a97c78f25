/**
 * Runs `fn` over `items` with at most `limit` calls in flight, keeping the results in order. The
 * radar's git processes are CPU-bound: a few at a time keep the cores busy without making the app
 * (or the agents working in the same worktrees) wait behind a burst of hundreds.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
