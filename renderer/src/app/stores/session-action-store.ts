import { createStore } from '../../lib/create-store';
import { navigation } from '../navigation';

/**
 * Which reviewer's dialog is open over a session (issue 14, item 5): committing its pending work,
 * discarding a file's or a hunk's change (confirmed first), updating it from its base. One at a
 * time; null when none.
 */
export type HunkRequest = number | { header: string; text: string };
export type SessionActionRequest =
  | { kind: 'commit'; sessionId: string }
  | { kind: 'discard'; sessionId: string; path: string; hunk?: HunkRequest }
  | { kind: 'update'; sessionId: string };

export const sessionActionRequest = createStore<SessionActionRequest | null>(null);

/** The session being shown, for requests that do not name one. */
function shownSession(): string | null {
  const route = navigation.get();
  return route.view === 'session' ? route.sessionId : null;
}

export function requestCommit(sessionId: string): void {
  sessionActionRequest.set({ kind: 'commit', sessionId });
}

export function requestUpdate(sessionId: string): void {
  sessionActionRequest.set({ kind: 'update', sessionId });
}

/**
 * Opens the discard confirmation for one file's uncommitted change, or one hunk of it (its number
 * in `git diff HEAD -- <path>`, or its header and text as a diff showed it), of `sessionId` or the
 * session being shown. What the diff viewer's per-file and per-hunk slots call.
 */
export function requestDiscard({ path, hunk, sessionId }: { path: string; hunk?: HunkRequest; sessionId?: string }): void {
  const id = sessionId ?? shownSession();
  if (id === null) return;
  sessionActionRequest.set({ kind: 'discard', sessionId: id, path, ...(hunk !== undefined ? { hunk } : {}) });
}

export function closeSessionAction(): void {
  sessionActionRequest.set(null);
}
