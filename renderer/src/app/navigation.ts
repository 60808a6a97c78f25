import type { DiffView } from '../../../shared/commands/diff';
import { createStore } from '../lib/create-store';

/** Which screen of an open repository is showing; the window's address names it too (address.ts), so Back and a reload work. */
export type SessionTab = 'terminal' | 'shell' | 'events' | 'diff' | 'review' | 'messages' | 'context' | 'locks';
export type Route =
  | { view: 'board' }
  | { view: 'locks' }
  /** The conflict radar; `focus` narrows it to the pairs of one session. */
  | { view: 'radar'; focus: string | null }
  /** The merge queue; `focus` is an entry to scroll to and highlight. */
  | { view: 'queue'; focus: string | null }
  | { view: 'settings' }
  /** The repository's messages: every one between sessions and the person supervising, newest last. */
  | { view: 'messages' }
  /**
   * On the diff tab, `diff` names what it shows: a view other than all changes (uncommitted, a
   * commit, since a commit) and a file to land on; absent, all changes from the top.
   */
  | { view: 'session'; sessionId: string; tab: SessionTab; diff?: DiffPlace }
  /** Best-of-N: sessions side by side, to keep one. */
  | { view: 'compare'; ids: string[] };

/** What the diff tab's address names. */
export interface DiffPlace {
  view?: DiffView;
  file?: string;
}

export const navigation = createStore<Route>({ view: 'board' });

export function navigate(route: Route): void {
  navigation.set(route);
}

/** Whether the next move replaces the address's history entry (a move the app made, not the person). */
export const historyMode = { replace: false };

/** As `navigate`, replacing the current history entry: Back skips what the app chose by itself. */
export function navigateReplacing(route: Route): void {
  historyMode.replace = true;
  navigation.set(route);
}

export function openSession(sessionId: string, tab: SessionTab = 'diff', diff?: DiffPlace): void {
  navigation.set(tab === 'diff' && diff !== undefined ? { view: 'session', sessionId, tab, diff } : { view: 'session', sessionId, tab });
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
