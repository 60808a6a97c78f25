import * as z from 'zod/mini';

/*
 * The models every layer shares. Written with zod/mini (the same zod, tree-shakable): the CLI
 * validates these on every agent edit, and classic zod alone costs ~20 ms of start-up there,
 * against ~4 ms for what these schemas use of zod/mini.
 */

import { SessionIdSchema } from './ids';
import { AgentOverrideSchema } from './agent-override';

export { SessionIdSchema, type SessionId } from './ids';

/** A session's life on disk. `creating` and `removing` are intents written before git runs, so a
 * process killed half-way leaves a record that reconcile can finish or roll back. */
export const SESSION_STATES = ['creating', 'ready', 'removing'] as const;
export const SessionStateSchema = z.enum(SESSION_STATES);
export type SessionState = z.infer<typeof SessionStateSchema>;

const nonEmpty = () => z.string().check(z.minLength(1));

export const SessionSchema = z.object({
  id: SessionIdSchema,
  task: nonEmpty(),
  agent: z.nullable(z.string()),
  branch: nonEmpty(),
  worktreePath: nonEmpty(),
  baseBranch: nonEmpty(),
  baseCommit: z.string().check(z.regex(/^[0-9a-f]{40,64}$/)),
  createdAt: z.string(),
  state: SessionStateSchema,
  /** While `creating` or `removing`: the process doing it, and since when. Reconcile leaves such a
   * record alone while that process lives (another process may be creating it right now). */
  busy: z.optional(z.object({ pid: z.int(), since: z.string() })),
  /**
   * A session on another machine (issue 17): the host's SSH name, its worktree there and the clone
   * it belongs to there. `worktreePath` is then the home's read-only mirror of that worktree, synced
   * from the host's snapshots, which every reader at home (diff, radar, queue) reads as usual.
   */
  host: z.optional(z.object({ name: nonEmpty(), path: nonEmpty(), repo: nonEmpty() })),
});
export type Session = z.infer<typeof SessionSchema>;

export const RegistryFileSchema = z.object({
  version: z.literal(1),
  sessions: z.record(z.string(), SessionSchema),
});
export type RegistryFile = z.infer<typeof RegistryFileSchema>;

export { FileLockSchema, type FileLock } from './file-lock';

/**
 * What a session is doing. `needs-input`: its agent waits for the person (a permission, a question,
 * a start-up prompt such as "trust this folder?"); `idle`: nothing runs and nobody is asked anything
 * (a new session, an agent that was stopped or interrupted). Before issue 12 both were `waiting`,
 * which told a supervisor nothing at a glance; a stored `waiting` reads as `idle`.
 */
export const CONTEXT_STATUSES = ['working', 'needs-input', 'blocked', 'idle', 'done', 'failed'] as const;
export const ContextStatusSchema = z.enum(CONTEXT_STATUSES);
export type ContextStatus = z.infer<typeof ContextStatusSchema>;

/** Each status in words, for people (the CLI's tables print the value itself). */
export const CONTEXT_STATUS_LABELS: Record<ContextStatus, string> = {
  working: 'working',
  'needs-input': 'needs input',
  blocked: 'blocked',
  idle: 'idle',
  done: 'done',
  failed: 'failed',
};

export const StatusChangeSchema = z.object({
  status: ContextStatusSchema,
  at: z.string(),
  message: z.nullable(z.string()),
});
export type StatusChange = z.infer<typeof StatusChangeSchema>;

const contextShape = {
  sessionId: SessionIdSchema,
  agent: z.nullable(z.string()),
  task: z.string(),
  status: ContextStatusSchema,
  currentFile: z.nullable(z.string()),
  progress: z.nullable(z.string()),
  message: z.nullable(z.string()),
  blockedReason: z.nullable(z.string()),
  blockedOn: z.nullable(z.string()),
  updatedAt: z.string(),
  /** The most recent status changes, oldest first, capped (see CONTEXT_HISTORY_LIMIT). */
  history: z.array(StatusChangeSchema),
  /**
   * Advisory lock clashes: files this session's agent (one without a pre-edit hook) edited while
   * another session held them. Kept whatever the status does next, so `council status` shows the
   * clash until it is resolved (the holder lets the file go); readers show only those still held.
   */
  clashes: z._default(z.array(z.object({ path: nonEmpty(), holder: SessionIdSchema, at: z.string() })), []),
};

/** What one session is doing, as its agent (through hooks and structured output) last reported. */
export const SessionContextSchema = z.object(contextShape);
export type SessionContext = z.infer<typeof SessionContextSchema>;

/** A context as readers see it: the stored record plus the files its session holds locks on, and
 * whether it has gone quiet for longer than the stale threshold. */
export const SessionContextViewSchema = z.object({
  ...contextShape,
  filesLocked: z.array(z.string()),
  stale: z.boolean(),
});
export type SessionContextView = z.infer<typeof SessionContextViewSchema>;

export const CONTEXT_HISTORY_LIMIT = 50;

const text = (max: number) => z.string().check(z.maxLength(max));

export const ContextUpdateSchema = z.partial(
  z.strictObject({
    status: ContextStatusSchema,
    currentFile: z.nullable(text(4096)),
    progress: z.nullable(text(2000)),
    message: z.nullable(text(2000)),
    blockedReason: z.nullable(text(2000)),
    blockedOn: z.nullable(text(4096)),
    agent: z.nullable(text(64)),
  }),
);
export type ContextUpdate = z.infer<typeof ContextUpdateSchema>;

/** Sessions that report the same current file, or hold it locked while another works on it. */
export const FileConflictSchema = z.object({
  path: z.string(),
  sessionIds: z.array(SessionIdSchema),
  lockOwner: z.nullable(SessionIdSchema),
});
export type FileConflict = z.infer<typeof FileConflictSchema>;

export const TaskSummarySchema = z.object({
  total: z.int(),
  byStatus: z.record(ContextStatusSchema, z.int()),
});
export type TaskSummary = z.infer<typeof TaskSummarySchema>;

/** Per-repository settings, stored beside the registry in the git common dir. */
export const SettingsSchema = z.object({
  /** Where new session worktrees go; null means the default outside the working tree. */
  worktreeRoot: z.nullable(z.string()),
  /** Sessions (and context records) not updated for this long are stale. */
  staleAfterMinutes: z.int().check(z.positive()),
  /** Files copied from the main checkout into each new worktree (gitignore syntax), in addition to
   * the patterns of a `.worktreeinclude` file at the top of the main checkout. */
  worktreeInclude: z._default(z.array(z.string()), []),
  /** Run in each new worktree before its agent starts (through the user's shell, with a timeout). */
  setupCommand: z._default(z.nullable(z.string()), null),
  setupTimeoutSeconds: z._default(z.int().check(z.gte(1), z.lte(24 * 3600)), 600),
  /** Shown beside each session in a best-of-N comparison (and the merge queue's gate, later). */
  checkCommand: z._default(z.nullable(z.string()), null),
  /** The custom preset's command template: {task}, {worktree}, {session} are filled in. */
  customCommand: z._default(z.nullable(z.string()), null),
  /** Per-preset overrides: program path, extra arguments and environment. */
  agents: z._default(z.record(z.string(), AgentOverrideSchema), {}),
  /** The preset the new-session dialog and `council run` start with. */
  defaultAgent: z._default(z.nullable(z.string()), null),
  /** How many agents the executor runs at once, and how often it retries one that failed before
   * doing any work. */
  concurrency: z._default(z.int().check(z.gte(1), z.lte(64)), 4),
  maxRetries: z._default(z.int().check(z.gte(0), z.lte(10)), 2),
  /** The merge queue: default strategy, the gate command run on each merged result (null: none)
   * and its timeout, and whether a merged session's worktree is removed. */
  mergeStrategy: z._default(z.enum(['merge', 'squash', 'rebase']), 'merge'),
  gateCommand: z._default(z.nullable(z.string()), null),
  gateTimeoutSeconds: z._default(z.int().check(z.gte(1), z.lte(24 * 3600)), 1800),
  removeAfterMerge: z._default(z.boolean(), false),
  /** How a session's worktree is opened (issue 14, item 5): a program and its arguments, `{path}`
   * standing for the worktree; empty: the platform's default (open-worktree.ts). */
  openEditor: z._default(z.array(z.string()), []),
  openTerminal: z._default(z.array(z.string()), []),
  openFileManager: z._default(z.array(z.string()), []),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({ worktreeRoot: null, staleAfterMinutes: 30 });

/** A session joined with what git says about its worktree. */
export const SessionStatsSchema = z.object({
  ahead: z.int(),
  behind: z.int(),
  filesChanged: z.int(),
  insertions: z.int(),
  deletions: z.int(),
  dirty: z.boolean(),
  /** Everything it has is in the base already, by whatever strategy it was merged: the file counts
   * above are then 0 (nothing left to merge). */
  merged: z.boolean(),
  /** Why queueing it to merge cannot do anything (null: it can): already merged, or nothing of its own. */
  mergeBlocked: z.nullable(z.string()),
});
export type SessionStats = z.infer<typeof SessionStatsSchema>;

/** One changed file of a session, against the point where its branch left the base: committed and
 * uncommitted work together, untracked files included, ignored files not. */
export const CHANGE_KINDS = ['added', 'modified', 'deleted', 'renamed', 'untracked'] as const;
export const ChangedFileSchema = z.object({
  path: z.string(),
  origPath: z.nullable(z.string()),
  kind: z.enum(CHANGE_KINDS),
  /** null for binary files. */
  insertions: z.nullable(z.int()),
  deletions: z.nullable(z.int()),
  binary: z.boolean(),
});
export type ChangedFile = z.infer<typeof ChangedFileSchema>;

/** The diff of one file as a unified patch (git's), or why there is none to show. */
export const FileDiffSchema = z.object({
  path: z.string(),
  patch: z.string(),
  binary: z.boolean(),
  /** The patch was over the size limit and is not included. */
  tooLarge: z.boolean(),
  size: z.int(),
});
export type FileDiff = z.infer<typeof FileDiffSchema>;

/** What would be lost by removing a session now. */
export const SessionWorkSchema = z.object({
  unmergedCommits: z.int(),
  uncommitted: z.array(z.string()),
});
export type SessionWork = z.infer<typeof SessionWorkSchema>;

export const RemoveResultSchema = z.object({
  id: SessionIdSchema,
  branch: z.string(),
  worktreePath: z.string(),
  archivedAs: z.nullable(z.string()),
  archivedCommit: z.nullable(z.string()),
  locksReleased: z.array(z.string()),
});
export type RemoveResult = z.infer<typeof RemoveResultSchema>;

/** A session that was removed, as the removal log keeps it (newest first, the last REMOVED_LOG_LIMIT). */
export const RemovedSessionSchema = z.object({
  id: SessionIdSchema,
  task: z.string(),
  branch: z.string(),
  baseBranch: z.string(),
  removedAt: z.string(),
  /** Where its unmerged work was kept (refs/council/archive/…), and the commit; null when it had none. */
  archivedAs: z.nullable(z.string()),
  archivedCommit: z.nullable(z.string()),
});
export type RemovedSession = z.infer<typeof RemovedSessionSchema>;
export const REMOVED_LOG_LIMIT = 200;
export const RemovedLogSchema = z.object({ version: z.literal(1), removed: z.array(RemovedSessionSchema) });
export type RemovedLog = z.infer<typeof RemovedLogSchema>;

export const RepoInfoSchema = z.object({
  /** The main checkout's top folder. */
  root: z.string(),
  name: z.string(),
  /** The branch the main checkout is on; null when detached. */
  branch: z.nullable(z.string()),
});
export type RepoInfo = z.infer<typeof RepoInfoSchema>;

export const RecentRepoSchema = z.object({ root: z.string(), name: z.string(), openedAt: z.string() });
export type RecentRepo = z.infer<typeof RecentRepoSchema>;
export const RecentFileSchema = z.object({ version: z.literal(1), repos: z.array(RecentRepoSchema) });
