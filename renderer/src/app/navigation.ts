import { createStore } from '../lib/create-store';

/** Which screen of an open repository is showing. Kept in memory: a reload starts on the board. */
export type SessionTab = 'terminal' | 'events' | 'diff' | 'context' | 'locks';
export type Route =
  | { view: 'board' }
  | { view: 'locks' }
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
