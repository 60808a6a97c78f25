import type { Result } from '../../../../shared/errors';
import type { ReviewView } from '../../../../shared/review';
import { createStore, type Store } from '../../lib/create-store';

/**
 * One session's review in the renderer, shared by every place that shows it (the Review tab, the
 * comments inline in the diff, the comment form's list of files): one `review.get` in flight at a
 * time, read again only on a change that can change what is shown.
 *
 * - a `review` change of the session (or one naming no session: the repository's first review
 *   folder appeared): always;
 * - `context` and `runs` changes of the session: only while changes are requested (the agent's
 *   working then stopping is what makes it "ready for re-review"; no other status depends on them);
 * - `worktree` changes of the session: only while a view that shows the comments' outdated and
 *   addressed state is open, and only when there are comments to mark (else nothing can change);
 *   the changed files (`sessions.changes`) only while a view that lists them is open. A worktree
 *   change that nobody showing it heard of is remembered: the first such view to open reads again.
 *
 * A change arriving while a read is in flight asks for exactly one more read after it, which sees
 * every change made meanwhile (several changes during one read: still one more).
 */
export interface SessionReviewState {
  review: ReviewView | null;
  /** The last failed read's message (null once one succeeds). */
  error: string | null;
  /** The session's changed files, for a comment's file (null until a view that lists them asked). */
  files: readonly string[] | null;
}

/** What a view showing the review needs beyond the review itself. */
export interface ReviewNeeds {
  /** It shows comments' outdated / addressed marks: files changing in the worktree change it. */
  marks?: boolean;
  /** It lists the session's changed files (the comment form). */
  files?: boolean;
}

/** A `state.changed` payload, as far as the store reads it. */
export interface StateChange {
  repo: string;
  kind: string;
  sessionId?: string;
}

export interface SessionReviewDeps {
  getReview(): Promise<Result<ReviewView>>;
  getFiles(): Promise<Result<readonly string[]>>;
}

export interface SessionReviewStore {
  store: Store<SessionReviewState>;
  /** A view starts showing the review with `needs`; the returned function says it stopped. */
  attach(needs: ReviewNeeds): () => void;
  /** It starts (true) or stops (false) hearing the repository's changes; started again, it reads the review again. */
  listening(on: boolean): void;
  /** How many views show it (the registry drops a store nobody shows). */
  views(): number;
  /** A `state.changed` of the repository (others are ignored). */
  handle(change: StateChange): void;
  /** Reads the review (and the files, when a view lists them) again: after an action here, or a reconnect. */
  reload(): void;
  /** Resolves once no read is in flight or asked for (tests, and callers that wait for the effect of an action). */
  idle(): Promise<void>;
}

export function createSessionReview(repo: string, sessionId: string, deps: SessionReviewDeps): SessionReviewStore {
  const store = createStore<SessionReviewState>({ review: null, error: null, files: null });
  const attached = new Set<ReviewNeeds>();
  const wanted = { review: false, files: false };
  // Worktree changes that no view showing marks / files heard of: read on the first such view's opening.
  const missed = { review: false, files: false };
  let flight: Promise<void> | null = null;
  // Whether it hears the repository's changes (a view shows it, or did a moment ago).
  let heard = false;
  // It heard nothing for a while: the next view to come reads the review whatever it shows.
  let stale = false;
  // What the read in flight reads.
  const reading = { review: false, files: false };

  const someone = (need: keyof ReviewNeeds) => [...attached].some((n) => n[need] === true);

  const readReview = async () => {
    const result = await deps.getReview();
    if (result.ok) store.set((s) => (sameJson(s.review, result.value) && s.error === null ? s : { ...s, review: result.value, error: null }));
    else store.set((s) => ({ ...s, error: result.error.message }));
  };
  const readFiles = async () => {
    const result = await deps.getFiles();
    if (result.ok) store.set((s) => (sameJson(s.files, result.value) ? s : { ...s, files: result.value }));
  };

  const pump = async () => {
    while (wanted.review || wanted.files) {
      Object.assign(reading, wanted);
      wanted.review = false;
      wanted.files = false;
      try {
        await Promise.all([reading.review ? readReview() : null, reading.files ? readFiles() : null]);
      } catch (error) {
        console.error('reading the review failed', error);
      }
      reading.review = false;
      reading.files = false;
    }
    flight = null;
  };
  const ask = (part: { review?: boolean; files?: boolean }) => {
    if (part.review) wanted.review = true;
    if (part.files) wanted.files = true;
    if (flight === null && (wanted.review || wanted.files)) flight = pump();
  };

  return {
    store,
    attach(needs) {
      const own = { ...needs };
      attached.add(own);
      // Read only what nobody keeps up to date: never read yet, or changes missed.
      const review = stale || (store.get().review === null && !reading.review) || (own.marks === true && missed.review);
      if (review) stale = false;
      const files = own.files === true && (missed.files || (store.get().files === null && !reading.files));
      if (own.marks) missed.review = false;
      if (own.files) missed.files = false;
      ask({ review, files });
      return () => {
        attached.delete(own);
      };
    },
    listening(on) {
      // Heard nothing meanwhile: everything it holds may be out of date.
      if (on && !heard && store.get().review !== null) {
        stale = true;
        missed.review = true;
        missed.files = true;
      }
      heard = on;
    },
    views: () => attached.size,
    handle(change) {
      if (change.repo !== repo) return;
      const mine = change.sessionId === sessionId;
      if (change.kind === 'review' && (mine || change.sessionId === undefined)) return ask({ review: true });
      if (!mine) return;
      if (change.kind === 'context' || change.kind === 'runs') {
        // Only "changes requested" turns into something else through the agent's work.
        if (store.get().review?.status === 'changes-requested') ask({ review: true });
        return;
      }
      if (change.kind === 'worktree') {
        const marks = (store.get().review?.comments.length ?? 0) > 0;
        const review = marks && someone('marks');
        const files = someone('files');
        if (marks && !review) missed.review = true;
        if (!files) missed.files = true;
        ask({ review, files });
      }
    },
    reload() {
      ask({ review: true, files: someone('files') });
    },
    idle: async () => {
      while (flight !== null) await flight;
    },
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
