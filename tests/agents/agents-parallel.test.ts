import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent, AgentRun } from '../../shared/agents';
import type { ContextStatus, Session } from '../../shared/models';
import { allSucceeded, runSessions } from '../../electron/core/agents/executor';
import { AgentManager } from '../../electron/core/agents/manager';
import { descendants } from '../../electron/core/agents/runner/process-tree';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo } from '../helpers/repo';
import { startModelServer, type ModelServer, type Script } from '../support/model-server/index';
import type { AgentName } from './agent-clis';
import { isAlive } from './fake-agents';
import { deadServerUrl, requireCli, testUser, type TestUser } from './harness';
import { holderLine } from '../helpers/holder-line';

// The real Claude Code, Codex and Gemini CLI run by the agent manager (the app's and the CLI's
// engine) against scripted model servers on 127.0.0.1, each in its own session's worktree, with
// our hooks installed by the presets. The "user" has all three CLIs set up for the scripted
// models in their own HOME, the way a real user sets up a gateway.

const CLIS: AgentName[] = ['claude', 'codex', 'gemini'];
const servers: ModelServer[] = [];
const managers: AgentManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stopAll()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(script: Script): Promise<ModelServer> {
  const made = await startModelServer(script);
  servers.push(made);
  return made;
}

/** One user HOME with each CLI pointed at its own server (or one URL for all). */
function userFor(urls: Record<AgentName, string>): TestUser {
  const [claude, codex, gemini] = [testUser('claude', urls.claude), testUser('codex', urls.codex), testUser('gemini', urls.gemini)];
  cpSync(path.join(codex.home, '.codex'), path.join(claude.home, '.codex'), { recursive: true });
  cpSync(path.join(gemini.home, '.gemini'), path.join(claude.home, '.gemini'), { recursive: true });
  cpSync(path.join(gemini.home, '.env'), path.join(claude.home, '.env'));
  return { ...claude, env: { ...codex.env, ...gemini.env, ...claude.env, HOME: claude.home } };
}

async function setUp(urls: Record<AgentName, string>, events?: AgentEvent[]): Promise<{ council: Council; manager: AgentManager; user: TestUser }> {
  const repo = makeRepo();
  const council = Council.open(repo.root);
  // The devDependencies, as a user would set each program's path in the settings.
  const agents = Object.fromEntries(CLIS.map((cli) => [cli, { path: path.join(REPO_ROOT, 'node_modules', '.bin', cli) }]));
  await council.ws.updateSettings({ agents });
  const user = userFor(urls);
  const manager = new AgentManager(council, { env: user.env, userHome: user.home, listener: { event: (_run, event) => events?.push(event) } });
  managers.push(manager);
  return { council, manager, user };
}

const statuses = (council: Council, session: Session): ContextStatus[] => council.context.get(session.id).history.map((h) => h.status);

describe.sequential('the real agent CLIs under the agent manager', () => {
  beforeAll(() => {
    for (const cli of CLIS) requireCli(cli);
  });

  it('three sessions with three different CLIs run in parallel, each edits its own worktree and goes working → done', async () => {
    const file = (cli: AgentName): string => `src/${cli}.ts`;
    const urls = Object.fromEntries(
      await Promise.all(CLIS.map(async (cli) => [cli, (await server([{ write: { path: file(cli), content: `export const by = '${cli}';\n` } }, { text: `Done: wrote ${file(cli)}.` }])).url])),
    ) as Record<AgentName, string>;
    const { council, manager } = await setUp(urls);
    const made = await Promise.all(CLIS.map(async (cli) => (await council.createSessions({ task: `write ${file(cli)}`, agent: cli }))[0] as Session));

    const results = await runSessions(manager, made.map((s) => s.id), { mode: 'headless', concurrency: 3, maxRetries: 0 });

    expect(results.map((r) => [r.preset, r.state, r.reason])).toEqual(CLIS.map((cli) => [cli, 'done', null]));
    expect(allSucceeded(results)).toBe(true);
    for (const [i, cli] of CLIS.entries()) {
      const session = made[i] as Session;
      expect(readFileSync(path.join(session.worktreePath, file(cli)), 'utf8')).toBe(`export const by = '${cli}';\n`);
      expect(results[i]?.filesChanged).toEqual([file(cli)]);
      // Each file exists only in its own session's worktree.
      for (const other of made.filter((s) => s !== session)) expect(existsSync(path.join(other.worktreePath, file(cli)))).toBe(false);
      expect(statuses(council, session)).toEqual(expect.arrayContaining(['working', 'done']));
      expect(statuses(council, session).at(-1)).toBe('done');
      expect(council.context.get(session.id).currentFile).toBe(file(cli));
      const run = manager.runs(session.id)[0] as AgentRun;
      expect(run).toMatchObject({ state: 'done', exitCode: 0, didWork: true, preset: cli });
      expect(manager.events(session.id).map((e) => e.kind)).toEqual(expect.arrayContaining(['started', 'tool', 'done']));
      expect(await council.locks.who(file(cli), { cwd: council.ws.repo.mainRoot })).toMatchObject({ sessionId: session.id });
    }
    // Hosted in parallel: every run started before the first one ended.
    const runs = made.map((s) => manager.runs(s.id)[0] as AgentRun);
    const firstEnd = Math.min(...runs.map((r) => Date.parse(r.endedAt as string)));
    expect(runs.every((r) => Date.parse(r.startedAt) < firstEnd)).toBe(true);
  }, 180_000);

  it('a write to a file another session holds is denied by the hook; the agent carries on; the denial is in its events and context', async () => {
    const script: Script = [{ write: { path: 'src/held.ts', content: 'mine\n' } }, { write: { path: 'src/free.ts', content: 'free\n' } }, { text: 'Wrote what I could.' }];
    const codexServer = await server(script);
    const events: AgentEvent[] = [];
    const { council, manager } = await setUp({ claude: codexServer.url, codex: codexServer.url, gemini: codexServer.url }, events);
    const [holder] = await council.createSessions({ task: 'add auth', agent: 'claude' });
    const [writer] = (await council.createSessions({ task: 'refactor', agent: 'codex' })) as [Session];
    await council.locks.acquire('src/held.ts', holder!.id, { cwd: council.ws.repo.mainRoot });

    await manager.start(writer.id, { mode: 'headless' });
    const run = (await manager.waitForEnd(writer.id)) as AgentRun;

    expect(run).toMatchObject({ state: 'done', exitCode: 0 });
    expect(run.denials).toBeGreaterThanOrEqual(1);
    expect(existsSync(path.join(writer.worktreePath, 'src/held.ts'))).toBe(false);
    expect(readFileSync(path.join(writer.worktreePath, 'src/free.ts'), 'utf8')).toBe('free\n');
    const reason = `src/held.ts is being edited by session ${holder!.id} (claude: add auth); work on another file or wait${holderLine(holder!.id)}`;
    expect(events).toContainEqual(expect.objectContaining({ kind: 'denied', path: 'src/held.ts', reason }));
    expect(manager.events(writer.id)).toContainEqual(expect.objectContaining({ kind: 'denied', reason }));
    expect(statuses(council, writer)).toEqual(['idle', 'working', 'blocked', 'working', 'done']);
    expect(readFileSync(manager.store.logFile(run), 'utf8')).toContain(`✖ denied apply_patch src/held.ts: ${reason}`);
  }, 120_000);

  it('a dead model server ends in failed with a clear reason, after the bounded retries', async () => {
    const dead = await deadServerUrl();
    const { council, manager } = await setUp({ claude: dead, codex: dead, gemini: dead });
    const [s] = (await council.createSessions({ task: 'anything', agent: 'claude' })) as [Session];
    const started = Date.now();
    const [result] = await runSessions(manager, [s.id], { mode: 'headless', concurrency: 1, maxRetries: 1, backoffMs: 100 });
    expect(result).toMatchObject({ state: 'failed', attempts: 2 });
    expect(result?.reason).toMatch(/Unable to connect|Connection ?(error|refused)|ECONNREFUSED/i);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(council.context.get(s.id)).toMatchObject({ status: 'failed', message: expect.stringContaining('claude failed') });
  }, 90_000);

  it('stop leaves no process of the agent behind (Codex: a Node wrapper around a native binary)', async () => {
    // Without the user's "no retries" settings, Codex retries a refused connection for ever: it
    // keeps running until we stop it.
    const dead = await deadServerUrl();
    const { council, manager, user } = await setUp({ claude: dead, codex: dead, gemini: dead });
    const config = path.join(user.home, '.codex', 'config.toml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('unbounded_connection_retries = false', 'unbounded_connection_retries = true'));
    const [s] = (await council.createSessions({ task: 'anything', agent: 'codex' })) as [Session];
    const run = await manager.start(s.id, { mode: 'headless' });
    let tree: number[] = [];
    for (let i = 0; i < 100 && tree.length === 0; i++) {
      tree = await descendants(run.pid as number);
      if (tree.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(tree.length).toBeGreaterThan(0);
    const stopped = await manager.stop(s.id);
    expect(stopped).toMatchObject({ state: 'stopped' });
    for (const pid of [run.pid as number, ...tree]) expect(isAlive(pid), `pid ${pid}`).toBe(false);
  }, 60_000);
});
