import { AGENT_PRESET_IDS } from '../../../shared/agents';
import { SUPERVISOR } from '../../../shared/council';
import type { QueueEntry } from '../../../shared/merge';
import { REVIEW_LIMITS, type ReviewRound, type ReviewView } from '../../../shared/review';
import { MAX_FOLLOW_UP_CHARS, sendFollowUp, type FollowUpOptions } from '../agents/follow-up';
import type { Council } from '../council';
import { MessageLog } from '../coordination/messages';
import { CouncilError, invalidInput } from '../errors';
import { commentViews } from './comment-view';
import { fittedMessage } from './message';
import { dropUnusedRefs, reviewableSession, reviewView, takeSnapshot } from './review';
import { emptyReview, readReview, updateReview } from './store';

/**
 * "Request changes": the pending comments and a summary go to the session's agent as one message
 * (review/message.ts), through the follow-up path every face uses (agents/follow-up.ts). Only once
 * it was delivered are the comments marked sent and the round recorded, with a snapshot of the
 * worktree as the agent got it (the diff "since the review" starts there); the message is kept in
 * the message log (the session's Messages tab, the feed). A refused delivery changes nothing: the
 * comments stay pending.
 */
export async function requestChanges(council: Council, ref: string, summary?: string, delivery: Pick<FollowUpOptions, 'runner' | 'from' | 'start'> = {}): Promise<{ round: ReviewRound; delivered: string }> {
  const session = reviewableSession(council, ref);
  const file = readReview(council.ws.paths, session.id) ?? emptyReview(session.id);
  const text = summary?.replace(/\r\n?/g, '\n').trim() || null;
  const views = (await commentViews(council, session, file)).filter((c) => c.state === 'pending');
  if (views.length === 0 && text === null) {
    throw invalidInput(`session ${session.id} has no pending comments and no summary: add a comment (council review comment ${session.id} PATH:LINE -m TEXT) or a summary (-m)`);
  }
  const message = fittedMessage(
    views.map((c) => ({ path: c.path, side: c.side, startLine: c.now?.startLine ?? c.startLine, endLine: c.now?.endLine ?? c.endLine, quote: c.quote, body: c.body, outdated: c.outdated })),
    text,
    MAX_FOLLOW_UP_CHARS,
  );
  if (message === null) {
    throw invalidInput(`the ${views.length} pending comments${text ? ' and the summary' : ''} do not fit in one message to the agent (at most ${MAX_FOLLOW_UP_CHARS} characters): delete some or shorten them, send, then add the rest`);
  }
  const snap = await takeSnapshot(council, session, 'request changes');
  // Before sending: the agent's "working" that follows must count as after the request.
  const requestedAt = new Date().toISOString();
  const sent = await sendFollowUp(await council.agents(), session.id, message, delivery).catch(async (error: unknown) => {
    // Refused: nothing names the snapshot just taken; its ref goes (the comments' own stay).
    await dropUnusedRefs(council, session.id);
    throw reviewNotSent(error, session.id, delivery.from);
  });
  const { delivered, run } = sent;
  // In the session's conversation and the repository's feed like any message from the supervisor,
  // its delivery followed through the inbox the same way.
  await new MessageLog(council.ws.paths).add({
    from: SUPERVISOR,
    to: session.id,
    text: message,
    deliveries: [{ sessionId: session.id, delivered: sent.delivered, note: sent.note, ...(sent.inboxId ? { inboxId: sent.inboxId } : {}) }],
  });
  // Queued for a running headless agent: it takes the review in the run that resumes it after this one.
  const waitsFor = delivered === 'queued' && run?.mode === 'headless' ? { waitsForRun: run.id } : {};
  const ids = new Set(views.map((c) => c.id));
  const round = await updateReview(council.ws.paths, session.id, (current) => {
    const made: ReviewRound = { n: (current.rounds[current.rounds.length - 1]?.n ?? 0) + 1, requestedAt, snapshot: snap.commit, summary: text, commentIds: [...ids], message, ...waitsFor };
    const comments = current.comments.map((c) => (ids.has(c.id) ? { ...c, round: made.n } : c));
    const rounds = [...current.rounds, made].slice(-REVIEW_LIMITS.rounds).map((r, i, all) => (i < all.length - REVIEW_LIMITS.roundMessages ? { ...r, message: '' } : r));
    return { next: { ...current, status: 'changes-requested', comments, rounds }, result: made };
  });
  return { round, delivered };
}

/**
 * Approves the session at its work as it is now (a snapshot is recorded). With `merge`, the
 * session is put in the merge queue first; when the queue refuses it, nothing is recorded.
 */
export async function approve(council: Council, ref: string, options: { merge?: boolean; enqueue?: (sessionId: string) => Promise<QueueEntry> } = {}): Promise<{ review: ReviewView; entry: QueueEntry | null }> {
  const session = reviewableSession(council, ref);
  const snap = await takeSnapshot(council, session, 'approval');
  const entry = options.merge
    ? await (options.enqueue ?? ((id) => council.queue.enqueue(id)))(session.id).catch(async (error: unknown) => {
        await dropUnusedRefs(council, session.id);
        throw error;
      })
    : null;
  await updateReview(council.ws.paths, session.id, (current) => ({
    next: { ...current, status: 'approved', approval: { at: new Date().toISOString(), snapshot: snap.commit, queueEntryId: entry?.id ?? null } },
    result: null,
  }));
  await dropUnusedRefs(council, session.id);
  return { review: await reviewView(council, session.id), entry };
}

/**
 * A review that found no agent to take it (none yet, or one that cannot resume its conversation)
 * says what starts one with it, in the words of the face it came from: the CLI's exact command, the
 * app's controls. Any other failure is passed on as it is.
 */
function reviewNotSent(error: unknown, sessionId: string, from: string | undefined): unknown {
  const NOT_SENT = 'the follow-up was not sent: ';
  if (!(error instanceof CouncilError) || !error.message.startsWith(NOT_SENT)) return error;
  const why = error.message.slice(NOT_SENT.length).replace(/: start (one|it|the agent) .*$/, '');
  const fix =
    from === 'cli'
      ? `start an agent with the review as its prompt: council review send ${sessionId} --start --agent <${AGENT_PRESET_IDS.join('|')}> (it runs headless)`
      : "start an agent first (the session's Start, or its follow-up box), then request changes again";
  return new CouncilError(error.code, `the review was not sent (the comments stay pending): ${why}; ${fix}`);
}
