import type { AgentEventInput, AgentOverride, AgentPresetId, LockEnforcement, RunMode } from '../../../shared/agents';
import type { Session } from '../../../shared/models';

/**
 * The one interface every agent preset implements: how its program is found and versioned, how it
 * starts (interactive or headless) in a session's worktree, its environment, how its structured
 * output maps to our events, and how our hooks are installed for one session without touching the
 * user's own configuration.
 */

/** How to start the `council` CLI from an agent's hook: argv (already absolute) plus environment. */
export interface CouncilCommand {
  argv: string[];
  env: Record<string, string>;
}

/** Everything a preset needs to build one launch. */
export interface LaunchContext {
  session: Session;
  /** The main checkout's top folder. */
  repoRoot: string;
  task: string;
  mode: RunMode;
  /** The environment the agent inherits: the user's, plus COUNCIL_SESSION_ID, COUNCIL_REPO, PORT. */
  env: Record<string, string>;
  /** The settings' override for this preset (program path, extra args/env, Ollama driver/model). */
  override: AgentOverride;
  /** The custom preset's template from the settings. */
  customTemplate: string | null;
  /** How a hook starts `council` (for `council hook pre-tool|post-tool|notify|stop --agent …`). */
  council: CouncilCommand;
  /** A private folder for this session's agent files (a CLI's own config home, when one is needed). */
  privateDir: string;
  /** The user's home folder (the presets link the user's own CLI settings from here). */
  userHome: string;
  /** Resume the CLI's own conversation, when the preset supports it and an id is known. */
  resume: { agentSessionId: string | null } | null;
  /**
   * A remote session's program lookup (issue 17): its program is the host's, found from the host's
   * last check (agents/remote-run.ts hostProgram), not on this machine's PATH. Absent: here.
   */
  locate?: (spec: { id: string; label: string; binary: string; install: string }, configuredPath: string | undefined) => string;
}

export interface Launch {
  command: string;
  args: string[];
  /** The full environment of the agent process. */
  env: Record<string, string>;
  cwd: string;
  /** Headless: how stdout lines become events (null when the CLI has no structured output). */
  parser: OutputParser | null;
  /** Interactive: typed into the terminal once the program is up (for CLIs that take no prompt argument). */
  initialInput?: string;
  /**
   * The shell command line the CLI runs before each edit (the lock hook), for a preset whose locks
   * rest on it: the manager runs it once with a self-test payload before starting the agent
   * (hooks/preflight.ts), since every CLI reads a hook that cannot run as "allow".
   */
  lockHook?: string;
  /**
   * Headless: the agent must show its model's first answer (OutputParser.answered) within this
   * long, or it is stopped and the run fails naming `modelServer` — for a CLI that retries a dead
   * server for long and says nothing meanwhile (opencode).
   */
  answerDeadlineMs?: number;
  /** The model server's address, for that failure's reason (null when unknown). */
  modelServer?: string | null;
  /**
   * Interactive: the program will first ask the person something before it reads its task (Claude
   * Code's "Do you trust the files in this folder?"), known from the CLI's own state, not its
   * screen. The session shows `needs-input` with `message` until `answered()` says so.
   */
  startupPrompt?: StartupPrompt;
}

export interface StartupPrompt {
  message: string;
  answered(): boolean;
}

/** Turns a CLI's structured output into normalized events; one parser per run (it may keep state). */
export interface OutputParser {
  /** One line of stdout (without its newline). */
  line(text: string): AgentEventInput[];
  /** One line of stderr (some CLIs report hook denials only there). */
  errorLine?(text: string): AgentEventInput[];
  /**
   * Once, when the process has exited: a verdict the CLI gives only by what it printed last (Aider
   * exits 0 after giving up on its model server).
   */
  end?(): AgentEventInput[];
  /** The output is text for people (no structured events): show each line as it is, besides parsing it. */
  readonly showsRaw?: boolean;
  /** Whether the output has shown an answer of the model yet (see Launch.answerDeadlineMs). */
  answered?(): boolean;
}

export interface Detection {
  path: string | null;
  version: string | null;
  /** Why the preset cannot start, naming the preset and the fix; null when it can. */
  problem: string | null;
  /** Something worth saying that does not stop it from starting (its `--version` was too slow to answer). */
  warning?: string;
}

export interface DetectOptions {
  env: Record<string, string>;
  override: AgentOverride;
  customTemplate: string | null;
  locateOnly?: boolean;
}

export interface AgentPreset {
  id: AgentPresetId;
  label: string;
  /** The program's default name on PATH. */
  binary: string;
  locks: LockEnforcement;
  /** Why its agent gets no council MCP tools (its CLI has no MCP); absent: they are installed (hooks/mcp.ts). */
  noMcp?: string;
  /** The locks with these settings, where they depend on them (Ollama: enforced through Codex, advisory through opencode). */
  locksFor?(override: AgentOverride): LockEnforcement;
  modes: RunMode[];
  /** Continues the CLI's own conversation with a new prompt (LaunchContext.resume + task): a follow-up resumes it. */
  resumes?: boolean;
  /**
   * Why this preset was not run for real on this build (its program cannot be installed where the
   * tests run): shown as "not verified on this build" wherever presets are listed. Absent for the
   * presets whose claims tests/agents proves with the real CLI.
   */
  unverified?: string;
  /** Finds the program (override path or PATH), asks its version, and checks what it depends on
   * (for Ollama: the server). Never hangs: every probe has a timeout. With `locateOnly` the version
   * is not asked (a program need not answer --version to start): the check before a start. */
  detect(options: DetectOptions): Promise<Detection>;
  /** Builds the process to start. May write files under `ctx.privateDir` (a CLI's config home). */
  launch(ctx: LaunchContext): Promise<Launch>;
}
