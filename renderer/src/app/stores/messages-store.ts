import type { CouncilMessage } from '../../../../shared/council';
import { call } from '../../api';
import { createRepoStore } from '../../lib/repo-store';
import { reuseUnchanged } from '../../lib/same-json';

/** The repository's message log (`council.messages`, all of it kept: 500), newest last. */
export interface MessagesState {
  repo: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error' | 'unavailable';
  error: string | null;
  messages: CouncilMessage[];
}

/** As many as the log keeps (core/coordination/messages.ts). */
export const MESSAGES_SHOWN = 500;

const messages = createRepoStore<MessagesState, CouncilMessage[]>({
  initial: (start) => ({ ...start, messages: [] }),
  load: (repo) => call('council.messages', { repo, limit: MESSAGES_SHOWN }),
  loaded(state, value) {
    const kept = reuseUnchanged(state.messages, value, (m) => m.id);
    return state.status === 'ready' && kept === state.messages ? state : { ...state, status: 'ready', error: null, messages: kept };
  },
  failed: (state, error) => ({ ...state, status: error.message.includes('unknown command') ? 'unavailable' : 'error', error: error.message }),
});

export const messagesStore = messages.store;
export const refreshMessages = messages.refresh;
export const resetMessages = messages.reset;
