import { createStore } from '../lib/create-store';

/** Which screen of an open repository is showing. Kept in memory: a reload starts on the board. */
export type SessionTab = 'diff' | 'context' | 'locks';
export type Route =
  | { view: 'board' }
  | { view: 'locks' }
  | { view: 'settings' }
  | { view: 'session'; sessionId: string; tab: SessionTab };

export const navigation = createStore<Route>({ view: 'board' });

export function navigate(route: Route): void {
  navigation.set(route);
}

export function openSession(sessionId: string, tab: SessionTab = 'diff'): void {
  navigation.set({ view: 'session', sessionId, tab });
}
