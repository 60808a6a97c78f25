/**
 * One IntersectionObserver for every file of the diff (not one each): tells when an element comes
 * within `MARGIN` of the view, and when it leaves it.
 */
const MARGIN = '1200px 0px';

type Listener = (near: boolean) => void;
const listeners = new Map<Element, Listener>();
let observer: IntersectionObserver | null = null;

function shared(): IntersectionObserver {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) listeners.get(entry.target)?.(entry.isIntersecting);
    },
    { rootMargin: MARGIN },
  );
  return observer;
}

export function observeNear(el: Element, listener: Listener): () => void {
  listeners.set(el, listener);
  shared().observe(el);
  return () => {
    listeners.delete(el);
    observer?.unobserve(el);
  };
}

/** The reading band: a strip just below the app's sticky bars; the file crossing it is being read. */
const READING_BAND = '-90px 0px -80% 0px';
const readers = new Map<Element, Listener>();
let reading: IntersectionObserver | null = null;

export function observeReading(el: Element, listener: Listener): () => void {
  reading ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) readers.get(entry.target)?.(entry.isIntersecting);
    },
    { rootMargin: READING_BAND },
  );
  readers.set(el, listener);
  reading.observe(el);
  return () => {
    readers.delete(el);
    reading?.unobserve(el);
  };
}
