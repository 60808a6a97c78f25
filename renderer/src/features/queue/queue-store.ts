import type { QueueEntry } from '../../../../shared/merge';
import { call } from '../../api';
import { createStore, useStoreSelector } from '../../lib/create-store';
import { failureText, isUnknownCommand, unavailableText } from '../../lib/command-error';
import { reuseUnchanged } from '../../lib/same-json';
import { singleFlight } from '../../lib/single-flight';
import { appendEntry, applyLine, applyMove, entryForSession } from './queue-model';

/**
 * The open repository's merge queue (`queue.list`), loaded with the repository and fetched again
 * on `state.changed` kind `queue`. `unavailable` when the host does not serve the queue yet.
 * Reordering is optimistic: the line moves at once, then takes the core's answer (or goes back).
 */
export interface QueueStoreState {
  repo: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error' | 'unavailable';
  entries: QueueEntry[];
  error: string | null;
}

export const queueStore = createStore<QueueStoreState>({ repo: null, status: 'idle', entries: [], error: null });

export function resetQueue(repo: string | null): void {
  queueStore.set({ repo, status: repo === null ? 'idle' : 'loading', entries: [], error: null });
}

const QUEUE = 'The merge queue';

function setEntries(entries: readonly QueueEntry[]): void {
  queueStore.set((state) => {
    const kept = reuseUnchanged(state.entries, entries, (entry) => entry.id);
    return kept === state.entries && state.status === 'ready' && state.error === null ? state : { ...state, status: 'ready', entries: kept, error: null };
  });
}

export const refreshQueue = singleFlight(async () => {
  const repo = queueStore.get().repo;
  if (repo === null) return;
  const result = await call('queue.list', { repo });
  if (queueStore.get().repo !== repo) return;
  if (result.ok) {
    setEntries(result.value);
    return;
  }
  const unavailable = isUnknownCommand(result.error);
  queueStore.set((state) => ({
    ...state,
    status: unavailable ? 'unavailable' : state.status === 'ready' ? 'ready' : 'error',
    error: unavailable ? unavailableText(QUEUE, 'queue.list') : `Could not load the merge queue: ${result.error.message}`,
  }));
});

/** An entry from a command's answer (enqueue, retry): shown at once, the list confirms it later. */
export function applyEntry(entry: QueueEntry): void {
  queueStore.set((state) => ({ ...state, entries: appendEntry(state.entries, entry) }));
}

/** Moves a waiting entry to `index` in the line. Resolves to an error message, or null. */
export async function moveEntry(entryId: string, index: number): Promise<string | null> {
  const { repo, entries } = queueStore.get();
  if (repo === null) return 'no repository is open';
  queueStore.set((state) => ({ ...state, entries: applyMove(state.entries, entryId, index) }));
  const result = await call('queue.move', { repo, entry: entryId, index });
  if (queueStore.get().repo !== repo) return null;
  if (result.ok) {
    // The answer is the line alone: put it in the waiting places (or fetch all when it no longer fits).
    const next = applyLine(queueStore.get().entries, result.value);
    if (next !== null) setEntries(next);
    else void refreshQueue();
    return null;
  }
  queueStore.set((state) => ({ ...state, entries }));
  void refreshQueue();
  return failureText(result.error, 'move the entry', QUEUE, 'queue.move');
}

export function useQueueEntry(sessionId: string): QueueEntry | undefined {
  return useStoreSelector(queueStore, (state) => entryForSession(state.entries, sessionId));
}
