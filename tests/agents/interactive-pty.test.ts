import { appendFileSync, existsSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentPresetId, AgentRun } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { sendFollowUp } from '../../electron/core/agents/follow-up';
import { AgentManager } from '../../electron/core/agents/manager';
import { bracketedPasteAfter, PasteTracker } from '../../electron/core/agents/terminal-input';
import { descendants, isAlive } from '../../electron/core/agents/runner/process-tree';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { proves } from '../helpers/proves';
import { makeRepo, type TestRepo } from '../helpers/repo';
import { startModelServer, type ModelServer, type RecordedRequest, type Script } from '../support/model-server/index';
import { type FakeOllama, startFakeOllama } from './fake-ollama';
import { CONTENT, FREE, FREE_CONTENT, loggedHookCalls, requireCli, TARGET, testUser, type PresetCli, type TestUser } from './harness';

// The interactive agents of Codex and opencode, started by the agent manager as the app starts
// them (their TUI in a pseudo-terminal, the session's task as the first prompt, council's hooks
// and environment in place), against the scripted model server: the agent works in the session's
// worktree; a follow-up typed into its terminal the way the app types one (sendFollowUp →
// typeFollowUp) reaches the model; the model's write lands in the worktree and never in the main
// checkout; a write to a file another session holds is denied (Codex: its PreToolUse hook) or
// flagged (opencode: advisory); stopping the session leaves no process of the agent behind.
// Everything waits on what can be observed (the model server's requests, the screen, the files),
// never on fixed sleeps.

const REPL_AGENT = path.join(REPO_ROOT, 'tests', 'agents', 'fixtures', 'repl-agent.mjs');
const TASK = 'Say that you are ready.';
const FOLLOW_UP = `Now create ${FREE} (and touch ${TARGET} too).`;
/** Turn 1 (the task) answers in words; turn 2 (the follow-up) writes the held file, then the free one. */
const SCRIPT: Script = [{ text: 'Ready when you are.' }, { write: { path: TARGET, content: CONTENT } }, { write: { path: FREE, content: FREE_CONTENT } }, { text: `Done: wrote ${FREE}.` }];

let server: ModelServer | null = null;
let manager: AgentManager | null = null;
afterEach(async () => {
  await manager?.stopAll();
  manager = null;
  await server?.close();
  server = null;
});

beforeAll(() => {
  // The hooks run this checkout's CLI bundle.
  process.env.COUNCIL_CLI = path.join(REPO_ROOT, 'out', 'cli', 'council.cjs');
});

/** Everything readable in a request body, flattened (prompts sit in differently shaped JSON per protocol). */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join('\n');
  if (value && typeof value === 'object') return Object.values(value).map(textOf).join('\n');
  return '';
}

async function until(what: string, check: () => boolean, detail: () => string, ms = 180_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The visible text of a terminal stream: escape sequences dropped, so words can be looked for. */
function plain(screen: string): string {
  // eslint-disable-next-line no-control-regex
  return screen.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, ' ').replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, '').replace(/\x1b[()][0-9A-B]/g, '');
}

/** The working folder of a live process (Linux /proc), or null when it is gone. */
function cwdOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

interface Interactive {
  repo: TestRepo;
  council: Council;
  holder: Session;
  me: Session;
  user: TestUser;
  hookLog: string;
  run: AgentRun;
  screen(): string;
}

/** A repository with a peer holding TARGET, and a session for `preset` whose agent the manager starts interactively. */
async function startInteractive(
  preset: AgentPresetId,
  options: {
    /** The real CLI (a devDependency, at the settings' path), or the user's own command (custom preset). */
    cli: PresetCli | { customCommand: (serverUrl: string) => string };
    script?: Script;
    settings?: (serverUrl: string) => Promise<Record<string, unknown>> | Record<string, unknown>;
    prepare?: (user: TestUser, me: Session, repo: TestRepo) => void;
  },
): Promise<Interactive> {
  const cli = options.cli;
  if (typeof cli === 'string') requireCli(cli);
  server = await startModelServer(options.script ?? SCRIPT);
  const repo = makeRepo();
  const council = Council.open(repo.root);
  const own = options.settings ? await options.settings(server.url) : {};
  if (typeof cli === 'string') await council.ws.updateSettings({ agents: { [preset]: { path: path.join(REPO_ROOT, 'node_modules', '.bin', cli), ...own } } });
  else await council.ws.updateSettings({ customCommand: cli.customCommand(server.url), agents: { [preset]: own } });
  // The custom command's user has no agent CLI of ours set up: Codex's user (an unused config) stands in.
  const user = testUser(typeof cli === 'string' ? cli : 'codex', server.url);
  const hookLog = path.join(user.home, 'hook-calls.jsonl');
  user.env.COUNCIL_HOOK_LOG = hookLog;
  const [holder] = (await council.createSessions({ task: 'add auth', agent: 'codex' })) as [Session];
  await council.locks.acquire(TARGET, holder.id, { cwd: repo.root });
  const [me] = (await council.createSessions({ task: TASK, agent: preset })) as [Session];
  options.prepare?.(user, me, repo);
  manager = new AgentManager(council, { env: { ...user.env, TERM: 'xterm-256color' }, userHome: user.home, stopGraceMs: 1000 });
  let screen = '';
  manager.attach(me.id, (_run, chunk) => (screen += chunk.data));
  const run = await manager.start(me.id, { mode: 'interactive' });
  return { repo, council, holder, me, user, hookLog, run, screen: () => screen };
}

/** A user who has used Codex in this repository before: they trusted it (Codex asks once per
 * repository, and a worktree counts as its repository's root) and answered its offer of a newer
 * model; Codex saved both answers in their config, as here. */
function codexUsedHereBefore(user: TestUser, _me: Session, repo: TestRepo): void {
  appendFileSync(path.join(user.home, '.codex', 'config.toml'), `[projects.${JSON.stringify(realpathSync(repo.root))}]\ntrust_level = "trusted"\n[notice.model_migrations]\n"gpt-5.5" = "gpt-6-sol"\n`);
}

const turns = (): RecordedRequest[] => (server?.requests ?? []).filter((r) => r.kind === 'turn');

/**
 * The shared part of the proof, once the agent's TUI is up: it works in the worktree; its first
 * turn (the task) is answered; the follow-up, typed into its terminal as the app types one, reaches
 * the model; the model's write of the free file lands in the worktree only; the write of the held
 * file does not land (enforced) or is flagged (advisory); stop leaves no process behind.
 */
async function proveInteractive(s: Interactive, cli: AgentPresetId, options: { turnEnded: () => boolean; heldFile: 'denied' | 'flagged' }): Promise<void> {
  const detail = () => `screen:\n${plain(s.screen()).slice(-3000)}\nrequests: ${(server?.requests ?? []).map((r) => `${r.kind} ${r.url} ${r.answered?.kind ?? ''}`).join(', ')}\nerrors: ${server?.errors.join('; ')}`;
  const pid = s.run.pid as number;
  expect(s.run).toMatchObject({ mode: 'interactive', preset: cli, state: 'running' });

  // 1. The task, given as its first prompt, reaches the model from the session's worktree.
  await until('the first model turn', () => turns().length >= 1, detail);
  expect(textOf(turns()[0]!.body)).toContain(TASK);
  expect(cwdOf(pid)).toBe(realpathSync(s.me.worktreePath));
  const tree = await descendants(pid);
  for (const child of tree) expect([realpathSync(s.me.worktreePath), null], `${child} ${commandLine(child)}`).toContain(cwdOf(child));
  await until('the first turn to end', () => options.turnEnded() && plain(s.screen()).includes('Ready when you are.'), detail);

  // 2. The follow-up, typed into its terminal by the app's delivery, is the next prompt the model gets
  // (pasted, when the program asked for bracketed paste: Codex does).
  const sent = await sendFollowUp(manager!, s.me.id, FOLLOW_UP);
  expect(sent.delivered).toBe('terminal');
  await until('the follow-up at the model', () => turns().some((t) => textOf(t.body).includes(FOLLOW_UP)), detail);
  expect(textOf(turns()[0]!.body)).not.toContain(FOLLOW_UP);

  // 3. The model writes the held file, then the free one: the free one lands in the worktree.
  const free = path.join(s.me.worktreePath, FREE);
  await until(`${FREE} in the worktree`, () => existsSync(free), detail);
  await until('the end of the script', () => turns().some((t) => t.answered?.kind === 'text' && t.answered.text.startsWith('Done')), detail);
  expect(readFileSync(free, 'utf8')).toBe(FREE_CONTENT);
  // Never in the main checkout.
  expect(existsSync(path.join(s.repo.root, FREE))).toBe(false);
  expect(existsSync(path.join(s.repo.root, TARGET))).toBe(false);
  expect(server!.errors).toEqual([]);

  // 4. The held file.
  const held = path.join(s.me.worktreePath, TARGET);
  const holderLock = await s.council.locks.who(TARGET, { cwd: s.repo.root });
  expect(holderLock).toMatchObject({ sessionId: s.holder.id });
  if (options.heldFile === 'denied') {
    expect(existsSync(held)).toBe(false);
    // The lock hook's reason went back to the model.
    expect(turns().map((t) => JSON.stringify(t.body)).join('\n')).toContain(`${TARGET} is being edited by session ${s.holder.id} (codex: add auth)`);
  } else {
    // Advisory: the write went through (nothing could stop it), into the worktree only.
    await until(`${TARGET} in the worktree`, () => existsSync(held), detail);
    // Advisory: no hook could stop it; the watcher flags the clash in the session's context.
    await until('the clash flagged', () => s.council.context.get(s.me.id).clashes?.some((c) => c.path === TARGET) === true, () => JSON.stringify(s.council.context.get(s.me.id)));
  }

  // 5. Stop: the agent and everything it started are gone.
  const before = [pid, ...(await descendants(pid))];
  const stopped = (await manager!.stop(s.me.id)) as AgentRun;
  expect(stopped).toMatchObject({ state: 'stopped' });
  expect(before.filter(isAlive).map((p) => `${p} ${commandLine(p)}`)).toEqual([]);
}

describe('bracketed paste, tracked as a terminal tracks it', () => {
  it('the last switch in the output wins; output without one leaves it as it was', () => {
    expect(bracketedPasteAfter('x\x1b[?2004hy', false)).toBe(true);
    expect(bracketedPasteAfter('\x1b[?2004h…\x1b[?2004l', true)).toBe(false);
    expect(bracketedPasteAfter('\x1b[?2004l…\x1b[?2004h', false)).toBe(true);
    expect(bracketedPasteAfter('plain output', true)).toBe(true);
    expect(bracketedPasteAfter('plain output', false)).toBe(false);
  });

  it('sees a switch split across two chunks of output', () => {
    const tracker = new PasteTracker();
    tracker.feed('prompt> \x1b[?20');
    expect(tracker.on).toBe(false);
    tracker.feed('04h');
    expect(tracker.on).toBe(true);
    tracker.feed('…\x1b[?2004');
    tracker.feed('l done');
    expect(tracker.on).toBe(false);
  });
});

describe.sequential('interactive Codex and opencode in a PTY, as the app starts them (real CLIs)', () => {
  it('codex: works in the worktree, takes a typed follow-up, its write lands there, the held file is denied, stop leaves nothing', async () => {
    const s = await startInteractive('codex', { cli: 'codex', prepare: codexUsedHereBefore });
    // Codex's Stop hook (council's) says when a turn has ended and the TUI waits for the next prompt.
    await proveInteractive(s, 'codex', { turnEnded: () => loggedHookCalls(s.hookLog).some((c) => c.kind === 'stop'), heldFile: 'denied' });
    proves('codex', 'interactive');
  }, 300_000);

  it('opencode: works in the worktree, takes a typed follow-up, its write lands there, the held file is flagged, stop leaves nothing', async () => {
    const s = await startInteractive('opencode', { cli: 'opencode' });
    // opencode has no hooks to say a turn ended; its TUI takes a prompt typed while it is busy too
    // (it queues it), so the first answer on its screen is enough.
    await proveInteractive(s, 'opencode', { turnEnded: () => turns().some((t) => t.answered?.kind === 'text'), heldFile: 'flagged' });
    proves('opencode', 'interactive');
  }, 600_000);

  it('ollama (Codex --oss): works in the worktree, takes a typed follow-up, its shell write lands there, the held file is denied, stop leaves nothing', async () => {
    // Codex --oss has no apply_patch: its writes are shell commands (the lock hook reads their files).
    const script: Script = [{ text: 'Ready when you are.' }, { shell: `printf '%s\\n' 'export const x = 42;' > ${TARGET}` }, { shell: `printf '%s\\n' 'export const y = 7;' > ${FREE}` }, { text: `Done: wrote ${FREE}.` }];
    let ollama: FakeOllama | null = null;
    try {
      const s = await startInteractive('ollama', {
        cli: 'codex',
        script,
        // The user's Ollama (a fake one: its API in front of the scripted model) and the default model.
        settings: async (serverUrl) => {
          ollama = await startFakeOllama({ models: ['qwen3-coder:latest'], modelServer: serverUrl });
          return { host: ollama.url };
        },
        prepare: codexUsedHereBefore,
      });
      await proveInteractive(s, 'ollama', { turnEnded: () => loggedHookCalls(s.hookLog).some((c) => c.kind === 'stop'), heldFile: 'denied' });
      expect(turns().map((t) => (t.body as { model?: string }).model)).toContain('qwen3-coder:latest');
      expect((ollama as FakeOllama | null)?.requests.map((r) => r.path)).not.toContain('/api/pull');
    } finally {
      await (ollama as FakeOllama | null)?.close();
    }
    proves('ollama', 'interactive');
  }, 600_000);

  it("custom (a user's own REPL agent): runs in the worktree, takes a typed follow-up, its write lands there, the held file is flagged, stop leaves nothing", async () => {
    // The user's own agent: a REPL reading lines in its terminal (tests/agents/fixtures/repl-agent.mjs),
    // the task as its argument, its model server in their environment.
    const s = await startInteractive('custom', {
      cli: { customCommand: () => `${JSON.stringify(process.execPath)} ${JSON.stringify(REPL_AGENT)} {task}` },
      settings: (serverUrl) => ({ env: { REPL_AGENT_BASE_URL: `${serverUrl}/v1` } }),
    });
    // Its prompt, drawn again after the answer, says it waits for the next line.
    await proveInteractive(s, 'custom', { turnEnded: () => /Ready when you are\.[\s\S]*repl> /.test(plain(s.screen())), heldFile: 'flagged' });
    proves('custom', 'interactive');
  }, 600_000);
});
