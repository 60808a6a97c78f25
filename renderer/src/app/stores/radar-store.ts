import type { Radar } from '../../../../shared/merge';
import { call } from '../../api';
import { useStoreSelector } from '../../lib/create-store';
import { isUnknownCommand, unavailableText } from '../../lib/command-error';
import { createRepoStore } from '../../lib/repo-store';
import { newerRadar, reindex, type SessionRadar } from '../../models/radar-model';

/**
 * The open repository's conflict radar: `radar.get` when the repository opens and when the radar
 * screen opens (or its Refresh is used), then every `radar.changed` (the whole radar each time).
 * `unavailable` when the host does not serve the radar yet. The per-session index keeps an entry's
 * object while it is unchanged, so a card's badge re-renders only when its own entry changes.
 */
export interface RadarState {
  repo: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error' | 'unavailable';
  radar: Radar | null;
  bySession: ReadonlyMap<string, SessionRadar>;
  /** The sessions the base has entirely (the radar's `merged`), each with the base branch: merged by
   * the queue or outside it. The same map object while it does not change. */
  mergedInto: ReadonlyMap<string, string>;
  error: string | null;
  /** A `radar.get` is running (the screen's refresh button says so). */
  refreshing: boolean;
}

const EMPTY: ReadonlyMap<string, SessionRadar> = new Map();
const NONE_MERGED: ReadonlyMap<string, string> = new Map();

/** The radar's merged sessions, keeping the previous map when they are the same. */
function mergedOf(previous: ReadonlyMap<string, string>, radar: Radar): ReadonlyMap<string, string> {
  const next = new Map(radar.sessions.filter((s) => s.merged).map((s) => [s.sessionId, radar.base.branch]));
  if (next.size === previous.size && [...next].every(([id, branch]) => previous.get(id) === branch)) return previous;
  return next;
}

/** A radar taken in: an older or unchanged one keeps the state (a card's badge then stays as it is). */
function withRadar(state: RadarState, radar: Radar): RadarState {
  const kept = newerRadar(state.radar, radar);
  if (kept === state.radar && state.status === 'ready') return state;
  return { ...state, status: 'ready', radar: kept, bySession: reindex(state.bySession, kept), mergedInto: mergedOf(state.mergedInto, kept), error: null };
}

const radar = createRepoStore<RadarState, Radar>({
  initial: (start) => ({ ...start, radar: null, bySession: EMPTY, mergedInto: NONE_MERGED, refreshing: false }),
  load: (repo) => call('radar.get', { repo }),
  starting: (state) => ({ ...state, refreshing: true }),
  loaded: (state, value) => withRadar({ ...state, refreshing: false }, value),
  failed(state, error) {
    const unavailable = isUnknownCommand(error);
    return {
      ...state,
      refreshing: false,
      // A radar already shown stays (marked with the error) rather than blanking the screen.
      status: unavailable ? 'unavailable' : state.radar !== null ? 'ready' : 'error',
      error: unavailable ? unavailableText('The conflict radar', 'radar.get') : error.message,
    };
  },
});

export const radarStore = radar.store;
export const refreshRadar = radar.refresh;
export const resetRadar = radar.reset;

/** A radar from `radar.changed`. */
export function applyRadar(value: Radar): void {
  radarStore.set((state) => withRadar(state, value));
}

export function useSessionRadar(sessionId: string): SessionRadar | undefined {
  return useStoreSelector(radarStore, (state) => state.bySession.get(sessionId));
}
