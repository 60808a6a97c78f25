import type { Radar } from '../../../../shared/merge';
import { call } from '../../api';
import { createStore, useStoreSelector } from '../../lib/create-store';
import { isUnknownCommand, unavailableText } from '../../lib/command-error';
import { singleFlight } from '../../lib/single-flight';
import { newerRadar, reindex, type SessionRadar } from './radar-model';

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
  error: string | null;
  /** A `radar.get` is running (the screen's refresh button says so). */
  refreshing: boolean;
}

const EMPTY: ReadonlyMap<string, SessionRadar> = new Map();

export const radarStore = createStore<RadarState>({ repo: null, status: 'idle', radar: null, bySession: EMPTY, error: null, refreshing: false });

export function resetRadar(repo: string | null): void {
  radarStore.set({ repo, status: repo === null ? 'idle' : 'loading', radar: null, bySession: EMPTY, error: null, refreshing: false });
}

/** A radar from `radar.changed` or a `radar.get` answer. */
export function applyRadar(radar: Radar): void {
  radarStore.set((state) => {
    const kept = newerRadar(state.radar, radar);
    if (kept === state.radar && state.status === 'ready') return state;
    return { ...state, status: 'ready', radar: kept, bySession: reindex(state.bySession, kept), error: null };
  });
}

export const refreshRadar = singleFlight(async () => {
  const repo = radarStore.get().repo;
  if (repo === null) return;
  radarStore.set((state) => ({ ...state, refreshing: true }));
  const result = await call('radar.get', { repo });
  if (radarStore.get().repo !== repo) return;
  radarStore.set((state) => ({ ...state, refreshing: false }));
  if (result.ok) {
    applyRadar(result.value);
    return;
  }
  const unavailable = isUnknownCommand(result.error);
  radarStore.set((state) => ({
    ...state,
    // A radar already shown stays (marked with the error) rather than blanking the screen.
    status: unavailable ? 'unavailable' : state.radar !== null ? 'ready' : 'error',
    error: unavailable ? unavailableText('The conflict radar', 'radar.get') : result.error.message,
  }));
});

export function useSessionRadar(sessionId: string): SessionRadar | undefined {
  return useStoreSelector(radarStore, (state) => state.bySession.get(sessionId));
}
