import type { ReviewStatus, ReviewSummary } from '../../../../shared/review';
import { call } from '../../api';
import { createStore } from '../../lib/create-store';
import { createRepoStore } from '../../lib/repo-store';
import { navigate } from '../navigation';

/** Every reviewed session's review at a glance (`review.list`): the attention list, the chips. */
export interface ReviewsState {
  repo: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error' | 'unavailable';
  error: string | null;
  byId: ReadonlyMap<string, ReviewSummary>;
  statuses: ReadonlyMap<string, ReviewStatus>;
}

const reviews = createRepoStore<ReviewsState, ReviewSummary[]>({
  initial: (start) => ({ ...start, byId: new Map(), statuses: new Map() }),
  load: (repo) => call('review.list', { repo }),
  loaded(state, value) {
    const same = value.length === state.byId.size && value.every((r) => JSON.stringify(state.byId.get(r.sessionId)) === JSON.stringify(r));
    if (same && state.status === 'ready') return state;
    return { ...state, status: 'ready', error: null, byId: new Map(value.map((r) => [r.sessionId, r])), statuses: new Map(value.map((r) => [r.sessionId, r.status])) };
  },
  failed: (state, error) => ({ ...state, status: error.message.includes('unknown command') ? 'unavailable' : 'error', error: error.message }),
});

export const reviewsStore = reviews.store;
export const refreshReviews = reviews.refresh;
export const resetReviews = reviews.reset;

/** A selection to comment on (the diff's lines): the review form opens with it. */
export interface CommentSelection {
  sessionId: string;
  path: string;
  side?: 'new' | 'old';
  startLine: number;
  endLine?: number;
  /** A first text for the comment, if any. */
  text?: string;
}

/** The comment being started, for the Review tab's form to take (null: none). */
export const commentDraft = createStore<CommentSelection | null>(null);

/**
 * Starts a comment on `sel` (for the diff's click on a line, or any other place): the session's
 * Review tab opens with its form filled in.
 */
export function startComment(sel: CommentSelection): void {
  commentDraft.set({ ...sel });
  navigate({ view: 'session', sessionId: sel.sessionId, tab: 'review' });
}
