import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ReviewCommentView, ReviewView } from '../../../../shared/review';
import { call } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { commentAnchor, lineSpan } from '../../models/review-model';
import { CommentControls, useCommentActions } from './CommentControls';
import type { LineSelection, LineWidget } from '../diff/diff-slots';
import { reloadReview, useSessionReview } from './use-session-review';

/**
 * Commenting in place (issue 14, item 3): lines chosen in the diff's gutter open a comment box
 * under them (Add comment: `review.comment`), and every comment of the review, pending or sent,
 * shows under its lines with its marks (outdated, addressed, open) in whatever view has them.
 */
export function useInlineReview(repo: string, sessionId: string, shown: boolean): { review: ReviewView | null; onSelectLines: (sel: LineSelection) => void; widgets: LineWidget[] } {
  // Shown (the diff tab is open): its comments' marks follow the worktree; hidden, only the review's own changes.
  const { review } = useSessionReview(repo, sessionId, { marks: shown });
  const [draft, setDraft] = useState<LineSelection | null>(null);
  const onSelectLines = useCallback((sel: LineSelection) => setDraft(sel), []);
  const widgets = useMemo(() => {
    const out: LineWidget[] = (review?.comments ?? []).map((c) => ({
      path: c.path,
      side: c.side,
      line: commentAnchor(c),
      element: <InlineComment key={c.id} repo={repo} sessionId={sessionId} comment={c} />,
    }));
    if (draft !== null) {
      out.push({
        path: draft.path,
        side: draft.side,
        line: draft.endLine,
        element: (
          <InlineCommentBox
            key={`draft-${draft.path}-${draft.side}-${draft.startLine}-${draft.endLine}`}
            repo={repo}
            sessionId={sessionId}
            selection={draft}
            onDone={() => setDraft(null)}
          />
        ),
      });
    }
    return out;
  }, [review, draft, repo, sessionId]);
  return { review, onSelectLines, widgets };
}

const sideLabel = (side: 'old' | 'new') => (side === 'old' ? ' (base version)' : '');

/** The box under the chosen lines: the comment's text, Add comment (pending until changes are requested), Cancel. */
function InlineCommentBox({ repo, sessionId, selection, onDone }: { repo: string; sessionId: string; selection: LineSelection; onDone: (added: boolean) => void }) {
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => ref.current?.focus({ preventScroll: true }), []);
  const add = async () => {
    setBusy(true);
    setError(null);
    const { path, side, startLine, endLine } = selection;
    const result = await call('review.comment', { repo, id: sessionId, path, side, startLine, endLine, body });
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    reloadReview(repo, sessionId);
    onDone(true);
  };
  const ready = body.trim() !== '' && !busy;
  return (
    <form
      className="diff-inline-box"
      data-testid="diff-comment-box"
      aria-label={`Comment on ${selection.path}:${lineSpan(selection)}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) void add();
      }}
    >
      <div className="diff-inline-head muted">
        Comment on <span className="mono">{selection.path}:{lineSpan(selection)}</span>
        {sideLabel(selection.side)}
      </div>
      <textarea
        ref={ref}
        className="input review-form-body"
        data-testid="diff-comment-body"
        aria-label="Comment"
        rows={3}
        placeholder="What should change here?"
        value={body}
        maxLength={8000}
        disabled={busy}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onDone(false);
          else if (e.key === 'Enter' && (e.metaKey || e.ctrlKey) && ready) {
            e.preventDefault();
            void add();
          }
        }}
      />
      <div className="review-form-row">
        <button type="submit" className="button small primary" data-testid="diff-comment-add" disabled={!ready}>
          {busy ? 'Adding…' : 'Add comment'}
        </button>
        <button type="button" className="button small ghost" data-testid="diff-comment-cancel" disabled={busy} onClick={() => onDone(false)}>
          Cancel
        </button>
        <span className="muted">Pending until you request changes.</span>
      </div>
      <ErrorMessage message={error} testId="diff-comment-error" />
    </form>
  );
}

/** A comment under its lines: its marks and text; Delete while pending, Mark resolved once sent. */
function InlineComment({ repo, sessionId, comment: c }: { repo: string; sessionId: string; comment: ReviewCommentView }) {
  const actions = useCommentActions(repo, sessionId, c);
  return (
    <div
      className={`diff-inline-comment review-comment${c.outdated ? ' outdated' : ''}`}
      data-testid={`diff-comment-${c.id}`}
      data-state={c.state}
      data-outdated={c.outdated}
      data-outcome={c.outcome ?? 'pending'}
    >
      <div className="review-comment-head">
        <span className="mono review-where">{c.id}</span>
        <span className="mono muted">
          {c.startLine === c.endLine ? 'line' : 'lines'} {lineSpan(c)}
        </span>
        <CommentControls comment={c} actions={actions} ids={{ mark: 'diff-mark', delete: 'diff-comment-delete', resolve: 'diff-comment-resolve' }} />
      </div>
      {c.outdated ? (
        <pre className="review-quote" aria-label="The code it was about, as it was">
          {c.quote.join('\n')}
        </pre>
      ) : null}
      <p className="review-body">{c.body}</p>
      <ErrorMessage message={actions.error} testId={`diff-comment-error-${c.id}`} />
    </div>
  );
}
