import type { FileLock } from '../../../../shared/models';
import { byText } from '../../../../shared/order';
import { call } from '../../api';
import { createStore } from '../../lib/create-store';
import { reuseUnchanged } from '../../lib/same-json';
import { singleFlight } from '../../lib/single-flight';

/** Every file lock in the open repository (`locks.list`), sorted by path. */
export interface LocksState {
  repo: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  locks: FileLock[];
  error: string | null;
}

export const locksStore = createStore<LocksState>({ repo: null, status: 'idle', locks: [], error: null });

export function resetLocks(repo: string | null): void {
  locksStore.set({ repo, status: repo === null ? 'idle' : 'loading', locks: [], error: null });
}

export const refreshLocks = singleFlight(async () => {
  const repo = locksStore.get().repo;
  if (repo === null) return;
  const result = await call('locks.list', { repo });
  if (locksStore.get().repo !== repo) return;
  if (!result.ok) {
    locksStore.set((state) => ({ ...state, status: 'error', error: result.error.message }));
    return;
  }
  const sorted = [...result.value].sort((a, b) => byText(a.path, b.path));
  locksStore.set((state) => ({ ...state, status: 'ready', error: null, locks: reuseUnchanged(state.locks, sorted, (lock) => lock.path) }));
});
