import * as z from 'zod/mini';
import { SessionIdSchema } from './models';
import { AgentEventSchema, AgentRunSchema } from './agents';
import { RadarSchema } from './merge';
import { appCommands } from './commands/app';
import { settingsCommands } from './commands/settings';
import { sessionCommands } from './commands/sessions';
import { sessionActionCommands } from './commands/session-actions';
import { agentCommands } from './commands/agents';
import { mergeCommands } from './commands/merge';
import { lockCommands } from './commands/locks';
import { watchCommands } from './commands/watch';
import { shellCommands } from './commands/shells';
import { reviewCommands } from './commands/review';
import { diffCommands } from './commands/diff';
import { councilCommands } from './commands/council';
import { digestCommands } from './commands/digest';
import { hostCommands } from './commands/hosts';

export { SessionCardSchema, type SessionCard } from './commands/sessions';

/**
 * The one contract between the renderer (through Electron's preload, or the browser host) and the
 * core. Every command takes one object and resolves to a `Result`; every event carries one object.
 * TypeScript types are derived from these schemas; nothing is hand-written in parallel.
 *
 * Inputs are strict objects: an unknown field is refused, so a typo never silently does nothing.
 */

/**
 * The commands are written one domain per file (shared/commands/): a process that serves only a
 * few of them (the CLI's lock verbs, which run before every agent edit) loads only those.
 */
export const commands = {
  ...appCommands,
  ...settingsCommands,
  ...sessionCommands,
  ...sessionActionCommands,
  ...agentCommands,
  ...mergeCommands,
  ...lockCommands,
  ...watchCommands,
  ...shellCommands,
  ...reviewCommands,
  ...diffCommands,
  ...councilCommands,
  ...digestCommands,
  ...hostCommands,
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
    kind: z.enum(['sessions', 'locks', 'context', 'settings', 'runs', 'queue', 'worktree', 'review', 'messages']),
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
  /** Output of a session's shell, for clients attached to it; `seq` has no gaps per shell. */
  'shell.output': z.object({ repo: z.string(), sessionId: SessionIdSchema, shellId: z.string(), seq: z.int(), data: z.string() }),
  /** A session's shell ended (it exited, or was stopped), for clients attached to it. */
  'shell.exited': z.object({ repo: z.string(), sessionId: SessionIdSchema, shellId: z.string(), code: z.nullable(z.int()), signal: z.nullable(z.string()) }),
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

