import type { CouncilErrorData, Result } from '../../../shared/errors';
import { createStore, type Store } from './create-store';
import { singleFlight } from './single-flight';

/**
 * The shape every store of the open repository's data shares: which repository it holds, where its
 * load stands, and the last load's error. `unavailable`: the host does not serve the command yet.
 */
export interface RepoScopedState {
  repo: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error' | 'unavailable';
  error: string | null;
}

/** What a store holds before its first load: nothing, for `repo` (null when no repository is open). */
export interface RepoStoreStart {
  repo: string | null;
  status: 'idle' | 'loading';
  error: null;
}

export interface RepoStoreSpec<S extends RepoScopedState, V> {
  /** The whole state before anything is loaded: `start` plus the store's empty data. */
  initial(start: RepoStoreStart): S;
  /** Loaded on demand only: a reset leaves the store `idle` even with a repository open. */
  lazy?: boolean;
  /** Asks the core, e.g. `(repo) => call('locks.list', { repo })`. */
  load(repo: string): Promise<Result<V>>;
  /** The state while a load runs (say, `refreshing: true`); left as it is when absent. */
  starting?(state: S): S;
  /** The answer taken in. Returning `state` itself notifies nobody. */
  loaded(state: S, value: V): S;
  /** A failed load; by default `status: 'error'` with the message, keeping what was shown. */
  failed?(state: S, error: CouncilErrorData): S;
}

export interface RepoStore<S extends RepoScopedState> {
  store: Store<S>;
  /** Forgets everything and holds `repo` (null: no repository open). Answers in flight for another repository are dropped. */
  reset(repo: string | null): void;
  /** Loads the open repository's data again. Calls during a load ask for one more, never a parallel one. */
  refresh(): Promise<void>;
}

function failedByDefault<S extends RepoScopedState>(state: S, error: CouncilErrorData): S {
  return { ...state, status: 'error', error: error.message };
}

/**
 * One store of the open repository's data (sessions, locks, runs, queue…), written once: reset when
 * the repository changes, refreshed through the contract one load at a time, and an answer that
 * comes back after the repository changed is dropped. What `state.changed` kinds trigger a refresh
 * is decided in app/refresh-plan.ts; the store only knows how to load and take in its data.
 */
export function createRepoStore<S extends RepoScopedState, V>(spec: RepoStoreSpec<S, V>): RepoStore<S> {
  const startOf = (repo: string | null): RepoStoreStart => ({ repo, status: repo === null || spec.lazy === true ? 'idle' : 'loading', error: null });
  const store = createStore<S>(spec.initial(startOf(null)));
  const failed = spec.failed ?? failedByDefault;
  const refresh = singleFlight(async () => {
    const repo = store.get().repo;
    if (repo === null) return;
    if (spec.starting) store.set(spec.starting);
    const result = await spec.load(repo);
    if (store.get().repo !== repo) return;
    store.set((state) => (result.ok ? spec.loaded(state, result.value) : failed(state, result.error)));
  });
  return {
    store,
    reset: (repo) => store.set(spec.initial(startOf(repo))),
    refresh,
  };
}
