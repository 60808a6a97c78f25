import * as z from 'zod/mini';
import { SessionIdSchema } from './ids';

/*
 * Code review of a session (issue 14, item 4): comments on lines of its changes, sent back to its
 * agent as one "request changes" message, then a re-review. Stored per session in the repository's
 * shared state (`<git common dir>/council/reviews/<session>.json`, core/review/store.ts), so the app,
 * the browser host and the CLI see the same review, and it survives restarts.
 */

/** Bounds, so a review file stays small whatever happens. */
export const REVIEW_LIMITS = {
  /** Comments a review keeps; past it, the oldest sent comments of finished rounds are dropped. */
  comments: 300,
  /** Pending (not yet sent) comments at once. */
  pending: 100,
  rounds: 50,
  /** Rounds that keep the full message they sent (older ones keep their comments and summary). */
  roundMessages: 10,
  body: 8000,
  summary: 8000,
  /** Lines a comment may cover (its quote holds them all). */
  lines: 400,
  /** Characters of quoted code kept per comment. */
  quoteChars: 40_000,
} as const;

const sha = () => z.string().check(z.regex(/^[0-9a-f]{40,64}$/));
const line = () => z.int().check(z.gte(1), z.lte(10_000_000));

/** Which side of the diff a comment is on: the session's version (`new`), or the base's (`old`). */
export const REVIEW_SIDES = ['new', 'old'] as const;
export const ReviewSideSchema = z.enum(REVIEW_SIDES);
export type ReviewSide = z.infer<typeof ReviewSideSchema>;

export const ReviewCommentSchema = z.object({
  /** `c1`, `c2`… per session, never reused. */
  id: z.string().check(z.regex(/^c[0-9]{1,6}$/)),
  /** Repo-relative, `/`-separated. */
  path: z.string().check(z.minLength(1), z.maxLength(4096)),
  side: ReviewSideSchema,
  startLine: line(),
  endLine: line(),
  body: z.string().check(z.minLength(1), z.maxLength(REVIEW_LIMITS.body)),
  createdAt: z.string(),
  editedAt: z.optional(z.string()),
  /** A commit of the session's worktree when the comment was written (committed, uncommitted and
   * untracked work; ignored files not), kept under refs/council/review/<session>/<sha>. */
  snapshot: sha(),
  /** The code the comment is about, as it was (the lines startLine..endLine of that side). */
  quote: z.array(z.string()),
  /** Pending until sent with "request changes": then the round that sent it. */
  round: z.nullable(z.int()),
  /** The person marked it resolved (at re-review). */
  resolvedAt: z.nullable(z.string()),
});
export type ReviewComment = z.infer<typeof ReviewCommentSchema>;

/** One "request changes": when, what was sent, and the worktree as it was then. */
export const ReviewRoundSchema = z.object({
  n: z.int().check(z.gte(1)),
  requestedAt: z.string(),
  /** The session's work when the changes were requested: the diff "since the review" starts here. */
  snapshot: sha(),
  summary: z.nullable(z.string()),
  commentIds: z.array(z.string()),
  /** The message the agent was sent, exactly ('' in rounds older than the last REVIEW_LIMITS.roundMessages). */
  message: z.string(),
  /** Queued for this running headless run (it reads no input): the agent takes the review only in the
   * run that resumes it after this one ends, so this run's own end is not the changes being done. */
  waitsForRun: z.optional(z.string()),
});
export type ReviewRound = z.infer<typeof ReviewRoundSchema>;

export const ReviewApprovalSchema = z.object({
  at: z.string(),
  snapshot: sha(),
  /** The merge-queue entry made with the approval (approve --merge), if any. */
  queueEntryId: z.nullable(z.string()),
});
export type ReviewApproval = z.infer<typeof ReviewApprovalSchema>;

/** What is stored: `none` (nothing sent yet), `changes-requested`, `approved`. Whether the agent
 * is done with the requested changes is read from its runs and context, never stored. */
export const STORED_REVIEW_STATUSES = ['none', 'changes-requested', 'approved'] as const;

export const ReviewFileSchema = z.object({
  version: z.literal(1),
  sessionId: SessionIdSchema,
  status: z.enum(STORED_REVIEW_STATUSES),
  nextComment: z.int().check(z.gte(1)),
  comments: z.array(ReviewCommentSchema),
  rounds: z.array(ReviewRoundSchema),
  approval: z.nullable(ReviewApprovalSchema),
  updatedAt: z.string(),
});
export type ReviewFile = z.infer<typeof ReviewFileSchema>;

/**
 * A session's review status as people see it. `ready-for-re-review`: changes were requested and
 * the agent has since worked and stopped (its run ended, or its turn ended: done, idle or failed).
 */
export const REVIEW_STATUSES = ['none', 'changes-requested', 'ready-for-re-review', 'approved'] as const;
export const ReviewStatusSchema = z.enum(REVIEW_STATUSES);
export type ReviewStatus = z.infer<typeof ReviewStatusSchema>;

export const REVIEW_STATUS_LABELS: Record<ReviewStatus, string> = {
  none: 'not reviewed',
  'changes-requested': 'changes requested',
  'ready-for-re-review': 'ready for re-review',
  approved: 'approved',
};

/** A comment as readers see it: where its code is now, and whether it was dealt with. */
export const ReviewCommentViewSchema = z.extend(ReviewCommentSchema, {
  state: z.enum(['pending', 'sent']),
  /** The quoted code is no longer where the comment says, nor found exactly once elsewhere. */
  outdated: z.boolean(),
  /** Where the quoted code is now (the comment's own lines, or where the block moved); null when outdated. */
  now: z.nullable(z.object({ startLine: z.int(), endLine: z.int() })),
  /** Sent comments: `addressed` when the lines under it changed since the review snapshot or the
   * person resolved it, else `open`. Null while pending. */
  outcome: z.nullable(z.enum(['addressed', 'open'])),
  /** Why it counts as addressed: `changed` (its lines changed) or `resolved` (by the person). */
  addressedBy: z.nullable(z.enum(['changed', 'resolved'])),
});
export type ReviewCommentView = z.infer<typeof ReviewCommentViewSchema>;

export const ReviewViewSchema = z.object({
  sessionId: SessionIdSchema,
  status: ReviewStatusSchema,
  comments: z.array(ReviewCommentViewSchema),
  rounds: z.array(ReviewRoundSchema),
  approval: z.nullable(ReviewApprovalSchema),
  /** The last round's snapshot: the diff "since the review" is this commit → the worktree now. */
  sinceSnapshot: z.nullable(sha()),
  updatedAt: z.nullable(z.string()),
});
export type ReviewView = z.infer<typeof ReviewViewSchema>;

/** A review at a glance (the board, the attention list). */
export const ReviewSummarySchema = z.object({
  sessionId: SessionIdSchema,
  status: ReviewStatusSchema,
  pending: z.int(),
  sent: z.int(),
});
export type ReviewSummary = z.infer<typeof ReviewSummarySchema>;
