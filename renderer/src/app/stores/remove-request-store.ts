import { createStore } from '../../lib/create-store';

/** The session whose removal is being confirmed (the dialog is open while this is set). */
export const removeRequest = createStore<string | null>(null);

export function requestRemove(sessionId: string): void {
  removeRequest.set(sessionId);
}

export function cancelRemove(): void {
  removeRequest.set(null);
}
