/**
 * How fast the page scrolls, for the diff's work queue (frame-queue.ts). While the page flings (a
 * scrollbar dragged, a hard flick: more than FLING_PX from one scroll event to the next, or faster
 * than FLING_PX_PER_MS), the files it passes go by before anyone could read them, and rendering each
 * one is main-thread work that holds up the scroll's own frames. The queue waits while it flings and goes on once the scroll slows
 * below that or stops (SETTLE_MS without a scroll event): then what is near the view is
 * rendered — the sections passed on the way have left the view, and their pieces were cancelled.
 *
 * A jump (a file chosen in the tree, j/k, End) is one scroll event after a pause: not a fling.
 * Reading, skimming and a wheel's smooth scroll stay below it: files render as they come.
 */

/**
 * More than this from one scroll event to the next (they come once a frame): a quarter of a laptop's
 * view every frame. Counted per event, not only per millisecond: on a busy machine frames come
 * late, and 600 px a frame at 50 ms a frame is still a fling (timed alone, it looked slow enough to
 * render in — on the frames the machine could least afford it).
 */
export const FLING_PX = 200;
/** Or faster than this (200 px a frame at 60 Hz; for screens that send events more often). */
export const FLING_PX_PER_MS = 12;
/** No scroll event for this long: the page is at rest. */
export const SETTLE_MS = 120;

export interface ScrollSpeed {
  /** A scroll event: the page's scroll position and when (ms, one clock for all samples). */
  sample(y: number, at: number): void;
  /** True while the page flings (`at`: now, on the samples' clock). */
  flinging(at: number): boolean;
  /** Resolves once the page is not flinging (at once when it is not). */
  settled(at: number): Promise<void>;
}

export function createScrollSpeed(): ScrollSpeed {
  let lastY = 0;
  let lastAt = Number.NEGATIVE_INFINITY;
  let fast = false;
  let restTimer: ReturnType<typeof setTimeout> | null = null;
  const waiting = new Set<() => void>();

  const release = () => {
    const now = [...waiting];
    waiting.clear();
    for (const resolve of now) resolve();
  };
  const rest = () => {
    restTimer = null;
    fast = false;
    release();
  };
  const isFlinging = (at: number) => fast && at - lastAt < SETTLE_MS;

  return {
    sample(y, at) {
      const dt = at - lastAt;
      // The first event after a pause is a jump or the start of a scroll: no speed to tell from it.
      // Two events in the same millisecond tell nothing either.
      const moved = Math.abs(y - lastY);
      if (dt >= SETTLE_MS) fast = false;
      else if (dt > 0) fast = moved > FLING_PX || moved / dt > FLING_PX_PER_MS;
      lastY = y;
      lastAt = at;
      if (restTimer !== null) clearTimeout(restTimer);
      restTimer = setTimeout(rest, SETTLE_MS);
      if (!isFlinging(at)) release();
    },
    flinging: isFlinging,
    settled(at) {
      if (!isFlinging(at)) return Promise.resolve();
      return new Promise((resolve) => waiting.add(resolve));
    },
  };
}

let page: ScrollSpeed | null = null;

/** The page's scroll speed (told by the window's scroll events from the first call on; none outside a page). */
export function pageScrollSpeed(): ScrollSpeed {
  if (page === null) {
    page = createScrollSpeed();
    const speed = page;
    if (typeof window !== 'undefined') window.addEventListener('scroll', () => speed.sample(window.scrollY, performance.now()), { passive: true });
  }
  return page;
}
