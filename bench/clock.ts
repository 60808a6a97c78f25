/** Milliseconds on a clock that every process on the machine shares (wall time, high resolution).
 * Used where a time is taken in one process and compared with a time taken in another. */
export const sharedNow = (): number => performance.timeOrigin + performance.now();

/** Runs `fn` and returns how long it took in milliseconds, and its result. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

export function timedSync<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}
