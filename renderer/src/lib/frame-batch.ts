/**
 * Coalesces bursts of work into one run per animation frame (ARCHITECTURE.md, "Streams": renderer
 * stores coalesce updates per frame). A timer backs the frame up, because hidden pages and
 * background tabs get no animation frames and must still catch up soon.
 */
export interface Scheduler {
  requestFrame(callback: () => void): unknown;
  cancelFrame(handle: unknown): void;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const browserScheduler: Scheduler = {
  requestFrame: (callback) =>
    typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => callback()) : setTimeout(callback, 16),
  cancelFrame: (handle) => {
    if (typeof cancelAnimationFrame === 'function') cancelAnimationFrame(handle as number);
    else clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const FALLBACK_MS = 250;

/** Collects items; `flush` gets each distinct item once, at the next frame. */
export function createFrameBatch<T>(flush: (items: Set<T>) => void, scheduler: Scheduler = browserScheduler) {
  let pending = new Set<T>();
  let frame: unknown = null;
  let timer: unknown = null;

  const run = () => {
    if (frame !== null) scheduler.cancelFrame(frame);
    if (timer !== null) scheduler.clearTimeout(timer);
    frame = timer = null;
    const items = pending;
    pending = new Set();
    if (items.size > 0) flush(items);
  };

  return {
    add(item: T) {
      pending.add(item);
      if (frame !== null) return;
      frame = scheduler.requestFrame(run);
      timer = scheduler.setTimeout(run, FALLBACK_MS);
    },
    cancel() {
      if (frame !== null) scheduler.cancelFrame(frame);
      if (timer !== null) scheduler.clearTimeout(timer);
      frame = timer = null;
      pending = new Set();
    },
  };
}
