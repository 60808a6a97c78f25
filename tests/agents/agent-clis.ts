import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/repo';

/**
 * How to run the real agent CLIs headless against the scripted model server, each with its own
 * HOME / config folder and a hand-picked environment (no API key, no network, no retries).
 * See ../../../shared/agent-clis.md for where each flag comes from.
 */

export type AgentName = 'claude' | 'codex' | 'gemini';

/** Our stand-in lock hook (records its stdin, then denies, allows, crashes or hangs). */
export const LOCK_HOOK = path.join(REPO_ROOT, 'tests', 'support', 'model-server', 'hooks', 'lock-hook.mjs');

/** Our stand-in hook in one of its modes, or any other hook command line (e.g. `council hook …`). */
export type HookSpec =
  | {
      mode: 'deny' | 'deny-json' | 'allow' | 'crash' | 'hang';
      reason?: string;
      /** File the hook appends the JSON it received to (one line per call). */
      log: string;
      /** The CLI's timeout for the hook. */
      timeoutSeconds: number;
    }
  | { command: string; timeoutSeconds: number };

/** Where Gemini CLI gets its BeforeTool hook from (we must not replace the user's HOME in the app). */
export type GeminiHookPlacement = 'project' | 'home' | 'gemini-cli-home' | 'system-settings-env';

export interface AgentRunOptions {
  serverUrl: string;
  cwd: string;
  prompt: string;
  hook?: HookSpec;
  geminiHookPlacement?: GeminiHookPlacement;
  /** Codex: pass --dangerously-bypass-hook-trust (default true; false shows what happens without it). */
  codexTrustHooks?: boolean;
  /** Kill the CLI after this long (the test then fails on `timedOut`). */
  timeoutMs?: number;
  /** Extra environment for the CLI (and so for its hooks), e.g. COUNCIL_SESSION_ID. */
  env?: Record<string, string>;
}

export interface AgentRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** stdout's JSON lines, parsed (other lines are ignored). */
  events: Record<string, unknown>[];
  durationMs: number;
}

const bin = (name: string) => path.join(REPO_ROOT, 'node_modules', '.bin', name);
const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/** The shell command line each CLI runs for the hook. */
export function hookCommand(hook: HookSpec): string {
  if ('command' in hook) return hook.command;
  return shellCommand([process.execPath, LOCK_HOOK, hook.mode, hook.reason ?? '', hook.log]);
}

/** A command line for a hook, quoted for the shell the CLIs run hooks through. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(quote).join(' ');
}

/** Only what a CLI needs from our environment: never the developer's API keys or proxies. */
function baseEnv(home: string): Record<string, string> {
  const tmp = path.join(home, 'tmp');
  mkdirSync(tmp, { recursive: true });
  // TMPDIR inside the run's HOME: Gemini CLI drops error reports there.
  const env: Record<string, string> = { HOME: home, TMPDIR: tmp, PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', TERM: 'dumb', NO_COLOR: '1' };
  for (const key of ['GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM']) {
    const value = process.env[key];
    if (value) env[key] = value;
  }
  return env;
}

interface Invocation {
  command: string;
  args: string[];
  env: Record<string, string>;
}

function claude(options: AgentRunOptions, home: string): Invocation {
  const configDir = path.join(home, '.claude');
  mkdirSync(configDir, { recursive: true });
  const args = ['-p', options.prompt, '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits'];
  if (options.hook) {
    const settings = { hooks: { PreToolUse: [{ matcher: 'Write|Edit|MultiEdit|NotebookEdit', hooks: [{ type: 'command', command: hookCommand(options.hook), timeout: options.hook.timeoutSeconds }] }] } };
    args.push('--settings', JSON.stringify(settings));
  }
  return {
    command: bin('claude'),
    args,
    env: {
      ...baseEnv(home),
      ANTHROPIC_BASE_URL: options.serverUrl,
      ANTHROPIC_API_KEY: 'scripted-model-key',
      CLAUDE_CONFIG_DIR: configDir,
      DISABLE_TELEMETRY: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_ERROR_REPORTING: '1',
      // Fail at once on a dead or failing server (by default it retries; minutes, says agent-clis.md).
      CLAUDE_CODE_MAX_RETRIES: '0',
    },
  };
}

/** A TOML basic string: JSON's escapes are valid TOML for these (ASCII) values. */
const toml = (value: string) => JSON.stringify(value);

function codex(options: AgentRunOptions, home: string): Invocation {
  const codexHome = path.join(home, '.codex');
  mkdirSync(codexHome, { recursive: true });
  const provider = `model_providers.mock={name="mock",base_url=${toml(`${options.serverUrl}/v1`)},env_key="MOCK_KEY",wire_api="responses",request_max_retries=0,stream_max_retries=0}`;
  const args = ['exec', '--json', '--dangerously-bypass-approvals-and-sandbox'];
  for (const config of ['model_provider="mock"', 'model="gpt-5.5"', provider, 'check_for_update_on_startup=false', 'analytics.enabled=false']) args.push('-c', config);
  // request/stream_max_retries=0: a 5xx fails the turn at once (default: 5 "Reconnecting…" retries).
  // unbounded_connection_retries (on by default): a refused connection is retried forever.
  args.push('--disable', 'plugins', '--disable', 'remote_plugin', '--disable', 'unbounded_connection_retries');
  if (options.hook) {
    const hooks = `hooks.PreToolUse=[{matcher="apply_patch",hooks=[{type="command",command=${toml(hookCommand(options.hook))},timeout=${options.hook.timeoutSeconds}}]}]`;
    // Codex skips hooks nobody has reviewed in its TUI, silently, unless told to trust them.
    args.push('-c', hooks);
    if (options.codexTrustHooks !== false) args.push('--dangerously-bypass-hook-trust');
  }
  args.push(options.prompt);
  return { command: bin('codex'), args, env: { ...baseEnv(home), CODEX_HOME: codexHome, MOCK_KEY: 'scripted-model-key' } };
}

function gemini(options: AgentRunOptions, home: string): Invocation {
  const settings: Record<string, unknown> = {
    security: { auth: { selectedType: 'gemini-api-key' } },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    // One attempt, no retry of refused connections: else a dead server means minutes of backoff.
    general: { disableAutoUpdate: true, maxAttempts: 1, retryFetchErrors: false },
  };
  const env: Record<string, string> = { ...baseEnv(home), GOOGLE_GEMINI_BASE_URL: options.serverUrl, GEMINI_API_KEY: 'scripted-model-key' };
  writeJson(path.join(home, '.gemini', 'settings.json'), settings);
  if (options.hook) {
    const hooks = { hooks: { BeforeTool: [{ matcher: 'write_file|replace', hooks: [{ type: 'command', command: hookCommand(options.hook), timeout: options.hook.timeoutSeconds * 1000 }] }] } };
    const placement = options.geminiHookPlacement ?? 'project';
    if (placement === 'home') writeJson(path.join(home, '.gemini', 'settings.json'), { ...settings, ...hooks });
    if (placement === 'gemini-cli-home') {
      // GEMINI_CLI_HOME moves only Gemini's idea of home (its ~/.gemini), not HOME itself.
      const geminiHome = path.join(home, 'gemini-cli-home');
      writeJson(path.join(geminiHome, '.gemini', 'settings.json'), { ...settings, ...hooks });
      env.GEMINI_CLI_HOME = geminiHome;
    }
    if (placement === 'project') {
      writeJson(path.join(options.cwd, '.gemini', 'settings.json'), hooks);
      // Settings load before `--skip-trust` is parsed: without this the project file is ignored.
      env.GEMINI_CLI_TRUST_WORKSPACE = 'true';
    }
    if (placement === 'system-settings-env') {
      // Honoured only for a root-owned file whose folders nobody else can write: not one under /tmp.
      const file = path.join(home, 'council-gemini-system-settings.json');
      writeJson(file, hooks);
      env.GEMINI_CLI_SYSTEM_SETTINGS_PATH = file;
    }
  }
  return { command: bin('gemini'), args: ['-p', options.prompt, '--output-format', 'stream-json', '--yolo', '--skip-trust'], env };
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

const invocations: Record<AgentName, (options: AgentRunOptions, home: string) => Invocation> = { claude, codex, gemini };

/** Runs one CLI to the end with stdin closed (as `</dev/null`), in a fresh HOME. */
export function runAgent(name: AgentName, options: AgentRunOptions): Promise<AgentRun> {
  const home = tempDir(`council-${name}-home-`);
  const invocation = invocations[name](options, home);
  const { command, args } = invocation;
  const env = { ...invocation.env, ...options.env };
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout kills the whole tree: `codex` is a Node wrapper around a
    // native binary, which would otherwise outlive the wrapper and keep our pipes open.
    const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Codex leaves ~2 MB of sessions and skills per run; nothing in a run's HOME is asserted on.
      if (process.env.KEEP_AGENT_HOMES !== '1') rmSync(home, { recursive: true, force: true });
      resolve({ code, signal, timedOut, stdout, stderr, events: parseJsonLines(stdout), durationMs: Date.now() - started });
    });
  });
}

export function parseJsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

export const FIXTURES = path.join(REPO_ROOT, 'tests', 'support', 'model-server', 'fixtures');

/**
 * Keeps one real transcript (or hook payload) per CLI and case as a fixture for the parsers the
 * app will have. Written when missing, or refreshed with UPDATE_AGENT_FIXTURES=1, so an ordinary
 * test run leaves the work tree clean.
 */
export function keepFixture(name: string, content: AgentRun | Record<string, unknown>): void {
  const file = path.join(FIXTURES, name);
  if (existsSync(file) && process.env.UPDATE_AGENT_FIXTURES !== '1') return;
  mkdirSync(FIXTURES, { recursive: true });
  const text = 'events' in content && Array.isArray(content.events) ? content.events.map((event) => JSON.stringify(event)).join('\n') : JSON.stringify(content, null, 2);
  writeFileSync(file, `${text}\n`);
}
