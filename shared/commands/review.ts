import * as z from 'zod/mini';
import { AgentPresetIdSchema, RunModeSchema } from '../agents';
import { QueueEntrySchema } from '../merge';
import { REVIEW_LIMITS, ReviewCommentSchema, ReviewRoundSchema, ReviewSideSchema, ReviewSummarySchema, ReviewViewSchema } from '../review';
import { id, path, repo } from './fields';

/** Code review of a session: comments on its lines, request changes (sent to its agent), approve. */

const line = () => z.int().check(z.gte(1), z.lte(10_000_000));
const commentId = () => z.string().check(z.regex(/^c[0-9]{1,6}$/, 'a comment id such as c1'));
const body = () => z.string().check(z.minLength(1), z.maxLength(REVIEW_LIMITS.body));

export const reviewCommands = {
  /** The session's review: status, comments (pending and sent, outdated, addressed or open), rounds. */
  'review.get': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: ReviewViewSchema,
  },
  /** Every session's review status at a glance (sessions never reviewed are left out). */
  'review.list': {
    input: z.strictObject({ repo: repo() }),
    output: z.array(ReviewSummarySchema),
  },
  /** A pending comment on lines of a file of the session (its version: side `new`, the default; or the base's: `old`). */
  'review.comment': {
    input: z.strictObject({
      repo: repo(),
      id: id(),
      path: path(),
      side: z.optional(ReviewSideSchema),
      startLine: line(),
      endLine: z.optional(line()),
      body: body(),
    }),
    output: ReviewCommentSchema,
  },
  'review.editComment': {
    input: z.strictObject({ repo: repo(), id: id(), commentId: commentId(), body: body() }),
    output: ReviewCommentSchema,
  },
  /** Deletes a pending comment (a sent one is part of what the agent was told: resolve it instead). */
  'review.deleteComment': {
    input: z.strictObject({ repo: repo(), id: id(), commentId: commentId() }),
    output: z.object({ deleted: z.string() }),
  },
  /** Marks a sent comment resolved (or open again with `resolved: false`). */
  'review.resolve': {
    input: z.strictObject({ repo: repo(), id: id(), commentId: commentId(), resolved: z.optional(z.boolean()) }),
    output: ReviewCommentSchema,
  },
  /** Sends the pending comments and the summary to the session's agent as one message. */
  'review.requestChanges': {
    input: z.strictObject({
      repo: repo(),
      id: id(),
      summary: z.optional(z.string().check(z.maxLength(REVIEW_LIMITS.summary))),
      /** A session without an agent (or one that cannot be resumed): start one with the review as its prompt (as agent.followUp's start). */
      start: z.optional(z.strictObject({ agent: z.optional(AgentPresetIdSchema), mode: RunModeSchema })),
    }),
    output: z.object({ round: ReviewRoundSchema, delivered: z.string() }),
  },
  /** Approves the session; with `merge`, puts it in the merge queue too. */
  'review.approve': {
    input: z.strictObject({ repo: repo(), id: id(), merge: z.optional(z.boolean()) }),
    output: z.object({ review: ReviewViewSchema, entry: z.nullable(QueueEntrySchema) }),
  },
} as const;
