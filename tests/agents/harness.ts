import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo, type TestRepo } from '../helpers/repo';
import { type ModelServer, type Script, startModelServer, type ToolResult } from '../support/model-server/index';
import type { AgentName } from './agent-clis';

/** What every scripted run writes, and what every denying hook says. */
export const TARGET = 'src/x.ts';
export const CONTENT = 'export const x = 42;\n';
export const REASON = 'src/x.ts is being edited by session 3f2a';
export const WRITE_SCRIPT: Script = [{ write: { path: TARGET, content: CONTENT } }, { text: 'Done: wrote src/x.ts.' }];

const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

export interface Scene {
  repo: TestRepo;
  server: ModelServer;
  /** Where the test hook records each payload it receives. */
  hookLog: string;
  target: string;
}

/** A fresh repository and a scripted model server for one CLI run. */
export async function scene(script: Script = WRITE_SCRIPT): Promise<Scene> {
  const repo = makeRepo();
  const server = await startModelServer(script);
  servers.push(server);
  return { repo, server, hookLog: path.join(path.dirname(repo.root), 'hook-calls.jsonl'), target: path.join(repo.root, TARGET) };
}

/** A URL nobody listens on: the port was just free and is closed again. */
export async function deadServerUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** The JSON payloads the test hook received, in order. */
export function hookCalls(log: string): Record<string, unknown>[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse((JSON.parse(line) as { payload: string }).payload) as Record<string, unknown>);
}

/**
 * The tool result the CLI sent back for the scripted write: it arrives in the request after the
 * one the server answered with the write.
 */
export function writeResult(server: ModelServer): ToolResult {
  const turns = server.requests.filter((r) => r.kind === 'turn');
  const index = turns.findIndex((r) => r.answered?.kind === 'write');
  const next = turns.slice(index + 1).find((r) => r.toolResults.length > 0);
  const result = index >= 0 ? next?.toolResults[0] : undefined;
  if (!result) throw new Error(`No tool result followed the write. Requests: ${server.requests.map((r) => `${r.kind} ${r.url}`).join(', ')}`);
  return result;
}

/** Fails loudly, naming the fix, when a CLI is not installed (never a silent skip). */
export function requireCli(name: AgentName | 'opencode' | 'qwen' | 'copilot' | 'kilo'): void {
  const bin = path.join(REPO_ROOT, 'node_modules', '.bin', name);
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm install\` (the agent CLIs are devDependencies).`);
}

/** Events of one `type` (Claude, Gemini) from a CLI's JSON lines. */
export function ofType(events: Record<string, unknown>[], type: string): Record<string, unknown>[] {
  return events.filter((event) => event.type === type);
}

/** Two sessions on a real repo, the first holding TARGET: what every lock-hook test starts from. */
export interface HeldFile {
  repo: TestRepo;
  council: Council;
  holder: Session;
  writer: Session;
}

export async function heldFile(): Promise<HeldFile> {
  const repo = makeRepo();
  const council = Council.open(repo.root);
  const [holder, writer] = (await council.createSessions({ task: 'add auth', agent: 'codex', count: 2 })) as [Session, Session];
  await council.locks.acquire(TARGET, holder.id, { cwd: repo.root });
  return { repo, council, holder, writer };
}

// Helpers for the preset tests (imports here, below the file's first part, which is left as it was).
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { RunMode } from '../../shared/agents';
import type { SessionContextView } from '../../shared/models';
import type { CouncilCommand, Launch, LaunchContext } from '../../electron/core/agents/types';
import { COUNCIL_BIN } from '../helpers/cli';
import { gitSync, tempDir } from '../helpers/repo';
import { shellCommand } from './agent-clis';
import { holderLine } from '../helpers/holder-line';

/*
 * Presets with the real CLIs: a test user (their HOME and their own CLI configuration pointing at
 * the scripted model server), the LaunchContext the manager would build, and a run of the preset's
 * Launch. Everything test-only (no retries, the scripted provider) lives in the user's environment
 * and config files, as a real user's would; the presets add none of it.
 */

/** `council` as the hooks start it in tests: the built CLI, run by this Node. */
export function testCouncilCommand(): CouncilCommand {
  return { argv: [process.execPath, COUNCIL_BIN], env: {} };
}

export interface TestUser {
  home: string;
  /** The user's environment (what the manager passes on as LaunchContext.env, minus the COUNCIL_* variables). */
  env: Record<string, string>;
  /** Their own CLI configuration files (absolute), for a before/after comparison. */
  configFiles: string[];
  /** A file their own hook (in their own config) creates when the agent's turn ends. */
  userHookMarker: string;
}

function writeText(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/**
 * A user whose CLI is set up for the scripted model at `serverUrl`, the way a real user sets up a
 * gateway: Claude through ANTHROPIC_BASE_URL in their environment; Codex through a provider in
 * ~/.codex/config.toml; Gemini through ~/.gemini/settings.json (auth type, one attempt), the base
 * URL in their environment and the API key in ~/.env. Each also has one hook of their own (it
 * touches `userHookMarker` when a turn ends), which must keep working beside ours.
 */
export function testUser(cli: PresetCli, serverUrl: string): TestUser {
  const home = tempDir(`council-user-${cli}-`);
  const tmp = path.join(home, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const env: Record<string, string> = { HOME: home, TMPDIR: tmp, PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', TERM: 'dumb', NO_COLOR: '1' };
  for (const key of ['GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM']) {
    const value = process.env[key];
    if (value) env[key] = value;
  }
  const userHookMarker = path.join(home, 'user-hook-ran');
  const touch = shellCommand(['touch', userHookMarker]);
  const configFiles: string[] = [];
  if (cli === 'claude') {
    Object.assign(env, {
      ANTHROPIC_BASE_URL: serverUrl,
      ANTHROPIC_API_KEY: 'sk-ant-scripted-model-key-0123456789',
      DISABLE_TELEMETRY: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_ERROR_REPORTING: '1',
      CLAUDE_CODE_MAX_RETRIES: '0',
    });
    const settings = path.join(home, '.claude', 'settings.json');
    writeText(settings, `${JSON.stringify({ hooks: { Stop: [{ hooks: [{ type: 'command', command: touch, timeout: 10 }] }] } }, null, 2)}\n`);
    configFiles.push(settings);
  } else if (cli === 'codex') {
    env.MOCK_KEY = 'scripted-model-key';
    const config = path.join(home, '.codex', 'config.toml');
    writeText(
      config,
      [
        'model_provider = "mock"',
        'model = "gpt-5.5"',
        'check_for_update_on_startup = false',
        '[analytics]',
        'enabled = false',
        '[features]',
        'plugins = false',
        'remote_plugin = false',
        // A refused connection is otherwise retried forever; a 5xx five times.
        'unbounded_connection_retries = false',
        '[model_providers.mock]',
        'name = "mock"',
        `base_url = ${JSON.stringify(`${serverUrl}/v1`)}`,
        'env_key = "MOCK_KEY"',
        'wire_api = "responses"',
        'request_max_retries = 0',
        'stream_max_retries = 0',
        '[[hooks.Stop]]',
        '[[hooks.Stop.hooks]]',
        'type = "command"',
        `command = ${JSON.stringify(touch)}`,
        'timeout = 10',
        '',
      ].join('\n'),
    );
    configFiles.push(config);
  } else if (cli === 'qwen') {
    // Qwen Code: an OpenAI-compatible provider in the environment; their own Stop hook in ~/.qwen.
    Object.assign(env, { OPENAI_BASE_URL: `${serverUrl}/v1`, OPENAI_API_KEY: 'scripted-model-key', OPENAI_MODEL: 'qwen3-coder-plus' });
    const settings = path.join(home, '.qwen', 'settings.json');
    writeText(settings, `${JSON.stringify({ hooks: { Stop: [{ hooks: [{ type: 'command', command: touch, timeout: 10_000 }] }] } }, null, 2)}\n`);
    configFiles.push(settings);
  } else if (cli === 'copilot') {
    // Copilot CLI in bring-your-own-model mode (no GitHub login); its own agentStop hook in
    // ~/.copilot/hooks. XDG_CACHE_HOME: where Copilot unpacks itself (~235 MB), shared by the test
    // users as one user's cache would be, not unpacked again into every fresh HOME.
    Object.assign(env, { COPILOT_PROVIDER_BASE_URL: `${serverUrl}/v1`, COPILOT_PROVIDER_API_KEY: 'scripted-model-key', COPILOT_MODEL: 'gpt-4.1', XDG_CACHE_HOME: COPILOT_TEST_CACHE });
    const hooks = path.join(home, '.copilot', 'hooks', 'user.json');
    writeText(hooks, `${JSON.stringify({ version: 1, hooks: { agentStop: [{ type: 'command', bash: touch, timeoutSec: 10 }] } }, null, 2)}\n`);
    configFiles.push(hooks);
  } else if (cli === 'opencode') {
    // opencode keeps its config, data, cache and state under the XDG folders; the model is a
    // custom provider (the bundled @ai-sdk/anthropic) at the scripted server, in the user's
    // OPENCODE_CONFIG_CONTENT (see electron/core/agents/parsers/opencode.ts).
    for (const [name, dir] of [['XDG_CONFIG_HOME', '.config'], ['XDG_DATA_HOME', '.local/share'], ['XDG_CACHE_HOME', '.cache'], ['XDG_STATE_HOME', '.local/state']] as const) {
      env[name] = path.join(home, dir);
      mkdirSync(env[name], { recursive: true });
    }
    env.OPENCODE_CONFIG_CONTENT = JSON.stringify(opencodeConfig(serverUrl));
  } else if (cli === 'kilo') {
    // Kilo Code (an opencode fork) keeps its state under the XDG folders too; its model is the same
    // custom provider, in the user's own config file (~/.config/kilo/kilo.json). Their own plugin
    // there touches userHookMarker when the session goes idle, beside council's.
    for (const [name, dir] of [['XDG_CONFIG_HOME', '.config'], ['XDG_DATA_HOME', '.local/share'], ['XDG_CACHE_HOME', '.cache'], ['XDG_STATE_HOME', '.local/state']] as const) {
      env[name] = path.join(home, dir);
      mkdirSync(env[name], { recursive: true });
    }
    // No update check, no model list from the internet (offline anyway: it only logs the failure).
    Object.assign(env, { KILO_DISABLE_AUTOUPDATE: '1', KILO_DISABLE_MODELS_FETCH: '1', KILO_DISABLE_SHARE: '1' });
    const plugin = path.join(home, '.config', 'kilo', 'user-plugin.js');
    writeText(plugin, `import { writeFileSync } from 'node:fs';\nexport const UserStop = async () => ({ event: async ({ event }) => { if (event.type === 'session.idle') writeFileSync(${JSON.stringify(userHookMarker)}, 'ran\\n'); } });\n`);
    const config = path.join(home, '.config', 'kilo', 'kilo.json');
    writeText(config, `${JSON.stringify({ ...opencodeConfig(serverUrl), $schema: 'https://app.kilo.ai/config.json', plugin: [pathToFileURL(plugin).href] }, null, 2)}\n`);
    configFiles.push(config, plugin);
    // Kilo's one-time migration of a user's config (it adds `"permission": {"bash": "allow"}` to
    // their kilo.json on its first run, then leaves this marker): a user who has run Kilo before.
    writeText(path.join(home, '.config', 'kilo', '.bash-permission-migrated'), '');
  } else {
    env.GOOGLE_GEMINI_BASE_URL = serverUrl;
    const settings = path.join(home, '.gemini', 'settings.json');
    writeText(
      settings,
      [
        '{',
        '  // the user\'s own settings, comments and all',
        '  "security": { "auth": { "selectedType": "gemini-api-key" } },',
        '  "privacy": { "usageStatisticsEnabled": false },',
        '  "telemetry": { "enabled": false },',
        '  /* one attempt, no retry of refused connections */',
        '  "general": { "disableAutoUpdate": true, "maxAttempts": 1, "retryFetchErrors": false },',
        `  "hooks": { "AfterAgent": [{ "hooks": [{ "type": "command", "command": ${JSON.stringify(touch)}, "timeout": 10000 }] }] }`,
        '}',
        '',
      ].join('\n'),
    );
    const dotEnv = path.join(home, '.env');
    writeText(dotEnv, 'GEMINI_API_KEY=scripted-model-key\n');
    configFiles.push(settings, dotEnv);
  }
  return { home, env, configFiles, userHookMarker };
}

/** A CLI the preset tests run for real: the three with hooks, opencode, Qwen Code and Copilot CLI. */
export type PresetCli = AgentName | 'opencode' | 'qwen' | 'copilot' | 'kilo';

/** Copilot CLI's cache folder in tests (see testUser). */
export const COPILOT_TEST_CACHE = path.join(os.tmpdir(), 'council-test-copilot-cache');

/** opencode's configuration for a scripted Anthropic-style model server at `serverUrl`. */
export function opencodeConfig(serverUrl: string): Record<string, unknown> {
  return {
    $schema: 'https://opencode.ai/config.json',
    provider: {
      scripted: {
        npm: '@ai-sdk/anthropic',
        name: 'Scripted',
        options: { baseURL: `${serverUrl}/v1`, apiKey: 'scripted-model-key' },
        models: { 'claude-scripted': { name: 'Scripted', tool_call: true } },
      },
    },
    model: 'scripted/claude-scripted',
    small_model: 'scripted/claude-scripted',
    autoupdate: false,
    share: 'disabled',
  };
}

/** Each file's content (null when missing), to compare before and after a run. */
export function fileContents(files: string[]): Record<string, string | null> {
  return Object.fromEntries(files.map((file) => [file, existsSync(file) ? readFileSync(file, 'utf8') : null]));
}

/** The LaunchContext the manager would build for `session` (its env: the user's plus COUNCIL_*). */
export function launchContext(options: { cli: PresetCli; repo: TestRepo; session: Session; user: TestUser; task: string; mode?: RunMode; env?: Record<string, string>; privateDir?: string }): LaunchContext {
  return {
    session: options.session,
    repoRoot: options.repo.root,
    task: options.task,
    mode: options.mode ?? 'headless',
    env: { ...options.user.env, COUNCIL_SESSION_ID: options.session.id, COUNCIL_REPO: options.repo.root, ...options.env },
    // The devDependency, as a user would set the program's path in the settings.
    override: { path: path.join(REPO_ROOT, 'node_modules', '.bin', options.cli) },
    customTemplate: null,
    council: testCouncilCommand(),
    privateDir: options.privateDir ?? tempDir('council-private-'),
    userHome: options.user.home,
    resume: null,
  };
}

export interface LaunchRun {
  code: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** Runs a preset's Launch to the end, stdin closed, in its own process group (killed at the timeout). */
export function runLaunch(launch: Launch, timeoutMs = 90_000): Promise<LaunchRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(launch.command, launch.args, { cwd: launch.cwd, env: launch.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, stdout, stderr });
    });
  });
}

/**
 * A pass-through proxy in front of the model server that calls `onRequest` before forwarding each
 * request. The CLI sends its next model request only after a hook has answered, so what
 * `onRequest` sees then is the state that hook left (e.g. a session blocked by a denial, before
 * the next edit's post-tool hook clears it).
 */
export async function observingProxy(target: string, onRequest: () => void): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const proxy = http.createServer((req, res) => {
    onRequest();
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(err));
    });
    req.pipe(forward);
  });
  proxy.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      proxy.closeAllConnections();
      return new Promise((resolve) => proxy.close(() => resolve()));
    },
  };
}

/** The payloads `council hook` logged (COUNCIL_HOOK_LOG), in order. */
export function loggedHookCalls(log: string): { kind: string; agent: string | null; payload: Record<string, unknown> }[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const entry = JSON.parse(line) as { kind: string; agent: string | null; payload: string };
      return { ...entry, payload: JSON.parse(entry.payload) as Record<string, unknown> };
    });
}

/** Every file `git status` reports in a checkout (untracked ones one by one). */
export function gitChanges(cwd: string): string[] {
  return gitSync(cwd, 'status', '--porcelain', '--untracked-files=all')
    .split('\n')
    .filter(Boolean);
}

/** The second file the preset scenes write: nobody holds it. */
export const FREE = 'src/y.ts';
export const FREE_CONTENT = 'export const y = 7;\n';
/** Writes TARGET (held by another session: refused), then FREE (free: written), then ends the turn. */
export const HELD_THEN_FREE_SCRIPT: Script = [{ write: { path: TARGET, content: CONTENT } }, { write: { path: FREE, content: FREE_CONTENT } }, { text: 'Done: wrote src/y.ts.' }];

export interface PresetScene {
  repo: TestRepo;
  council: Council;
  /** Holds TARGET (a Codex session, task "add auth"). */
  holder: Session;
  /** Where the preset's agent runs. */
  writer: Session;
  user: TestUser;
  server: ModelServer;
  ctx: LaunchContext;
  /** Where `council hook` logs every payload it gets (COUNCIL_HOOK_LOG in the user's environment). */
  hookLog: string;
  /** The writer's context as it was when each model request arrived. */
  contexts: SessionContextView[];
  /** The user's config files as they were before the launch. */
  configBefore: Record<string, string | null>;
  /** Closes the proxy in front of the model server (the server itself closes after each test). */
  close(): Promise<void>;
}

/** The reason the real lock hook gives for TARGET in a preset scene. */
export const heldReason = (holder: Session) => `${TARGET} is being edited by session ${holder.id} (codex: add auth); work on another file or wait${holderLine(holder.id)}`;

/**
 * A repository with two sessions, the holder holding TARGET; the scripted model (HELD_THEN_FREE_SCRIPT)
 * behind an observing proxy; a test user whose CLI config points at the proxy; and the writer's
 * LaunchContext for `cli`.
 */
export async function presetScene(cli: PresetCli, options: { mode?: RunMode; script?: Script; env?: Record<string, string> } = {}): Promise<PresetScene> {
  const repo = makeRepo();
  const council = Council.open(repo.root);
  const [holder] = (await council.createSessions({ task: 'add auth', agent: 'codex' })) as [Session];
  const [writer] = (await council.createSessions({ task: 'add y', agent: cli })) as [Session];
  await council.locks.acquire(TARGET, holder.id, { cwd: repo.root });
  const server = await startModelServer(options.script ?? HELD_THEN_FREE_SCRIPT);
  servers.push(server);
  const contexts: SessionContextView[] = [];
  const proxy = await observingProxy(server.url, () => contexts.push(council.context.get(writer.id)));
  const user = testUser(cli, proxy.url);
  const hookLog = path.join(user.home, 'council-hook-calls.jsonl');
  const ctx = launchContext({ cli, repo, session: writer, user, task: `Create ${FREE}.`, mode: options.mode, env: { COUNCIL_HOOK_LOG: hookLog, ...options.env } });
  return { repo, council, holder, writer, user, server, ctx, hookLog, contexts, configBefore: fileContents(user.configFiles), close: () => proxy.close() };
}

/**
 * Runs an interactive Launch in a pseudo-terminal (as the app's terminal runner does) until
 * `done()` holds or `timeoutMs` passes, then kills its whole process group. Returns the screen
 * output and whether `done()` was reached.
 */
export async function runInteractiveUntil(launch: Launch, done: () => boolean, timeoutMs = 40_000): Promise<{ reached: boolean; output: string }> {
  const mod = (await import('node-pty')) as typeof import('node-pty') & { default?: typeof import('node-pty') };
  const pty = typeof mod.spawn === 'function' ? mod : (mod.default as typeof import('node-pty'));
  const term = pty.spawn(launch.command, launch.args, { cwd: launch.cwd, env: launch.env, cols: 120, rows: 40, name: 'xterm-256color' });
  terminals.add(term.pid);
  let output = '';
  let exited = false;
  term.onData((data) => (output += data));
  term.onExit(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  let reached = false;
  while (!exited && Date.now() < deadline) {
    if (done()) {
      reached = true;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  killGroup(term.pid);
  return { reached: reached || done(), output };
}

/** Process groups of interactive agents still running: killed after each test, even one that timed out. */
const terminals = new Set<number>();

function killGroup(pid: number): void {
  terminals.delete(pid);
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

afterEach(() => {
  for (const pid of [...terminals]) killGroup(pid);
});
