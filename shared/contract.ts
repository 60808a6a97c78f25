import * as z from 'zod/mini';
import {
  CONTEXT_STATUSES,
  ChangedFileSchema,
  FileDiffSchema,
  FileLockSchema,
  RecentRepoSchema,
  RemoveResultSchema,
  RepoInfoSchema,
  SessionContextViewSchema,
  SessionIdSchema,
  SessionSchema,
  SessionStatsSchema,
  SessionWorkSchema,
  SettingsSchema,
} from './models';
import {
  AgentEventSchema,
  AgentPresetIdSchema,
  AgentPresetInfoSchema,
  AgentRunSchema,
  CompareRowSchema,
  RunModeSchema,
} from './agents';
import { MergeStrategySchema, QueueEntryIdSchema, QueueEntrySchema, RadarSchema } from './merge';
import { SettingEntrySchema, SettingsScopeSchema, SettingsViewSchema } from './settings';

/**
 * The one contract between the renderer (through Electron's preload, or the browser host) and the
 * core. Every command takes one object and resolves to a `Result`; every event carries one object.
 * TypeScript types are derived from these schemas; nothing is hand-written in parallel.
 *
 * Inputs are strict objects: an unknown field is refused, so a typo never silently does nothing.
 */

const path = () => z.string().check(z.minLength(1), z.maxLength(4096));
/** Every repository-scoped command names its repository by an absolute path of its main checkout. */
const repo = path;
const id = () => z.string().check(z.minLength(1), z.maxLength(12));

export const SessionCardSchema = z.object({ session: SessionSchema, context: SessionContextViewSchema });
export type SessionCard = z.infer<typeof SessionCardSchema>;

export const commands = {
  'app.info': {
    input: z.strictObject({}),
    output: z.object({
      version: z.string(),
      platform: z.string(),
      /** Which front end serves this renderer: the desktop app, or the browser host. */
      host: z.enum(['electron', 'browser']),
    }),
  },
  /** Opens a repository (any folder inside it); remembers it among the recent ones. */
  'repo.open': {
    input: z.strictObject({ path: path() }),
    output: RepoInfoSchema,
  },
  'repo.recent': {
    input: z.strictObject({}),
    output: z.array(RecentRepoSchema),
  },
  /** The native folder picker (desktop app only). null when the user cancelled. */
  'repo.pickFolder': {
    input: z.strictObject({}),
    output: z.object({ path: z.nullable(z.string()) }),
  },
  'settings.get': {
    input: z.strictObject({ repo: repo() }),
    output: SettingsSchema,
  },
  'settings.update': {
    input: z.strictObject({
      repo: repo(),
      worktreeRoot: z.optional(z.nullable(path())),
      staleAfterMinutes: z.optional(z.int().check(z.gte(1), z.lte(60 * 24 * 30))),
      worktreeInclude: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(1000))).check(z.maxLength(200))),
      setupCommand: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(4000)))),
      setupTimeoutSeconds: z.optional(z.int().check(z.gte(1), z.lte(24 * 3600))),
      checkCommand: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(4000)))),
      customCommand: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(4000)))),
      defaultAgent: z.optional(z.nullable(AgentPresetIdSchema)),
      concurrency: z.optional(z.int().check(z.gte(1), z.lte(64))),
      maxRetries: z.optional(z.int().check(z.gte(0), z.lte(10))),
      mergeStrategy: z.optional(MergeStrategySchema),
      gateCommand: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(4000)))),
      gateTimeoutSeconds: z.optional(z.int().check(z.gte(1), z.lte(24 * 3600))),
      removeAfterMerge: z.optional(z.boolean()),
    }),
    output: SettingsSchema,
  },
  /**
   * Both scopes of settings (the user's, for every repository, and the repository's overrides),
   * every key's effective value and where it comes from. Without `repo`: the user's scope alone.
   */
  'settings.list': {
    input: z.strictObject({ repo: z.optional(repo()) }),
    output: SettingsViewSchema,
  },
  /** One key (`agents.claude.path`, `agents.claude.env.NAME` …): effective value, source, each scope's. */
  'settings.key': {
    input: z.strictObject({ repo: z.optional(repo()), key: z.string().check(z.minLength(1), z.maxLength(300)) }),
    output: SettingEntrySchema,
  },
  /**
   * Sets and unsets keys in one scope, in one atomic write, validated as a whole: an unknown key or
   * a wrong value is refused naming the key and what it accepts. `unset` hands a key back to the
   * scope below (the user's settings, or the default).
   */
  'settings.change': {
    input: z.strictObject({
      repo: z.optional(repo()),
      scope: SettingsScopeSchema,
      set: z.optional(z.record(z.string().check(z.minLength(1), z.maxLength(300)), z.unknown())),
      unset: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(300))).check(z.maxLength(500))),
    }),
    output: SettingsViewSchema,
  },
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
  /** The agent presets, found on this machine or not (with the reason and the fix). */
  'agents.list': {
    input: z.strictObject({ repo: repo() }),
    output: z.array(AgentPresetInfoSchema),
  },
  /** Starts the session's agent (its preset unless another is named); `resume` continues its last run. */
  'agent.start': {
    input: z.strictObject({ repo: repo(), id: id(), preset: z.optional(AgentPresetIdSchema), mode: z.optional(RunModeSchema), resume: z.optional(z.boolean()) }),
    output: AgentRunSchema,
  },
  /** Stops the session's agent and everything it started. */
  'agent.stop': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.nullable(AgentRunSchema),
  },
  /** Keystrokes for an interactive agent's terminal. */
  'agent.input': {
    input: z.strictObject({ repo: repo(), id: id(), data: z.string().check(z.maxLength(65536)) }),
    output: z.object({ written: z.boolean() }),
  },
  'agent.resize': {
    input: z.strictObject({ repo: repo(), id: id(), cols: z.int().check(z.gte(2), z.lte(1000)), rows: z.int().check(z.gte(1), z.lte(500)) }),
    output: z.object({ resized: z.boolean() }),
  },
  /**
   * Starts sending this client `agent.output` for the session and answers with the scrollback so
   * far. Chunks are numbered 1, 2, 3… per run; `seq` is the number of the last chunk included in
   * `data` (0: none), so the next event is `seq + 1` — a gap means re-attach. `truncated` when
   * older output was dropped from the bounded buffer. For a run hosted by another process (or one
   * that ended), `data` is the end of its log and `seq` is 0.
   */
  'agent.attach': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.object({ run: z.nullable(AgentRunSchema), seq: z.int(), data: z.string(), truncated: z.boolean() }),
  },
  'agent.detach': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.object({ stopped: z.boolean() }),
  },
  /** A session's runs (newest first), or every session's latest run. */
  'agent.runs': {
    input: z.strictObject({ repo: repo(), id: z.optional(id()) }),
    output: z.array(AgentRunSchema),
  },
  /** The normalized events of the session's latest run. */
  'agent.events': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.array(AgentEventSchema),
  },
  /** Best-of-N: the sessions side by side (files, lines, status, and the check command's result). */
  'compare.sessions': {
    input: z.strictObject({ repo: repo(), ids: z.array(id()).check(z.minLength(1), z.maxLength(50)), check: z.optional(z.boolean()) }),
    output: z.array(CompareRowSchema),
  },
  /** Keeps one session and removes the others; their work is archived under refs/council/archive first. */
  'compare.pick': {
    input: z.strictObject({ repo: repo(), keep: id(), discard: z.array(id()).check(z.minLength(1), z.maxLength(50)) }),
    output: z.array(RemoveResultSchema),
  },
  /** The conflict radar: overlaps and predicted conflicts between every pair of sessions and the base. */
  'radar.get': {
    input: z.strictObject({ repo: repo() }),
    output: RadarSchema,
  },
  'queue.list': {
    input: z.strictObject({ repo: repo() }),
    output: z.array(QueueEntrySchema),
  },
  /** Puts a session in the merge queue (strategy and gate default to the settings'). */
  'queue.enqueue': {
    input: z.strictObject({ repo: repo(), id: id(), strategy: z.optional(MergeStrategySchema), gate: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(4000)))) }),
    output: QueueEntrySchema,
  },
  'queue.remove': {
    input: z.strictObject({ repo: repo(), entry: QueueEntryIdSchema }),
    output: z.object({ removed: z.boolean() }),
  },
  /** A parked entry goes back in line. */
  'queue.retry': {
    input: z.strictObject({ repo: repo(), entry: QueueEntryIdSchema }),
    output: QueueEntrySchema,
  },
  /** Moves a waiting entry to a place in the line (0 = next). */
  'queue.move': {
    input: z.strictObject({ repo: repo(), entry: QueueEntryIdSchema, index: z.int().check(z.gte(0), z.lte(10_000)) }),
    output: z.array(QueueEntrySchema),
  },
  /** Re-runs a parked entry's session agent to bring in the base and resolve the conflicting files. */
  'queue.resolve': {
    input: z.strictObject({ repo: repo(), entry: QueueEntryIdSchema }),
    output: AgentRunSchema,
  },
  /** The end of a gate's output log. */
  'queue.gateLog': {
    input: z.strictObject({ repo: repo(), entry: QueueEntryIdSchema }),
    output: z.object({ log: z.string(), truncated: z.boolean() }),
  },
  'locks.list': {
    input: z.strictObject({ repo: repo() }),
    output: z.array(FileLockSchema),
  },
  /** Starts sending this window `state.changed` for the repository (sessions, locks, context). */
  'watch.repo': {
    input: z.strictObject({ repo: repo() }),
    output: z.object({ watching: z.boolean() }),
  },
  /**
   * Starts sending this window `worktree.changed` for one session: answers with a snapshot of its
   * changed files and the sequence number the following deltas continue from.
   */
  'watch.session': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.object({ seq: z.int(), files: z.array(ChangedFileSchema) }),
  },
  'watch.stop': {
    input: z.strictObject({ repo: repo(), id: z.optional(id()) }),
    output: z.object({ stopped: z.boolean() }),
  },
} as const;

/** What the desktop app's menu and keyboard shortcuts ask the window to do. */
export const APP_COMMANDS = ['open-repository', 'new-session', 'show-board', 'show-locks', 'show-radar', 'show-queue', 'show-settings', 'toggle-theme'] as const;
export type AppCommand = (typeof APP_COMMANDS)[number];

export const events = {
  /** A menu item or its keyboard shortcut, in the desktop app. */
  'app.command': z.object({ command: z.enum(APP_COMMANDS) }),
  /**
   * Something in the repository's shared state changed (any process: the app, the CLI, a hook), or
   * (kind `worktree`) files changed in a session's worktree, whoever changed them: its numbers are
   * out of date.
   */
  'state.changed': z.object({
    repo: z.string(),
    kind: z.enum(['sessions', 'locks', 'context', 'settings', 'runs', 'queue', 'worktree']),
    sessionId: z.optional(SessionIdSchema),
  }),
  /**
   * Files changed in a session's worktree. Batched (one event per burst), numbered per session:
   * a gap in `seq` means an event was missed and the snapshot should be fetched again.
   */
  'worktree.changed': z.object({
    repo: z.string(),
    sessionId: SessionIdSchema,
    seq: z.int(),
    /** Repo-relative paths that changed in this batch (capped; `overflow` when more changed). */
    paths: z.array(z.string()),
    overflow: z.boolean(),
  }),
  /** Terminal output of a session's agent, for clients attached to it; `seq` has no gaps per run. */
  'agent.output': z.object({ repo: z.string(), sessionId: SessionIdSchema, runId: z.string(), seq: z.int(), data: z.string() }),
  /** A run started, changed state or ended (any client watching the repository). */
  'agent.run': z.object({ repo: z.string(), run: AgentRunSchema }),
  /** The radar was recomputed (any client watching the repository). */
  'radar.changed': z.object({ repo: z.string(), radar: RadarSchema }),
  /** A normalized event of a run (any client watching the repository). */
  'agent.event': z.object({ repo: z.string(), sessionId: SessionIdSchema, runId: z.string(), event: AgentEventSchema }),
} as const;

export type CommandName = keyof typeof commands;
export type EventName = keyof typeof events;
export type CommandInput<C extends CommandName> = z.input<(typeof commands)[C]['input']>;
export type CommandOutput<C extends CommandName> = z.infer<(typeof commands)[C]['output']>;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

export const COMMAND_NAMES = Object.keys(commands) as CommandName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** IPC channel names: one for all commands (the command name travels in the message), one per event. */
export const INVOKE_CHANNEL = 'council:invoke';
export const eventChannel = (name: EventName): string => `council:event:${name}`;

