import type { SessionCard } from '../../../../shared/contract';
import { call } from '../../api';
import { createStore } from '../../lib/create-store';
import { createRepoStore } from '../../lib/repo-store';
import { reuseUnchanged } from '../../lib/same-json';
import { sortCards, type StatusFilter } from '../../models/card-list';

/** The board's data: every session of the open repository with its context (`sessions.list`). */
export interface SessionsState {
  repo: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  cards: SessionCard[];
  error: string | null;
}

const sessions = createRepoStore<SessionsState, SessionCard[]>({
  initial: (start) => ({ ...start, cards: [] }),
  load: (repo) => call('sessions.list', { repo }),
  loaded(state, value) {
    const cards = reuseUnchanged(state.cards, sortCards(value), (card) => card.session.id);
    return cards === state.cards && state.status === 'ready' ? state : { ...state, status: 'ready', cards, error: null };
  },
});

export const sessionsStore = sessions.store;
export const refreshSessions = sessions.refresh;
export const statusFilter = createStore<StatusFilter>('all');

export function resetSessions(repo: string | null): void {
  sessions.reset(repo);
  statusFilter.set('all');
}
