import { useState } from 'react';
import type { ReviewCommentView } from '../../../../shared/review';
import { call } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { commentMarks, where } from '../../models/review-model';

/** One comment: file:lines, its marks, the code it quotes (as it was), its text, and what can be done with it. */
export function CommentItem({ repo, sessionId, comment }: { repo: string; sessionId: string; comment: ReviewCommentView }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => ReturnType<typeof call>) => {
    setBusy(true);
    setError(null);
    const result = await action();
    setBusy(false);
    if (!result.ok) setError(result.error.message);
  };
  const c = comment;
  return (
    <li className={`review-comment${c.outdated ? ' outdated' : ''}`} data-testid={`review-comment-${c.id}`} data-state={c.state} data-outdated={c.outdated} data-outcome={c.outcome ?? 'pending'}>
      <div className="review-comment-head">
        <span className="mono review-where" data-testid={`review-where-${c.id}`}>
          {where(c)}
        </span>
        {commentMarks(c).map((m) => (
          <span key={m.id} className={`review-mark mark-${m.id}`} data-testid={`review-mark-${c.id}-${m.id}`}>
            {m.label}
          </span>
        ))}
        <span className="spacer" />
        {c.state === 'pending' ? (
          <button type="button" className="button small danger-ghost" disabled={busy} data-testid={`review-delete-${c.id}`} onClick={() => void run(() => call('review.deleteComment', { repo, id: sessionId, commentId: c.id }))}>
            Delete
          </button>
        ) : (
          <button
            type="button"
            className="button small ghost"
            disabled={busy}
            data-testid={`review-resolve-${c.id}`}
            onClick={() => void run(() => call('review.resolve', { repo, id: sessionId, commentId: c.id, resolved: c.resolvedAt === null }))}
          >
            {c.resolvedAt === null ? 'Mark resolved' : 'Reopen'}
          </button>
        )}
      </div>
      <pre className="review-quote" aria-label={`The code at ${where(c)}, as it was`}>
        {c.quote.map((text, i) => `${String(c.startLine + i).padStart(String(c.endLine).length)} │ ${text}`).join('\n')}
      </pre>
      <p className="review-body" data-testid={`review-body-${c.id}`}>
        {c.body}
      </p>
      <ErrorMessage message={error} testId={`review-error-${c.id}`} />
    </li>
  );
}
