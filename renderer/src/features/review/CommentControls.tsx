import { useState } from 'react';
import type { ReviewCommentView } from '../../../../shared/review';
import { call } from '../../api';
import { commentMarks } from '../../models/review-model';
import { reloadReview } from './use-session-review';

export interface CommentActions {
  busy: boolean;
  /** Why the last action failed (null when it did not). */
  error: string | null;
  remove(): void;
  toggleResolved(): void;
}

/** What can be done with a comment (delete it while pending, resolve or reopen it once sent), with its busy and error state. */
export function useCommentActions(repo: string, sessionId: string, comment: ReviewCommentView): CommentActions {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => ReturnType<typeof call>) => {
    setBusy(true);
    setError(null);
    const result = await action();
    setBusy(false);
    if (!result.ok) setError(result.error.message);
    else reloadReview(repo, sessionId);
  };
  return {
    busy,
    error,
    remove: () => void run(() => call('review.deleteComment', { repo, id: sessionId, commentId: comment.id })),
    toggleResolved: () => void run(() => call('review.resolve', { repo, id: sessionId, commentId: comment.id, resolved: comment.resolvedAt === null })),
  };
}

/** The test ids' stems of one place's comments (the Review tab's list, the diff's inline comments). */
export interface CommentControlIds {
  mark: string;
  delete: string;
  resolve: string;
}

/** The end of a comment's head: its marks, then Delete (pending) or Mark resolved / Reopen (sent). */
export function CommentControls({ comment: c, actions, ids }: { comment: ReviewCommentView; actions: CommentActions; ids: CommentControlIds }) {
  return (
    <>
      {commentMarks(c).map((m) => (
        <span key={m.id} className={`review-mark mark-${m.id}`} data-testid={`${ids.mark}-${c.id}-${m.id}`}>
          {m.label}
        </span>
      ))}
      <span className="spacer" />
      {c.state === 'pending' ? (
        <button type="button" className="button small danger-ghost" disabled={actions.busy} data-testid={`${ids.delete}-${c.id}`} onClick={actions.remove}>
          Delete
        </button>
      ) : (
        <button type="button" className="button small ghost" disabled={actions.busy} data-testid={`${ids.resolve}-${c.id}`} onClick={actions.toggleResolved}>
          {c.resolvedAt === null ? 'Mark resolved' : 'Reopen'}
        </button>
      )}
    </>
  );
}
