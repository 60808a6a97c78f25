import { createStore } from '../../lib/create-store';

/**
 * The enqueue dialog, open while this is set: for one session (its card's or view's "Merge…"), or
 * with a session still to choose (the queue screen's "Add a session…").
 */
export const mergeRequest = createStore<{ sessionId: string | null } | null>(null);

export function requestMerge(sessionId: string | null = null): void {
  mergeRequest.set({ sessionId });
}

export function cancelMerge(): void {
  mergeRequest.set(null);
}
