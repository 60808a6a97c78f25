import * as z from 'zod/mini';
import { CONTEXT_STATUSES, ChangedFileSchema, FileConflictSchema, FileDiffSchema, RemoveResultSchema, RemovedSessionSchema, SessionContextViewSchema, SessionSchema, SessionStatsSchema, SessionWorkSchema, TaskSummarySchema } from '../models';
import { RunModeSchema, RunResultSchema } from '../agents';
import { branch, path, repo, id } from './fields';
import { HostNameSchema } from './hosts';

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
      /** An added host (`council host add`): the session's worktree and agent are there (issue 17). */
      host: z.optional(HostNameSchema),
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
  /** The last sessions removed, newest first, with where their unmerged work was archived. */
  'sessions.removed': {
    input: z.strictObject({ repo: repo() }),
    output: z.array(RemovedSessionSchema),
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
  /** One session: where it is, its changes against the base, its context and locks. */
  'sessions.show': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.object({
      session: SessionSchema,
      stats: SessionStatsSchema,
      context: SessionContextViewSchema,
      /** An update from its base that stopped on conflicts, still in its worktree (absent: none). */
      update: z.optional(z.object({ strategy: z.enum(['merge', 'rebase']), files: z.array(z.string()) })),
    }),
  },
  /** Commits everything in the session's worktree (`commit` null: there was nothing to commit). */
  'sessions.commit': {
    input: z.strictObject({ repo: repo(), id: id(), message: z.string().check(z.minLength(1), z.maxLength(20_000)) }),
    output: z.object({ id: z.string(), commit: z.nullable(z.string()), files: z.int() }),
  },
  /** Removes idle sessions whose removal loses nothing; `olderThanMs` defaults to the stale setting. */
  'sessions.cleanup': {
    input: z.strictObject({ repo: repo(), olderThanMs: z.optional(z.int().check(z.gte(0), z.lte(3650 * 86_400_000))) }),
    output: z.object({
      removed: z.array(z.string()),
      /** Idle sessions left in place, each with why, in plain words ("has 2 unmerged commits"). */
      kept: z.array(z.object({ id: z.string(), reason: z.string() })),
      /** How long a session had to be idle to be a candidate (the stale setting unless asked). */
      olderThanMs: z.int(),
      /**
       * Sessions not idle that long, with how long each has been (they were not candidates); `reason`
       * when it could not be removed however long it stayed idle (unmerged work, uncommitted files…).
       */
      recent: z.array(z.object({ id: z.string(), idleMs: z.int(), reason: z.optional(z.string()) })),
    }),
  },
  /** Brings the registry and git's worktree list into agreement; what it did, by kind of repair. */
  'sessions.reconcile': {
    input: z.strictObject({ repo: repo() }),
    output: z.record(z.string(), z.array(z.string())),
  },
  /**
   * Creates sessions on a task and readies each (.worktreeinclude files, the setup command); with
   * an agent, `run` says what becomes of it: `no` (recorded, not started), `here` (the caller runs
   * it in its own terminal: checked that it can start, one session only), `background` (headless,
   * where the face runs background work, `concurrency` at a time), `wait` (headless, in this
   * process, to the end; its results returned, progress told to the caller as it goes).
   */
  'sessions.launch': {
    input: z.strictObject({
      repo: repo(),
      task: z.string().check(z.maxLength(4000)),
      agent: z.optional(z.nullable(z.string().check(z.maxLength(64)))),
      base: z.optional(branch()),
      count: z.optional(z.int().check(z.gte(1), z.lte(50))),
      run: z.optional(z.enum(['no', 'here', 'background', 'wait'])),
      concurrency: z.optional(z.int().check(z.gte(1), z.lte(50))),
      /** An added host: the sessions' worktrees and agents are there (issue 17). */
      host: z.optional(HostNameSchema),
    }),
    output: z.object({
      sessions: z.array(SessionSchema),
      /** Sessions whose setup failed (left in place, marked failed, agent not started), with why. */
      setupFailures: z.record(z.string(), z.string()),
      /** `run: wait`: every session's outcome, setup failures included. */
      results: z.nullable(z.array(RunResultSchema)),
    }),
  },
  'context.update': {
    input: z.strictObject({
      repo: repo(),
      id: id(),
      status: z.optional(z.enum(CONTEXT_STATUSES)),
      message: z.optional(z.nullable(z.string().check(z.maxLength(2000)))),
      /** The file it is working on (absolute, or relative to the main checkout). */
      currentFile: z.optional(z.nullable(path())),
      /** How far along, e.g. "3/5 tests pass". */
      progress: z.optional(z.nullable(z.string().check(z.maxLength(2000)))),
    }),
    output: SessionContextViewSchema,
  },
  /** One session's context, or every session's (in registry order). */
  'context.show': {
    input: z.strictObject({ repo: repo(), id: z.optional(id()) }),
    output: z.array(SessionContextViewSchema),
  },
  /** Marks a session blocked, with the reason (and the file it waits for: absolute, or relative to the main checkout). */
  'context.blocked': {
    input: z.strictObject({ repo: repo(), id: id(), reason: z.string().check(z.minLength(1), z.maxLength(2000)), on: z.optional(path()) }),
    output: SessionContextViewSchema,
  },
  /**
   * The summary: sessions by status, files two sessions say they are on, and how many pairs the
   * radar predicts would conflict (null, with `radarFailure`, when the radar could not tell).
   */
  'status.get': {
    input: z.strictObject({ repo: repo() }),
    output: z.object({
      summary: TaskSummarySchema,
      sharedFiles: z.array(FileConflictSchema),
      /**
       * The radar's predicted conflicts: by file as the radar speaks (files in conflict, the sessions
       * colliding there, the sessions in conflict with the base), and the pairs behind them.
       */
      predictedConflicts: z.nullable(z.object({ pairs: z.int(), withBase: z.int(), files: z.int(), sessions: z.int(), sessionsWithBase: z.int(), base: z.string() })),
      radarFailure: z.optional(z.string()),
      sessions: z.array(SessionContextViewSchema),
    }),
  },
} as const;
