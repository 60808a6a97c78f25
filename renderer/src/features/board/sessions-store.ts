import type { SessionCard } from '../../../../shared/contract';
import { call } from '../../api';
import { createStore } from '../../lib/create-store';
import { reuseUnchanged } from '../../lib/same-json';
import { singleFlight } from '../../lib/single-flight';
import { sortCards, type StatusFilter } from './card-list';

/** The board's data: every session of the open repository with its context (`sessions.list`). */
export interface SessionsState {
  repo: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  cards: SessionCard[];
  error: string | null;
}

export const sessionsStore = createStore<SessionsState>({ repo: null, status: 'idle', cards: [], error: null });
export const statusFilter = createStore<StatusFilter>('all');

export function resetSessions(repo: string | null): void {
  sessionsStore.set({ repo, status: repo === null ? 'idle' : 'loading', cards: [], error: null });
  statusFilter.set('all');
}

export const refreshSessions = singleFlight(async () => {
  const repo = sessionsStore.get().repo;
  if (repo === null) return;
  const result = await call('sessions.list', { repo });
  if (sessionsStore.get().repo !== repo) return;
  if (!result.ok) {
    sessionsStore.set((state) => ({ ...state, status: 'error', error: result.error.message }));
    return;
  }
  sessionsStore.set((state) => {
    const cards = reuseUnchanged(state.cards, sortCards(result.value), (card) => card.session.id);
    return cards === state.cards && state.status === 'ready' ? state : { ...state, status: 'ready', cards, error: null };
  });
});
