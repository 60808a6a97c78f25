import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Session } from '../../../shared/models';
import { REVIEW_LIMITS, type ReviewComment, type ReviewFile, type ReviewRound, type ReviewSide, type ReviewStatus, type ReviewSummary, type ReviewView } from '../../../shared/review';
import { RunStore } from '../agents/run-store';
import type { Council } from '../council';
import { conflict, invalidInput, notFound } from '../errors';
import { fileAtCommit, keepRef, refsUnder, snapshotWorktreeCommit, type WorktreeSnapshot } from '../git/review-snapshot';
import { tryDeleteRef } from '../git/refs';
import { splitLines } from './anchor';
import { commentViews } from './comment-view';
import { readReview, reviewedSessions, snapshotRef, snapshotRefPrefix, updateReview } from './store';
import { pruneGoneReviews } from './prune';
import { oldSideCommit } from './sides';
import { reviewStatus } from './status';

/**
 * A session's code review (issue 14, item 4): pending comments on its lines, each with a snapshot
 * of the worktree it was written against and the code it quotes; "request changes" (review/send.ts)
 * and approval; and the review as readers see it (status, outdated and addressed marks).
 */

/** The session, with a worktree to review: a review is of work in progress. */
export function reviewableSession(council: Council, ref: string): Session {
  const session = council.session(ref);
  if (session.state !== 'ready') throw conflict(`session ${session.id} is ${session.state}; it cannot be reviewed now`);
  if (!existsSync(path.join(session.worktreePath, '.git'))) {
    throw conflict(`session ${session.id} has no worktree (${session.worktreePath}); there is nothing to review`);
  }
  return session;
}

/**
 * A commit of the session's worktree now, kept under refs/council/review/<session>/<sha> (gc never
 * takes it). The last snapshot is reused when nothing moved.
 */
export async function takeSnapshot(council: Council, session: Session, why: string, reuse?: WorktreeSnapshot | null): Promise<WorktreeSnapshot> {
  const snap = await snapshotWorktreeCommit(session.worktreePath, `council: review snapshot of session ${session.id} (${why})`, reuse);
  await keepRef(council.root, snapshotRef(session.id, snap.commit), snap.commit, `council review ${why}`);
  return snap;
}

/** The last snapshot this process took per session (reused while neither HEAD nor the tree moved). */
const lastSnapshots = new Map<string, WorktreeSnapshot>();

export interface CommentInput {
  path: string;
  side?: ReviewSide;
  startLine: number;
  endLine?: number;
  body: string;
}

const nonBlank = (text: string, what: string): string => {
  const trimmed = text.replace(/\r\n?/g, '\n').trim();
  if (trimmed === '') throw invalidInput(`the ${what} is empty: write what should change`);
  return trimmed;
};

const span = (start: number, end: number): string => (start === end ? `line ${start}` : `lines ${start}-${end}`);

/** Adds a pending comment on lines of a file of the session (its version, or the base's). */
export async function addComment(council: Council, ref: string, input: CommentInput): Promise<ReviewComment> {
  const session = reviewableSession(council, ref);
  const side = input.side ?? 'new';
  const startLine = input.startLine;
  const endLine = input.endLine ?? input.startLine;
  const body = nonBlank(input.body, 'comment');
  if (endLine < startLine) throw invalidInput(`the comment's lines run backwards (${startLine}-${endLine}): give the first line, then the last`);
  if (endLine - startLine + 1 > REVIEW_LIMITS.lines) throw invalidInput(`a comment covers at most ${REVIEW_LIMITS.lines} lines, not ${endLine - startLine + 1}: comment on a smaller range`);
  let rel: string;
  try {
    rel = council.locks.normalize(input.path, session.worktreePath);
  } catch (err) {
    throw invalidInput(`${input.path} is not a file of session ${session.id}'s worktree: give its path from the worktree's root (${(err as Error).message})`);
  }
  const snap = await takeSnapshot(council, session, 'comment', lastSnapshots.get(session.id));
  lastSnapshots.set(session.id, snap);
  const at = side === 'new' ? snap.commit : await oldSideCommit(council, session, snap.head);
  const text = await fileAtCommit(council.root, at, rel);
  if (text === null) {
    throw invalidInput(
      side === 'new'
        ? `${rel} is not in session ${session.id}'s worktree (deleted, ignored, or never there); comment on its old side (--old) if it was deleted`
        : `${rel} is not in session ${session.id}'s base (${session.baseBranch}): it is new in the session; comment on its new side`,
    );
  }
  const lines = splitLines(text);
  if (endLine > lines.length) {
    throw invalidInput(`${span(startLine, endLine)} is outside ${rel}: it has ${lines.length} line${lines.length === 1 ? '' : 's'}${side === 'old' ? ' in the base' : ''}`);
  }
  const quote = lines.slice(startLine - 1, endLine);
  if (quote.join('\n').length > REVIEW_LIMITS.quoteChars) throw invalidInput(`lines ${startLine}-${endLine} of ${rel} hold more than ${REVIEW_LIMITS.quoteChars} characters: comment on fewer lines`);
  const { comment, dropped } = await updateReview(council.ws.paths, session.id, (current) => {
    const pending = current.comments.filter((c) => c.round === null).length;
    if (pending >= REVIEW_LIMITS.pending) {
      throw conflict(`session ${session.id} already has ${pending} pending comments (at most ${REVIEW_LIMITS.pending}): send them (request changes) or delete some first`);
    }
    const made: ReviewComment = { id: `c${current.nextComment}`, path: rel, side, startLine, endLine, body, createdAt: new Date().toISOString(), snapshot: snap.commit, quote, round: null, resolvedAt: null };
    const { kept, dropped } = bounded([...current.comments, made], current.rounds);
    return { next: { ...current, nextComment: current.nextComment + 1, comments: kept }, result: { comment: made, dropped } };
  });
  if (dropped.length) await dropUnusedRefs(council, session.id);
  await pruneGoneReviews(council);
  return comment;
}

/** At most REVIEW_LIMITS.comments: the oldest sent comments of earlier rounds go first. */
function bounded(comments: ReviewComment[], rounds: readonly ReviewRound[]): { kept: ReviewComment[]; dropped: ReviewComment[] } {
  const excess = comments.length - REVIEW_LIMITS.comments;
  if (excess <= 0) return { kept: comments, dropped: [] };
  const last = rounds[rounds.length - 1]?.n ?? 0;
  const droppable = comments.filter((c) => c.round !== null && c.round < last).slice(0, excess);
  const gone = new Set(droppable.map((c) => c.id));
  return { kept: comments.filter((c) => !gone.has(c.id)), dropped: droppable };
}

/** Deletes the session's snapshot refs that no comment, round or approval names any more. */
export async function dropUnusedRefs(council: Council, sessionId: string): Promise<void> {
  const file = readReview(council.ws.paths, sessionId);
  const used = new Set<string>([...(file?.comments.map((c) => c.snapshot) ?? []), ...(file?.rounds.map((r) => r.snapshot) ?? []), ...(file?.approval ? [file.approval.snapshot] : [])]);
  for (const { ref, commit } of await refsUnder(council.root, snapshotRefPrefix(sessionId))) {
    if (!used.has(commit)) await tryDeleteRef(council.root, ref, commit);
  }
}

function findComment(file: ReviewFile, sessionId: string, commentId: string): ReviewComment {
  const comment = file.comments.find((c) => c.id === commentId);
  if (!comment) throw notFound(`session ${sessionId}'s review has no comment ${commentId}; see them with: council review ${sessionId}`);
  return comment;
}

function replaceComment(file: ReviewFile, comment: ReviewComment): ReviewFile {
  return { ...file, comments: file.comments.map((c) => (c.id === comment.id ? comment : c)) };
}

/** Changes a pending comment's text. A sent one was part of what the agent was told: add a new comment instead. */
export async function editComment(council: Council, ref: string, commentId: string, text: string): Promise<ReviewComment> {
  const session = council.session(ref);
  const body = nonBlank(text, 'comment');
  return updateReview(council.ws.paths, session.id, (current) => {
    const comment = findComment(current, session.id, commentId);
    if (comment.round !== null) throw conflict(`comment ${commentId} was sent to the agent (round ${comment.round}) and cannot change: add a new comment instead`);
    const edited = { ...comment, body, editedAt: new Date().toISOString() };
    return { next: replaceComment(current, edited), result: edited };
  });
}

/** Deletes a pending comment. A sent one is kept (resolve it instead). */
export async function deleteComment(council: Council, ref: string, commentId: string): Promise<{ deleted: string }> {
  const session = council.session(ref);
  const result = await updateReview(council.ws.paths, session.id, (current) => {
    const comment = findComment(current, session.id, commentId);
    if (comment.round !== null) throw conflict(`comment ${commentId} was sent to the agent (round ${comment.round}) and is kept: mark it resolved instead`);
    return { next: { ...current, comments: current.comments.filter((c) => c.id !== commentId) }, result: { deleted: commentId } };
  });
  await dropUnusedRefs(council, session.id);
  return result;
}

/** Marks a sent comment resolved by the person (or open again). */
export async function resolveComment(council: Council, ref: string, commentId: string, resolved = true): Promise<ReviewComment> {
  const session = council.session(ref);
  return updateReview(council.ws.paths, session.id, (current) => {
    const comment = findComment(current, session.id, commentId);
    if (comment.round === null) throw conflict(`comment ${commentId} is pending (not sent yet): delete it, or send it with request changes`);
    const next = { ...comment, resolvedAt: resolved ? (comment.resolvedAt ?? new Date().toISOString()) : null };
    return { next: replaceComment(current, next), result: next };
  });
}

/** The review's status as people see it: stored, or derived from the agent's runs and context. */
export function statusOf(council: Council, sessionId: string, file: ReviewFile | null): ReviewStatus {
  if (file === null || file.status !== 'changes-requested') return file?.status ?? 'none';
  let history: import('../../../shared/models').StatusChange[] = [];
  try {
    history = council.context.get(sessionId).history;
  } catch {
    // no context: the agent never reported anything
  }
  return reviewStatus(file, history, new RunStore(council.ws.paths).latest(sessionId));
}

/** The session's review as readers see it. */
export async function reviewView(council: Council, ref: string): Promise<ReviewView> {
  const session = council.session(ref);
  const file = readReview(council.ws.paths, session.id);
  const rounds = file?.rounds ?? [];
  return {
    sessionId: session.id,
    status: statusOf(council, session.id, file),
    comments: file ? await commentViews(council, session, file) : [],
    rounds,
    approval: file?.approval ?? null,
    sinceSnapshot: rounds[rounds.length - 1]?.snapshot ?? null,
    updatedAt: file?.updatedAt ?? null,
  };
}

/** Every reviewed session of the registry, at a glance (no git: the board asks it often). */
export function reviewSummaries(council: Council): ReviewSummary[] {
  const known = new Set(council.listSessions().map((s) => s.id));
  const out: ReviewSummary[] = [];
  for (const id of reviewedSessions(council.ws.paths)) {
    if (!known.has(id)) continue;
    let file: ReviewFile | null;
    try {
      file = readReview(council.ws.paths, id);
    } catch {
      continue; // a corrupt file is named by review.get; the list goes on without it
    }
    if (!file) continue;
    const pending = file.comments.filter((c) => c.round === null).length;
    out.push({ sessionId: id, status: statusOf(council, id, file), pending, sent: file.comments.length - pending });
  }
  return out;
}
