import type { DiffView } from '../../../../shared/commands/diff';
import { createStore } from '../../lib/create-store';

/** A view another screen asks a session's diff to show (the Review tab's "Changes since the review"). */
export const diffViewRequest = createStore<{ sessionId: string; view: DiffView } | null>(null);

export function requestDiffView(sessionId: string, view: DiffView): void {
  diffViewRequest.set({ sessionId, view });
}
