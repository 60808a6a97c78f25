import * as z from 'zod/mini';
import { SessionIdSchema } from './ids';

/*
 * Agents: the presets the app knows how to run, one agent run per session at a time, and the
 * normalized events every CLI's structured output and hooks are mapped to.
 */

export const AGENT_PRESET_IDS = ['claude', 'codex', 'gemini', 'opencode', 'qwen', 'copilot', 'kilo', 'aider', 'ollama', 'auto-claude', 'custom'] as const;
export const AgentPresetIdSchema = z.enum(AGENT_PRESET_IDS);
export type AgentPresetId = z.infer<typeof AgentPresetIdSchema>;

export const RUN_MODES = ['interactive', 'headless'] as const;
export const RunModeSchema = z.enum(RUN_MODES);
export type RunMode = z.infer<typeof RunModeSchema>;

/**
 * How edits are kept off files other sessions hold: `enforced` — the CLI's own pre-tool hook asks
 * the lock manager and a refusal stops the edit; `advisory` — the CLI has no hook we can use, the
 * watcher sees its edits and the conflict is flagged.
 */
export const LOCK_ENFORCEMENT = ['enforced', 'advisory'] as const;
export type LockEnforcement = (typeof LOCK_ENFORCEMENT)[number];

/**
 * The cells of the support matrix (README "What each preset is proven to do") and how each stands
 * for a preset: proven by a test with the real CLI, with a stand-in only, claimed without a passing
 * test ("not proven"), or not claimed. Generated from the tests' results (`npm run matrix`).
 */
export const SUPPORT_CELLS = ['headless', 'interactive', 'resume', 'events', 'locks', 'mcp', 'status', 'firstWrite'] as const;
export const CELL_STATES = ['proven', 'stand-in', 'not proven', 'no'] as const;

/** A preset as detected on this machine (`council agents`, the new-session dialog). */
export const AgentPresetInfoSchema = z.object({
  id: AgentPresetIdSchema,
  label: z.string(),
  /** The program it runs (a name looked up on PATH, or the configured path). */
  binary: z.string(),
  /** Where the program was found; null when it was not. */
  path: z.nullable(z.string()),
  version: z.nullable(z.string()),
  /** Ready to start a session. When false, `problem` says why and how to fix it. */
  available: z.boolean(),
  problem: z.nullable(z.string()),
  /** Worth saying, but it can start: its `--version` did not answer in time (version unknown). */
  warning: z._default(z.nullable(z.string()), null),
  locks: z.enum(LOCK_ENFORCEMENT),
  modes: z.array(RunModeSchema),
  /** Why this preset's agent does not get council's MCP tools (peers, claims, messages); null: it does (issue 15). */
  noMcp: z._default(z.nullable(z.string()), null),
  /** Set when the preset was not run for real on this build (why, in words): "not verified on this build". */
  unverified: z.optional(z.string()),
  /** Each support-matrix cell's standing on this build (what `council agents` may claim). */
  support: z.optional(z.record(z.enum(SUPPORT_CELLS), z.enum(CELL_STATES))),
});
export type AgentPresetInfo = z.infer<typeof AgentPresetInfoSchema>;

export { AgentOverrideSchema, type AgentOverride } from './agent-override';

/*
 * Normalized events. Every CLI's structured output (and our hooks) maps to these; the UI, the
 * context and the executor's results read only these.
 */
const at = () => z.string();
export const AgentEventSchema = z.discriminatedUnion('kind', [
  /** The agent is up; `agentSessionId` is the CLI's own conversation id, for resuming. */
  z.object({ kind: z.literal('started'), at: at(), agentSessionId: z.nullable(z.string()), model: z.nullable(z.string()) }),
  /** A tool call; `path` is the file it works on (repo-relative when inside the worktree). */
  z.object({ kind: z.literal('tool'), at: at(), tool: z.string(), path: z.nullable(z.string()) }),
  z.object({ kind: z.literal('file-changed'), at: at(), path: z.string() }),
  z.object({ kind: z.literal('message'), at: at(), text: z.string() }),
  /** An edit refused by the lock hook (or the CLI's own permissions), with the reason it was given. */
  z.object({ kind: z.literal('denied'), at: at(), tool: z.string(), path: z.nullable(z.string()), reason: z.string() }),
  z.object({ kind: z.literal('needs-input'), at: at(), text: z.nullable(z.string()) }),
  z.object({ kind: z.literal('usage'), at: at(), costUsd: z.nullable(z.number()), inputTokens: z.nullable(z.int()), outputTokens: z.nullable(z.int()) }),
  z.object({ kind: z.literal('done'), at: at(), text: z.nullable(z.string()) }),
  z.object({ kind: z.literal('failed'), at: at(), reason: z.string() }),
]);
export type AgentEvent = z.infer<typeof AgentEventSchema>;
export type AgentEventKind = AgentEvent['kind'];

/** Distributes Omit over the union (so `{ kind: 'tool', tool, path }` type-checks without `at`). */
export type AgentEventInput = AgentEvent extends infer E ? (E extends AgentEvent ? Omit<E, 'at'> : never) : never;

/** One run of an agent in a session. A session has at most one live run; earlier runs are kept. */
/** `disconnected`: a remote session's agent still runs on its host, home lost the connection and reconnects (issue 17). */
export const RUN_STATES = ['starting', 'running', 'done', 'failed', 'stopped', 'interrupted', 'disconnected'] as const;
export const RunStateSchema = z.enum(RUN_STATES);
export type RunState = z.infer<typeof RunStateSchema>;
export const LIVE_RUN_STATES: readonly RunState[] = ['starting', 'running', 'disconnected'];

/** A remote run's connection to its host while it is (or was last) disconnected. */
export const RunConnectionSchema = z.object({
  host: z.string(),
  /** When the connection dropped (ISO). */
  droppedAt: z.string(),
  /** Reconnection attempts since. */
  attempt: z.int(),
  /** When the next attempt is made (ISO); null while one is under way. */
  nextAttemptAt: z.nullable(z.string()),
  /** What the last attempt or the drop said. */
  error: z.nullable(z.string()),
});
export type RunConnection = z.infer<typeof RunConnectionSchema>;

export const RunIdSchema = z.string().check(z.regex(/^[0-9a-f]{8,16}$/, 'a run id is 8 to 16 hex digits'));

export const AgentRunSchema = z.object({
  id: RunIdSchema,
  sessionId: SessionIdSchema,
  preset: AgentPresetIdSchema,
  mode: RunModeSchema,
  task: z.string(),
  state: RunStateSchema,
  /** 1 for the first try; the executor's retries count up. */
  attempt: z.int(),
  /** The agent's process (its process group leader); null before it started. */
  pid: z.nullable(z.int()),
  /** The process that runs it and records its output (the app, or a `council` supervisor). */
  hostPid: z.int(),
  startedAt: z.string(),
  endedAt: z.nullable(z.string()),
  exitCode: z.nullable(z.int()),
  signal: z.nullable(z.string()),
  /** Why it failed, stopped or was interrupted, in words. */
  reason: z.nullable(z.string()),
  /** The CLI's own conversation id when it reported one (resume continues it). */
  agentSessionId: z.nullable(z.string()),
  /** Repo-relative files it edited, as far as its events and the watcher tell. */
  filesTouched: z.array(z.string()),
  /** It did something (a tool call or an edit): a failure after that is not retried. */
  didWork: z.boolean(),
  costUsd: z.nullable(z.number()),
  inputTokens: z.nullable(z.int()),
  outputTokens: z.nullable(z.int()),
  /** Denials by the lock hook during this run. */
  denials: z.int(),
  /** The output log's size in bytes when it ended (the log itself is beside the run record). */
  outputBytes: z.int(),
  /** A remote run whose connection dropped (state `disconnected`); absent otherwise. */
  connection: z.optional(z.nullable(RunConnectionSchema)),
});
export type AgentRun = z.infer<typeof AgentRunSchema>;

/** A chunk of terminal output; `seq` numbers chunks per run without gaps. */
export const OutputChunkSchema = z.object({ seq: z.int(), data: z.string() });
export type OutputChunk = z.infer<typeof OutputChunkSchema>;

/** One row of a best-of-N comparison. */
export const CompareRowSchema = z.object({
  sessionId: SessionIdSchema,
  agent: z.nullable(z.string()),
  task: z.string(),
  run: z.nullable(AgentRunSchema),
  filesChanged: z.int(),
  insertions: z.int(),
  deletions: z.int(),
  commits: z.int(),
  files: z.array(z.string()),
  /** The settings' check command run in the session's worktree; null when none is set. */
  check: z.nullable(z.object({ command: z.string(), exitCode: z.nullable(z.int()), passed: z.boolean(), output: z.string(), durationMs: z.int() })),
});
export type CompareRow = z.infer<typeof CompareRowSchema>;

/** The executor's result for one session (`council run --wait`). */
export const RunResultSchema = z.object({
  sessionId: SessionIdSchema,
  preset: AgentPresetIdSchema,
  state: RunStateSchema,
  attempts: z.int(),
  exitCode: z.nullable(z.int()),
  reason: z.nullable(z.string()),
  filesChanged: z.array(z.string()),
  commits: z.int(),
  durationMs: z.int(),
  costUsd: z.nullable(z.number()),
});
export type RunResult = z.infer<typeof RunResultSchema>;
