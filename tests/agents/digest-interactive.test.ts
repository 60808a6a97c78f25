import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { AgentManager } from '../../electron/core/agents/manager';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo } from '../helpers/repo';
import { startModelServer, type ModelServer, type RecordedRequest } from '../support/model-server/index';
import { loggedHookCalls, requireCli, testUser, type PresetCli } from './harness';

// The digest of a session's peers reaching an agent started INTERACTIVELY, in a pseudo-terminal, by
// the agent manager as the app starts it (its TUI, the task as the first prompt, council's hooks in
// place): the first model request carries the digest, once. The headless runs are proven in
// digest-clis.test.ts.

const HEADER = (id: string) => `[council] You are session ${id};`;

let server: ModelServer | null = null;
let manager: AgentManager | null = null;
afterEach(async () => {
  await manager?.stopAll();
  manager = null;
  await server?.close();
  server = null;
});

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join('\n');
  if (value && typeof value === 'object') return Object.values(value).map(textOf).join('\n');
  return '';
}

const count = (text: string, part: string): number => text.split(part).length - 1;

async function until(check: () => boolean, what: string, detail: () => string, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A repository with a peer at work (holding src/x.ts) and a session for `cli`, its agent started interactively. */
async function startInteractive(cli: PresetCli, prepare: (user: ReturnType<typeof testUser>, me: Session) => void) {
  server = await startModelServer([{ text: 'Noted the other session.' }]);
  const repo = makeRepo();
  const council = Council.open(repo.root);
  await council.ws.updateSettings({ agents: { [cli]: { path: path.join(REPO_ROOT, 'node_modules', '.bin', cli) } } });
  const user = testUser(cli, server.url);
  const hookLog = path.join(user.home, 'hook-calls.jsonl');
  user.env.COUNCIL_HOOK_LOG = hookLog;
  const [peer] = (await council.createSessions({ task: 'add auth', agent: 'codex' })) as [Session];
  await council.locks.acquire('src/x.ts', peer.id, { cwd: repo.root });
  await council.context.update(peer.id, { status: 'working', currentFile: 'src/x.ts' }, { cwd: repo.root });
  const [me] = (await council.createSessions({ task: 'Say what you were told about other sessions.', agent: cli })) as [Session];
  prepare(user, me);
  manager = new AgentManager(council, { env: { ...user.env, TERM: 'xterm-256color' }, userHome: user.home, stopGraceMs: 1000 });
  let screen = '';
  manager.attach(me.id, (_run, chunk) => (screen += chunk.data));
  await manager.start(me.id, { mode: 'interactive' });
  const peerLine = `- ${peer.id} (codex, working on src/x.ts): "add auth"; holds src/x.ts`;
  return { council, me, peerLine, hookLog, screen: () => screen, write: (data: string) => manager!.write(me.id, data) };
}

const turns = (): RecordedRequest[] => (server?.requests ?? []).filter((r) => r.kind === 'turn');

describe.sequential('the digest reaches interactive agents (real CLIs in a PTY)', () => {
  beforeAll(() => {
    // The hooks run this checkout's CLI bundle.
    process.env.COUNCIL_CLI = path.join(REPO_ROOT, 'out', 'cli', 'council.cjs');
  });

  it('claude: its TUI\'s first model request carries the digest, once', async () => {
    requireCli('claude');
    const run = await startInteractive('claude', (user, me) => {
      // Claude used before (onboarding done, key approved) and this worktree trusted.
      const apiKey = user.env.ANTHROPIC_API_KEY as string;
      writeFileSync(path.join(user.home, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, theme: 'dark', customApiKeyResponses: { approved: [apiKey.slice(-20)], rejected: [] }, projects: { [me.worktreePath]: { hasTrustDialogAccepted: true } } }));
    });
    await until(() => turns().length > 0, 'the first model request', () => run.screen().slice(-3000));
    const first = textOf(turns()[0]!.body);
    expect(count(first, HEADER(run.me.id))).toBe(1);
    expect(first).toContain(run.peerLine);
    expect(first).toContain('Say what you were told about other sessions.');
    // SessionStart told it; the first prompt's UserPromptSubmit, with nothing new, told nothing.
    const digests = loggedHookCalls(run.hookLog).filter((c) => c.kind === 'digest').map((c) => c.payload.hook_event_name);
    expect(digests).toEqual(['SessionStart', 'UserPromptSubmit']);
  }, 180_000);

  it('copilot: after its folder-trust question, its TUI\'s first model request carries the digest, once', async () => {
    requireCli('copilot');
    const run = await startInteractive('copilot', () => {});
    // Copilot asks whether to trust the new worktree: answered with Enter, as the person would.
    await until(() => run.screen().includes('Do you trust the files in this folder?'), 'the trust question', () => run.screen().slice(-3000));
    await new Promise((r) => setTimeout(r, 500));
    run.write('\r');
    await until(() => turns().length > 0, 'the first model request', () => run.screen().slice(-3000));
    const first = textOf(turns()[0]!.body);
    expect(count(first, HEADER(run.me.id))).toBe(1);
    expect(first).toContain(run.peerLine);
    expect(first).toContain('Say what you were told about other sessions.');
    expect(loggedHookCalls(run.hookLog).filter((c) => c.kind === 'digest').map((c) => c.payload.prompt)).toEqual(['Say what you were told about other sessions.']);
  }, 180_000);
});
