import { useEffect, useMemo } from 'react';
import { api, call, onReconnect } from '../../api';
import { useStore } from '../../lib/create-store';
import { createSessionReview, type ReviewNeeds, type SessionReviewState, type SessionReviewStore } from './session-review-store';

/**
 * The sessions' review stores, one per session (made by its first view, kept for the window's
 * life: a few small objects), listening to the repository's changes while some view shows it. A
 * view moving from one tab to another detaches and attaches again in the same commit: the store
 * stops listening only once no view has shown it for a moment; the first view to come back reads it again.
 */
const known = new Map<string, { review: SessionReviewStore; off: (() => void) | null }>();

function entryOf(repo: string, sessionId: string) {
  const key = `${repo}\0${sessionId}`;
  let entry = known.get(key);
  if (!entry) {
    const review = createSessionReview(repo, sessionId, {
      getReview: () => call('review.get', { repo, id: sessionId }),
      getFiles: async () => {
        const result = await call('sessions.changes', { repo, id: sessionId });
        return result.ok ? { ok: true, value: result.value.map((f) => f.path) } : result;
      },
    });
    entry = { review, off: null };
    known.set(key, entry);
  }
  return entry;
}

function listen(repo: string, sessionId: string): void {
  const entry = entryOf(repo, sessionId);
  if (entry.off !== null) return;
  const offState = api.on('state.changed', (payload) => entry.review.handle(payload));
  const offReconnect = onReconnect(() => entry.review.reload());
  entry.off = () => {
    offState();
    offReconnect();
  };
  entry.review.listening(true);
}

function release(repo: string, sessionId: string): void {
  window.setTimeout(() => {
    const entry = known.get(`${repo}\0${sessionId}`);
    if (entry && entry.off !== null && entry.review.views() === 0) {
      entry.off();
      entry.off = null;
      entry.review.listening(false);
    }
  }, 0);
}

/**
 * The session's review, live and shared (see session-review-store.ts): `needs` says what this view
 * shows beyond the review (comments' outdated and addressed marks, the changed files).
 */
export function useSessionReview(repo: string, sessionId: string, needs: ReviewNeeds = {}): SessionReviewState & { reload: () => void } {
  const review = useMemo(() => entryOf(repo, sessionId).review, [repo, sessionId]);
  const marks = needs.marks === true;
  const files = needs.files === true;
  useEffect(() => {
    listen(repo, sessionId);
    const detach = review.attach({ marks, files });
    return () => {
      detach();
      release(repo, sessionId);
    };
  }, [repo, sessionId, marks, files, review]);
  const state = useStore(review.store);
  return { ...state, reload: review.reload };
}

/**
 * After an action of this window on the review (a comment added, deleted or resolved, changes
 * requested, an approval): read it again at once. The change's own event comes from a file watcher
 * and may come late, or not at all while the host's watch is still starting (just after a restart).
 */
export function reloadReview(repo: string, sessionId: string): void {
  known.get(`${repo}\0${sessionId}`)?.review.reload();
}
