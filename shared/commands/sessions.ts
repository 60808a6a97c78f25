import * as z from 'zod/mini';
import { CONTEXT_STATUSES, ChangedFileSchema, FileDiffSchema, RemoveResultSchema, SessionContextViewSchema, SessionSchema, SessionStatsSchema, SessionWorkSchema } from '../models';
import { RunModeSchema } from '../agents';
import { path, repo, id } from './fields';

/** Sessions (a worktree and branch each) and their shared context. */

export const SessionCardSchema = z.object({ session: SessionSchema, context: SessionContextViewSchema });
export type SessionCard = z.infer<typeof SessionCardSchema>;

export const sessionCommands = {
  /** Every session with its context (no git calls: fast enough for a board of 100). */
  'sessions.list': {
    input: z.strictObject({ repo: repo() }),
    output: z.array(SessionCardSchema),
  },
  'sessions.create': {
    input: z.strictObject({
      repo: repo(),
      task: z.string().check(z.maxLength(4000)),
      agent: z.optional(z.nullable(z.string().check(z.maxLength(64)))),
      base: z.optional(z.string().check(z.minLength(1), z.maxLength(255))),
      count: z.optional(z.int().check(z.gte(1), z.lte(50))),
      /** With an agent preset: how it runs (default interactive). The agent starts at once. */
      mode: z.optional(RunModeSchema),
    }),
    output: z.array(SessionSchema),
  },
  /** What removing a session now would lose (asked before a removal). */
  'sessions.work': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: SessionWorkSchema,
  },
  'sessions.remove': {
    input: z.strictObject({ repo: repo(), id: id(), force: z.optional(z.boolean()) }),
    output: RemoveResultSchema,
  },
  'sessions.stats': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: SessionStatsSchema,
  },
  /** The session's changed files since its branch left the base, uncommitted work included. */
  'sessions.changes': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.array(ChangedFileSchema),
  },
  'sessions.fileDiff': {
    input: z.strictObject({ repo: repo(), id: id(), path: path() }),
    output: FileDiffSchema,
  },
  'context.update': {
    input: z.strictObject({
      repo: repo(),
      id: id(),
      status: z.optional(z.enum(CONTEXT_STATUSES)),
      message: z.optional(z.nullable(z.string().check(z.maxLength(2000)))),
    }),
    output: SessionContextViewSchema,
  },
} as const;
