import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRun } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { AgentManager } from '../../electron/core/agents/manager';
import { claudePreset } from '../../electron/core/agents/presets/claude';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo, type TestRepo } from '../helpers/repo';
import { startModelServer, type ModelServer, type RecordedRequest, type Script, type ToolResult } from '../support/model-server/index';
import { launchContext, requireCli, runLaunch, testUser } from '../agents/harness';
import { proves } from '../helpers/proves';

/**
 * Issue 15 with the real Claude Code, started by the app's own agent manager (the preset's
 * --mcp-config and --settings), against the scripted model server: the model's script calls
 * council's MCP tools by the names Claude gives them, and what each tool returned is read from the
 * model server's log (the tool_result of the next request).
 *
 * Two agents coordinate: A writes src/api.ts (its pre-edit hook takes the lock) and ends; B's model
 * asks who owns it, sends A a message, tries to claim it and to write it (both refused in the same
 * words); the message resumes A, whose next model request holds it.
 *
 * Fail closed: with council's MCP server crashing at start, the pre-edit hook still denies a write
 * to a held file.
 */

const API = 'src/api.ts';
const MESSAGE = 'Please export fetchUser from src/api.ts: the client needs it.';
const REPLY = 'fetchUser will be exported in a minute.';
const TOOLS = ['claim_files', 'my_conflicts', 'my_merge', 'peers', 'read_inbox', 'release_file', 'send_message', 'set_status', 'who_owns'];
const tool = (name: string, input: Record<string, unknown> = {}) => ({ tool: { name: `mcp__council__${name}`, input } });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** The working directory of a model request (Claude Code's system prompt names it). */
function cwdOf(request: RecordedRequest): string | null {
  return /Primary working directory:\s*([^\n"\\]+)/.exec(JSON.stringify((request.body as { system?: unknown })?.system ?? ''))?.[1]?.trim() ?? null;
}

const turnsIn = (server: ModelServer, cwd: string) => server.requests.filter((r) => r.kind === 'turn' && cwdOf(r) === cwd);

/** The result of the tool call the model made with `action` (the next request of its conversation carries it). */
function resultOf(server: ModelServer, cwd: string, name: string): ToolResult {
  const turns = turnsIn(server, cwd);
  const at = turns.findIndex((r) => r.answered?.kind === 'tool' && r.answered.name === name);
  expect(at, `the model called ${name}`).toBeGreaterThanOrEqual(0);
  const results = turns[at + 1]?.toolResults ?? [];
  expect(results, `a tool_result after ${name}`).toHaveLength(1);
  return results[0] as ToolResult;
}

async function until<T>(what: string, probe: () => T | null | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.sequential("Claude Code with council's MCP tools", () => {
  beforeAll(() => {
    requireCli('claude');
    // The bundle this checkout built (hooks and `council mcp` alike): node_modules may be a link to
    // another checkout's, where the manager would otherwise look for it first.
    process.env.COUNCIL_CLI = path.join(REPO_ROOT, 'out', 'cli', 'council.cjs');
  });

  it('two agents coordinate: B asks who owns src/api.ts, messages A, is refused it in the hook\'s words; A is resumed with the message', async () => {
    // The sessions exist once the server runs; the scripts are read at each agent's first request.
    const made: { a?: Session; b?: Session } = {};
    const scripts = (cwd: string): Script =>
      cwd === made.a?.worktreePath
        ? [{ write: { path: API, content: 'export const api = 1;\n' } }, tool('peers'), { text: 'A: API written.' }, tool('read_inbox'), tool('send_message', { to: made.b?.id, text: REPLY }), { text: 'A: will export fetchUser.' }]
        : [
            tool('who_owns', { path: API }),
            tool('send_message', { to: made.a?.id, text: MESSAGE }),
            tool('claim_files', { paths: [API] }),
            { write: { path: API, content: 'export const mine = 2;\n' } },
            tool('set_status', { status: 'blocked', message: `waiting for ${API}` }),
            { text: 'B: waiting for A.' },
            // Resumed by A's answer: B thanks A, which a peer's message resumed already.
            tool('send_message', { to: made.a?.id, text: 'Thanks!' }),
            { text: 'B: done.' },
          ];
    const server = await startModelServer(scripts);
    cleanups.push(() => server.close());
    const repo: TestRepo = makeRepo();
    const council = Council.open(repo.root);
    await council.ws.updateSettings({ agents: { claude: { path: path.join(REPO_ROOT, 'node_modules', '.bin', 'claude') } } });
    const user = testUser('claude', server.url);
    const manager = new AgentManager(council, { env: user.env, userHome: user.home });
    cleanups.push(() => manager.stopAll());
    const [a] = (await council.createSessions({ task: 'build the API', agent: 'claude' })) as [Session];
    const [b] = (await council.createSessions({ task: 'build the client', agent: 'claude' })) as [Session];
    made.a = a;
    made.b = b;

    // A: writes src/api.ts (its hook takes the lock), looks at its peers, ends.
    await manager.start(a.id, { mode: 'headless' });
    const first = (await manager.waitForEnd(a.id)) as AgentRun;
    expect(first, first.reason ?? '').toMatchObject({ state: 'done', agentSessionId: expect.any(String) });
    expect(await council.locks.who(API, { cwd: repo.root })).toMatchObject({ sessionId: a.id });
    // The tools Claude Code offered the model: council's, named mcp__council__<tool>.
    const offered = ((turnsIn(server, a.worktreePath)[0]?.body as { tools: { name: string }[] }).tools ?? []).map((t) => t.name);
    expect(offered.filter((n) => n.startsWith('mcp__council__')).sort()).toEqual(TOOLS.map((t) => `mcp__council__${t}`));
    const peers = resultOf(server, a.worktreePath, 'mcp__council__peers');
    expect(peers.isError).toBe(false);
    expect(peers.text).toContain(`You are session ${a.id}. 1 other session(s)`);
    expect(peers.text).toContain('"task":"build the client"');

    // B: who owns it, a message to A, a claim and a write, both refused.
    await manager.start(b.id, { mode: 'headless' });
    const runB = (await manager.waitForEnd(b.id)) as AgentRun;
    expect(runB, runB.reason ?? '').toMatchObject({ state: 'done' });
    expect(server.errors).toEqual([]);
    const holder = council.locks.list().find((l) => l.path === API);
    expect(resultOf(server, b.worktreePath, 'mcp__council__who_owns')).toMatchObject({ isError: false, text: expect.stringMatching(new RegExp(`^${API} is locked by session ${a.id} since ${holder?.acquiredAt}\\.\\n`)) });
    const sent = resultOf(server, b.worktreePath, 'mcp__council__send_message');
    expect(sent.isError, sent.text).toBe(false);
    expect(sent.text).toContain(`Sent to ${a.id}: ${a.id} resumed.`);
    const refusal = `${API} is being edited by session ${a.id} (claude: build the API); work on another file or wait`;
    // The refusal ends with what the holder is doing and how to reach it (agents/lock-hook.ts reachHolder).
    expect(resultOf(server, b.worktreePath, 'mcp__council__claim_files')).toEqual(expect.objectContaining({ isError: true, text: expect.stringContaining(`${refusal}; session ${a.id} is `) }));
    // The pre-edit hook's denial of the write: the same words.
    const writeDenied = turnsIn(server, b.worktreePath).find((r) => r.toolResults.some((t) => t.isError && t.text.startsWith(`${refusal}; session ${a.id} is `) && t.callId !== resultOf(server, b.worktreePath, 'mcp__council__claim_files').callId));
    expect(writeDenied, 'the Write was denied with the same text').toBeDefined();
    expect(existsSync(path.join(b.worktreePath, API))).toBe(false);
    expect(resultOf(server, b.worktreePath, 'mcp__council__set_status').text).toMatch(/^Status: blocked/);
    expect(council.context.get(b.id)).toMatchObject({ status: 'done' });

    // A was resumed with the message (by a detached agent host, started by B's MCP server): its next
    // model request holds it, from B, with how to answer.
    const resumed = await until('A resumed and done', () => {
      const latest = manager.store.latest(a.id);
      return latest && latest.id !== first.id && ['done', 'failed', 'stopped'].includes(latest.state) ? latest : null;
    }, 150_000);
    expect(resumed, resumed.reason ?? '').toMatchObject({ state: 'done' });
    const turnsA = turnsIn(server, a.worktreePath);
    const next = turnsA.find((r) => JSON.stringify(r.body).includes(MESSAGE));
    expect(next, "A's next model request holds the message").toBeDefined();
    expect(JSON.stringify(next?.body)).toContain(`Message from session ${b.id} (claude: build the client), through council: ${MESSAGE}`);
    // Delivered by the resume: its inbox says so, and the model then found nothing new there.
    expect(council.ws.registry.find(a.id)).toBeDefined();
    const inbox = resultOf(server, a.worktreePath, 'mcp__council__read_inbox');
    expect(inbox.text.split('\n')[0]).toBe('No new messages.');
    expect(inbox.text).toContain('"state":"resumed"');

    // A answers B; B (finished) is resumed with the answer, and thanks A — who, resumed by a peer's
    // message already, is not resumed again: agents never resume each other in a chain.
    expect(resultOf(server, a.worktreePath, 'mcp__council__send_message').text).toContain(`Sent to ${b.id}: ${b.id} resumed.`);
    const bAgain = await until('B resumed and done', () => {
      const latest = manager.store.latest(b.id);
      return latest && latest.id !== runB.id && ['done', 'failed', 'stopped'].includes(latest.state) ? latest : null;
    }, 150_000);
    expect(bAgain, bAgain.reason ?? '').toMatchObject({ state: 'done' });
    expect(JSON.stringify(turnsIn(server, b.worktreePath).at(-2)?.body)).toContain(REPLY);
    const thanks = turnsIn(server, b.worktreePath).map((r, i, all) => (r.answered?.kind === 'tool' && r.answered.input.text === 'Thanks!' ? all[i + 1]?.toolResults[0] : undefined)).find(Boolean);
    expect(thanks?.text).toContain(`Sent to ${a.id}: ${a.id} queued.`);
    expect(thanks?.text).toContain('not resumed (agents do not resume each other in a chain');
    await new Promise((r) => setTimeout(r, 2000));
    expect(manager.store.latest(a.id)?.id).toBe(resumed.id);
    expect(manager.inbox.list(a.id).filter((m) => m.state === 'held')).toEqual([expect.objectContaining({ text: expect.stringContaining('Thanks!') })]);
    expect(server.errors).toEqual([]);
    proves('claude', 'mcp');
  }, 400_000);

  it("fail closed: with council's MCP server crashing at start, the pre-edit hook still denies a write to a held file", async () => {
    const server = await startModelServer([{ write: { path: API, content: 'x\n' } }, { text: 'tried' }]);
    cleanups.push(() => server.close());
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [holder] = (await council.createSessions({ task: 'hold the API', agent: 'claude' })) as [Session];
    const [writer] = (await council.createSessions({ task: 'write the API', agent: 'claude' })) as [Session];
    await council.locks.acquire(API, holder.id, { cwd: repo.root });
    const user = testUser('claude', server.url);
    const launch = await claudePreset.launch(launchContext({ cli: 'claude', repo, session: writer, user, task: 'write src/api.ts' }));
    // council's MCP server as installed, but its program crashes at start (as a broken bundle would).
    const at = launch.args.indexOf('--mcp-config');
    expect(at).toBeGreaterThan(0);
    const crashing = { mcpServers: { council: { type: 'stdio', command: process.execPath, args: ['-e', 'process.exit(3)'] } } };
    launch.args[at + 1] = JSON.stringify(crashing);
    const run = await runLaunch(launch);
    expect(run.timedOut).toBe(false);
    expect(server.errors).toEqual([]);
    // The server was absent for the model (no council tools offered) ...
    const offered = ((server.requests.find((r) => r.kind === 'turn')?.body as { tools: { name: string }[] }).tools ?? []).map((t) => t.name);
    expect(offered.some((n) => n.startsWith('mcp__council__'))).toBe(false);
    // ... and the write was denied all the same, by the hook, in its words.
    expect(server.toolResults()[0]).toMatchObject({ isError: true, text: expect.stringContaining(`${API} is being edited by session ${holder.id} (claude: hold the API); work on another file or wait; session ${holder.id} is `) });
    expect(existsSync(path.join(writer.worktreePath, API))).toBe(false);
  }, 180_000);
});
