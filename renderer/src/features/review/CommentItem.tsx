import type { ReviewCommentView } from '../../../../shared/review';
import { ErrorMessage } from '../../components/ErrorMessage';
import { where } from '../../models/review-model';
import { CommentControls, useCommentActions } from './CommentControls';

/** One comment: file:lines, its marks, the code it quotes (as it was), its text, and what can be done with it. */
export function CommentItem({ repo, sessionId, comment }: { repo: string; sessionId: string; comment: ReviewCommentView }) {
  const actions = useCommentActions(repo, sessionId, comment);
  const c = comment;
  return (
    <li className={`review-comment${c.outdated ? ' outdated' : ''}`} data-testid={`review-comment-${c.id}`} data-state={c.state} data-outdated={c.outdated} data-outcome={c.outcome ?? 'pending'}>
      <div className="review-comment-head">
        <span className="mono review-where" data-testid={`review-where-${c.id}`}>
          {where(c)}
        </span>
        <CommentControls comment={c} actions={actions} ids={{ mark: 'review-mark', delete: 'review-delete', resolve: 'review-resolve' }} />
      </div>
      <pre className="review-quote" aria-label={`The code at ${where(c)}, as it was`}>
        {c.quote.map((text, i) => `${String(c.startLine + i).padStart(String(c.endLine).length)} │ ${text}`).join('\n')}
      </pre>
      <p className="review-body" data-testid={`review-body-${c.id}`}>
        {c.body}
      </p>
      <ErrorMessage message={actions.error} testId={`review-error-${c.id}`} />
    </li>
  );
}
