import { useState } from 'react';
import type { ReviewCommentView, ReviewView } from '../../../../shared/review';
import { call } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { notify } from '../../components/notices';
import { commentGroups, reviewChipLabel } from '../../models/review-model';
import { CommentForm } from './CommentForm';
import { showDiffView } from '../../app/diff-address';
import { CommentItem } from './CommentItem';
import { reloadReview, useSessionReview } from './use-session-review';
import { refreshReviews } from '../../app/stores/reviews-store';
import { isLive } from '../../models/run-model';
import { applyRun, useRun } from '../../app/stores/runs-store';

/**
 * A session's code review (issue 14, item 4): its status, a form for a new comment, the pending
 * comments and a summary sent to the agent as one message (Request changes), the sent ones
 * addressed or open, and Approve (and merge).
 */
export function ReviewTab({ repo, sessionId }: { repo: string; sessionId: string }) {
  // The comments' outdated and addressed marks follow the worktree while this tab is open.
  const { review: view, error } = useSessionReview(repo, sessionId, { marks: true });
  if (view === null) return error ? <ErrorMessage message={error} testId="review-load-error" /> : <p className="muted">Loading the review…</p>;
  const groups = commentGroups(view.comments);
  return (
    <div className="review-tab" data-testid="review-tab">
      <ReviewStatusLine view={view} />
      {(view.status === 'ready-for-re-review' || view.status === 'changes-requested') && view.sinceSnapshot !== null ? (
        <div className="review-form-row">
          <button
            type="button"
            className={`button small${view.status === 'ready-for-re-review' ? ' primary' : ''}`}
            data-testid="review-show-since"
            onClick={() => {
              showDiffView(sessionId, { kind: 'since', from: view.sinceSnapshot as string });
            }}
          >
            Changes since the review
          </button>
          <span className="muted">Only what the agent changed after you requested changes, with your comments on it.</span>
        </div>
      ) : null}
      <ErrorMessage message={error} />
      <CommentForm repo={repo} sessionId={sessionId} />
      <CommentList title="Pending" testId="review-pending" repo={repo} sessionId={sessionId} comments={groups.pending} empty="No pending comments." />
      <Decision repo={repo} sessionId={sessionId} pending={groups.pending.length} />
      {groups.open.length + groups.addressed.length > 0 ? (
        <>
          <CommentList title="Sent, open" testId="review-open" repo={repo} sessionId={sessionId} comments={groups.open} empty="Every sent comment is addressed." />
          <CommentList title="Sent, addressed" testId="review-addressed" repo={repo} sessionId={sessionId} comments={groups.addressed} empty="None addressed yet." />
        </>
      ) : null}
    </div>
  );
}

function ReviewStatusLine({ view }: { view: ReviewView }) {
  const round = view.rounds[view.rounds.length - 1];
  const label = reviewChipLabel(view.status);
  return (
    <div className="review-status-line">
      {label === null ? (
        <span className="muted" data-testid="review-status" data-status={view.status}>
          Not reviewed yet
        </span>
      ) : (
        <span className={`review-chip review-${view.status}`} data-testid="review-status" data-status={view.status}>
          {label}
        </span>
      )}
      {round ? (
        <span className="muted">
          round {round.n}, requested {new Date(round.requestedAt).toLocaleString()} · since the review:{' '}
          <span className="mono" data-testid="review-since" title={view.sinceSnapshot ?? undefined}>
            {view.sinceSnapshot?.slice(0, 10)}
          </span>
        </span>
      ) : null}
      {view.approval ? <span className="muted">approved {new Date(view.approval.at).toLocaleString()}</span> : null}
    </div>
  );
}

function CommentList({ title, testId, repo, sessionId, comments, empty }: { title: string; testId: string; repo: string; sessionId: string; comments: ReviewCommentView[]; empty: string }) {
  return (
    <section className="review-section" data-testid={testId} aria-label={title}>
      <h3 className="review-heading">
        {title} <span className="attention-count">{comments.length}</span>
      </h3>
      {comments.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="review-comments">
          {comments.map((c) => (
            <CommentItem key={c.id} repo={repo} sessionId={sessionId} comment={c} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** The summary, Request changes (pending comments and summary, one message to the agent), Approve, Approve & merge. */
function Decision({ repo, sessionId, pending }: { repo: string; sessionId: string; pending: number }) {
  const [summary, setSummary] = useState('');
  const [busy, setBusy] = useState<null | 'send' | 'approve' | 'merge'>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirmMerge, setConfirmMerge] = useState(false);
  // The queue parks a session whose agent runs: as in the merge dialog, the agent can be stopped here.
  const agentLive = isLive(useRun(sessionId));
  const [stopping, setStopping] = useState(false);
  const stopAgent = async () => {
    setStopping(true);
    setError(null);
    const result = await call('agent.stop', { repo, id: sessionId });
    setStopping(false);
    if (!result.ok) return setError(`Could not stop the agent: ${result.error.message}`);
    if (result.value !== null) applyRun(result.value);
  };
  const send = async () => {
    setBusy('send');
    setError(null);
    const result = await call('review.requestChanges', { repo, id: sessionId, ...(summary.trim() ? { summary } : {}) });
    setBusy(null);
    if (!result.ok) return setError(result.error.message);
    reloadReview(repo, sessionId);
    void refreshReviews();
    setSummary('');
    notify({ tone: 'success', title: 'Changes requested', detail: result.value.round.commentIds.length === 1 ? '1 comment sent to the agent' : `${result.value.round.commentIds.length} comments sent to the agent`, testId: 'review-sent' });
  };
  const approve = async (merge: boolean) => {
    setConfirmMerge(false);
    setBusy(merge ? 'merge' : 'approve');
    setError(null);
    const result = await call('review.approve', { repo, id: sessionId, ...(merge ? { merge: true } : {}) });
    setBusy(null);
    if (!result.ok) return setError(result.error.message);
    reloadReview(repo, sessionId);
    void refreshReviews();
    notify({ tone: 'success', title: merge ? 'Approved and queued for merging' : 'Approved', testId: 'review-approved' });
  };
  return (
    <section className="review-decision" aria-label="Your review">
      <label htmlFor={`review-summary-${sessionId}`} className="review-heading">
        Summary (optional)
      </label>
      <textarea
        id={`review-summary-${sessionId}`}
        className="input review-form-body"
        data-testid="review-summary"
        rows={2}
        placeholder="What the agent should know overall…"
        value={summary}
        maxLength={8000}
        onChange={(e) => setSummary(e.target.value)}
        disabled={busy !== null}
      />
      <div className="review-form-row">
        <button type="button" className="button small primary" data-testid="review-request-changes" disabled={busy !== null || (pending === 0 && summary.trim() === '')} onClick={() => void send()}>
          {busy === 'send' ? 'Sending…' : `Request changes${pending ? ` (${pending})` : ''}`}
        </button>
        <button type="button" className="button small" data-testid="review-approve" disabled={busy !== null} onClick={() => void approve(false)}>
          {busy === 'approve' ? 'Approving…' : 'Approve'}
        </button>
        <button type="button" className="button small" data-testid="review-approve-merge" disabled={busy !== null || confirmMerge} onClick={() => setConfirmMerge(true)}>
          {busy === 'merge' ? 'Approving…' : 'Approve & merge'}
        </button>
      </div>
      {confirmMerge ? (
        <div className="review-confirm" role="alertdialog" aria-label="Approve and merge" data-testid="review-merge-confirm">
          <span>Approve the session's work as it is now and queue it to merge into its base? Its uncommitted work is committed first.</span>
          {agentLive ? (
            <span className="warning" data-testid="review-merge-agent-running">
              Its agent is still running: queued now, the entry would park at once. Stop the agent (its work so far stays in the worktree), or let it finish first.
            </span>
          ) : null}
          <div className="review-form-row">
            <button type="button" className="button small primary" data-testid="review-merge-confirm-yes" autoFocus disabled={stopping} onClick={() => void approve(true)}>
              Approve &amp; merge
            </button>
            {agentLive ? (
              <button type="button" className="button small danger-ghost" data-testid="review-merge-stop-agent" disabled={stopping} onClick={() => void stopAgent()}>
                {stopping ? 'Stopping…' : 'Stop the agent'}
              </button>
            ) : null}
            <button type="button" className="button small ghost" data-testid="review-merge-confirm-cancel" onClick={() => setConfirmMerge(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      <ErrorMessage message={error} testId="review-decision-error" />
    </section>
  );
}
