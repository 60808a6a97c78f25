import type { QueueEntry } from '../../../../shared/merge';
import { call } from '../../api';
import { useStoreSelector } from '../../lib/create-store';
import { failureText, isUnknownCommand, unavailableText } from '../../lib/command-error';
import { createRepoStore } from '../../lib/repo-store';
import { reuseUnchanged } from '../../lib/same-json';
import { appendEntry, applyLine, applyMove, entryForSession } from '../../models/queue-model';

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

const QUEUE = 'The merge queue';

/** The queue the core answered: a list unchanged keeps its objects, so nothing re-renders. */
function withEntries(state: QueueStoreState, entries: readonly QueueEntry[]): QueueStoreState {
  const kept = reuseUnchanged(state.entries, entries, (entry) => entry.id);
  return kept === state.entries && state.status === 'ready' && state.error === null ? state : { ...state, status: 'ready', entries: kept, error: null };
}

const queue = createRepoStore<QueueStoreState, QueueEntry[]>({
  initial: (start) => ({ ...start, entries: [] }),
  load: (repo) => call('queue.list', { repo }),
  loaded: withEntries,
  failed(state, error) {
    const unavailable = isUnknownCommand(error);
    return {
      ...state,
      status: unavailable ? 'unavailable' : state.status === 'ready' ? 'ready' : 'error',
      error: unavailable ? unavailableText(QUEUE, 'queue.list') : `Could not load the merge queue: ${error.message}`,
    };
  },
});

export const queueStore = queue.store;
export const refreshQueue = queue.refresh;
export const resetQueue = queue.reset;

function setEntries(entries: readonly QueueEntry[]): void {
  queueStore.set((state) => withEntries(state, entries));
}

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
