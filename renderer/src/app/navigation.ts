import { createStore } from '../lib/create-store';

/** Which screen of an open repository is showing; the window's address names it too (address.ts), so Back and a reload work. */
export type SessionTab = 'terminal' | 'shell' | 'events' | 'diff' | 'review' | 'context' | 'locks';
export type Route =
  | { view: 'board' }
  | { view: 'locks' }
  /** The conflict radar; `focus` narrows it to the pairs of one session. */
  | { view: 'radar'; focus: string | null }
  /** The merge queue; `focus` is an entry to scroll to and highlight. */
  | { view: 'queue'; focus: string | null }
  | { view: 'settings' }
  | { view: 'session'; sessionId: string; tab: SessionTab }
  /** Best-of-N: sessions side by side, to keep one. */
  | { view: 'compare'; ids: string[] };

export const navigation = createStore<Route>({ view: 'board' });

export function navigate(route: Route): void {
  navigation.set(route);
}

export function openSession(sessionId: string, tab: SessionTab = 'diff'): void {
  navigation.set({ view: 'session', sessionId, tab });
}

export function openCompare(ids: readonly string[]): void {
  navigation.set({ view: 'compare', ids: [...ids] });
}

export function openRadar(focus: string | null = null): void {
  navigation.set({ view: 'radar', focus });
}

export function openQueue(focus: string | null = null): void {
  navigation.set({ view: 'queue', focus });
}
