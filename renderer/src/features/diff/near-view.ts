/**
 * One IntersectionObserver for the few elements that need one (a long file's "more below" marker):
 * tells when an element comes within `MARGIN` of the view, and when it leaves it. The sections
 * themselves are tracked from the scroll position (section-tracker.ts).
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
