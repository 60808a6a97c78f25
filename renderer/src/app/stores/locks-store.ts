import type { FileLock } from '../../../../shared/models';
import { byText } from '../../../../shared/order';
import { call } from '../../api';
import { createRepoStore } from '../../lib/repo-store';
import { reuseUnchanged } from '../../lib/same-json';

/** Every file lock in the open repository (`locks.list`), sorted by path. */
export interface LocksState {
  repo: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  locks: FileLock[];
  error: string | null;
}

const locks = createRepoStore<LocksState, FileLock[]>({
  initial: (start) => ({ ...start, locks: [] }),
  load: (repo) => call('locks.list', { repo }),
  loaded(state, value) {
    const sorted = [...value].sort((a, b) => byText(a.path, b.path));
    return { ...state, status: 'ready', error: null, locks: reuseUnchanged(state.locks, sorted, (lock) => lock.path) };
  },
});

export const locksStore = locks.store;
export const refreshLocks = locks.refresh;
export const resetLocks = locks.reset;
