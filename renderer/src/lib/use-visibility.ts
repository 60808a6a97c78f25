import { useEffect, type RefObject } from 'react';

/**
 * Tells `onChange` when an element scrolls into or out of view (with a margin, so data is on its
 * way before the element appears). One IntersectionObserver serves every element.
 */
type Callback = (visible: boolean) => void;
const callbacks = new WeakMap<Element, Callback>();
let observer: IntersectionObserver | null = null;

function sharedObserver(): IntersectionObserver | null {
  if (observer === null && typeof IntersectionObserver === 'function') {
    observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) callbacks.get(entry.target)?.(entry.isIntersecting);
      },
      { rootMargin: '200px 0px' },
    );
  }
  return observer;
}

export function useVisibility(ref: RefObject<Element | null>, onChange: Callback): void {
  useEffect(() => {
    const element = ref.current;
    if (element === null) return;
    const io = sharedObserver();
    if (io === null) {
      onChange(true);
      return () => onChange(false);
    }
    callbacks.set(element, onChange);
    io.observe(element);
    return () => {
      io.unobserve(element);
      callbacks.delete(element);
      onChange(false);
    };
  }, [ref, onChange]);
}
