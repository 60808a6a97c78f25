/**
 * Where the diff's file sections are against the view, worked out from the scroll position once a
 * frame, instead of two IntersectionObservers watching every section (300 targets each for a
 * 300-file change: Chromium computes every target's intersection on every frame of a scroll, on
 * top of its own observer for each `content-visibility: auto` element). The sections are the
 * container's children, in order, one under the other: a binary search finds the first one near
 * the view, and only the few from there to the end of the near band are measured.
 */

/** A section this close to the view (above or below) is near: rendered before it is scrolled to. */
export const NEAR_PX = 1200;
/** The reading band: from just below the app's sticky bars to a fifth of the view's height. */
export const READING_TOP_PX = 90;
const READING_BOTTOM = 0.2;

type Listener = (near: boolean) => void;

export interface SectionTracker {
  /** Tells `listener` when `el` (a section, a child of the container) comes near the view and leaves it again. */
  observeNear(el: Element, listener: Listener): () => void;
  /** Works everything out again in the next frame (sections were added, or changed height). */
  check(): void;
  stop(): void;
}

export interface TrackerOptions {
  /** The sections' parent. */
  container: () => HTMLElement | null;
  /** The first section crossing the reading band (its `data-path`), when one does. */
  onReading: (path: string) => void;
}

/** Index of the first element whose bottom is at or below `y` (elements in order, not overlapping). */
export function firstEndingBelow(count: number, bottomOf: (i: number) => number, y: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bottomOf(mid) < y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function createSectionTracker({ container, onReading }: TrackerOptions): SectionTracker {
  const listeners = new Map<Element, Listener>();
  const near = new Set<Element>();
  let frame: number | null = null;

  const run = () => {
    frame = null;
    const parent = container();
    if (parent === null) return;
    const sections = parent.children;
    const view = window.innerHeight;
    const rects = new Map<number, DOMRect>();
    const rect = (i: number) => {
      let r = rects.get(i);
      if (r === undefined) {
        r = (sections[i] as Element).getBoundingClientRect();
        rects.set(i, r);
      }
      return r;
    };
    const nowNear = new Set<Element>();
    let reading: string | null = null;
    const readingBottom = view * READING_BOTTOM;
    for (let i = firstEndingBelow(sections.length, (n) => rect(n).bottom, -NEAR_PX); i < sections.length; i++) {
      const r = rect(i);
      if (r.top > view + NEAR_PX) break;
      const el = sections[i] as HTMLElement;
      nowNear.add(el);
      if (reading === null && r.top < readingBottom && r.bottom > READING_TOP_PX) reading = el.dataset.path ?? null;
    }
    for (const [el, listener] of listeners) {
      const is = nowNear.has(el);
      if (is === near.has(el)) continue;
      if (is) near.add(el);
      else near.delete(el);
      listener(is);
    }
    if (reading !== null) onReading(reading);
  };

  const check = () => {
    frame ??= requestAnimationFrame(run);
  };
  // Started by the first section (in an effect: nothing of the page is touched while rendering).
  let started = false;
  let resized: ResizeObserver | null = null;
  let observed: HTMLElement | null = null;
  const watchContainer = () => {
    if (!started) {
      started = true;
      window.addEventListener('scroll', check, { passive: true });
      window.addEventListener('resize', check, { passive: true });
      // Sections rendering (or a file folded) change the container's height: what is near moves.
      resized = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(check);
    }
    const parent = container();
    if (parent !== observed && resized !== null) {
      if (observed !== null) resized.unobserve(observed);
      if (parent !== null) resized.observe(parent);
      observed = parent;
    }
  };

  return {
    observeNear(el, listener) {
      listeners.set(el, listener);
      near.delete(el);
      watchContainer();
      check();
      return () => {
        listeners.delete(el);
        near.delete(el);
      };
    },
    check() {
      watchContainer();
      check();
    },
    stop() {
      if (frame !== null) cancelAnimationFrame(frame);
      frame = null;
      if (started) {
        window.removeEventListener('scroll', check);
        window.removeEventListener('resize', check);
        resized?.disconnect();
      }
      started = false;
      observed = null;
      listeners.clear();
      near.clear();
    },
  };
}
