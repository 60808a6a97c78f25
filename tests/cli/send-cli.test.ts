import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRun } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { RunStore } from '../../electron/core/agents/run-store';
import { Council } from '../../electron/core/council';
import { isAlive, useScript, waitUntil } from '../agents/fake-agents';
import { requireCli, testUser } from '../agents/harness';
import { envWithoutAgents, startServe, type ServeProcess } from '../e2e/browser';
import { councilAsync, REPO_ROOT } from '../helpers/cli';
import { makeRepo } from '../helpers/repo';
import { startModelServer, type ModelServer } from '../support/model-server/index';

// `council send ID -m TEXT` from the built CLI (its own OS process) with the real Claude Code
// against the scripted model server: (1) reaching an interactive agent hosted by another process —
// a `council serve` browser host — through the session's inbox, typed into its terminal and sent to
// the model as the next turn; (2) resuming a finished headless agent on its conversation, in a
// detached `council agent-host`, which ends with it.

const CLAUDE_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'claude');
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});

async function model(script: Parameters<typeof startModelServer>[0]): Promise<ModelServer> {
  const server = await startModelServer(script);
  closers.push(() => server.close());
  return server;
}

async function send(root: string, id: string, text: string, env: Record<string, string>, extra: string[] = []): Promise<{ delivered: string; run: AgentRun | null; note: string }> {
  const run = await councilAsync(['--json', 'send', id, '-m', text, ...extra], { cwd: root, env });
  const parsed = JSON.parse(run.stdout) as { ok: boolean; value?: { delivered: string; run: AgentRun | null; note: string }; error?: { message: string } };
  if (!parsed.ok || !parsed.value) throw new Error(`council send failed (exit ${run.code}): ${parsed.error?.message ?? run.stdout}\n${run.stderr}`);
  return parsed.value;
}

async function invoke(host: ServeProcess, command: string, input: unknown): Promise<unknown> {
  const url = new URL(host.url);
  const token = url.searchParams.get('token') ?? '';
  const response = await fetch(new URL('/api/invoke', url.origin), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ command, input }) });
  const result = (await response.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!result.ok) throw new Error(`${command}: ${result.error?.message}`);
  return result.value;
}

const turnsWith = (server: ModelServer, text: string) => server.requests.filter((r) => r.kind === 'turn' && JSON.stringify(r.body).includes(text));

describe('council send to a headless agent hosted by a detached agent host', () => {
  it('is queued, and the host resumes the agent with it when its run ends', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const argv = path.join(path.dirname(repo.root), 'argv.jsonl');
    await useScript(council, 'claude', [{ claude: 'init', sessionId: 'conv-q' }, { argvTo: argv }, { sleep: 2500 }, { claude: 'result', text: 'ok' }]);
    const ran = await councilAsync(['--json', 'run', '--agent', 'claude', '--task', 'first'], { cwd: repo.root });
    expect(ran.code, ran.stderr).toBe(0);
    const [session] = council.ws.registry.all() as [Session];
    const store = new RunStore(council.ws.paths);
    await waitUntil(() => existsSync(argv), 'the first run');
    const first = store.latest(session.id) as AgentRun;
    const sent = await send(repo.root, session.id, 'and then this', {});
    expect(sent).toMatchObject({ delivered: 'queued', run: { id: first.id } });
    await waitUntil(() => readFileSync(argv, 'utf8').trim().split('\n').length === 2, 'the resumed run', 20_000);
    expect(JSON.parse(readFileSync(argv, 'utf8').trim().split('\n')[1]!)).toEqual(expect.arrayContaining(['--resume=conv-q', 'and then this']));
    const resumed = store.latest(session.id) as AgentRun;
    expect(resumed.hostPid).toBe(first.hostPid); // the same agent host went on with it
    await waitUntil(() => store.latest(session.id)?.state === 'done', 'the resumed run to end', 20_000);
    await waitUntil(() => !isAlive(first.hostPid), 'the agent host to exit', 15_000);
  }, 60_000);
});

describe.sequential('council send', () => {
  beforeAll(() => requireCli('claude'));

  it('reaches an interactive Claude Code hosted by a browser host: typed into its terminal, the model gets it as the next turn', async () => {
    const server = await model([{ text: 'First answer: ALPHA-7731.' }, { text: 'Second answer: BRAVO-4409.' }, { text: 'Third answer: CHARLIE-1.' }]);
    const user = testUser('claude', server.url);
    const repo = makeRepo();
    const council = Council.open(repo.root);
    await council.ws.updateSettings({ agents: { claude: { path: CLAUDE_BIN } } });
    const [session] = (await council.createSessions({ task: 'Say the first code word.', agent: 'claude' })) as [Session];
    // A user who has used Claude Code before and trusts this folder: no start-up question.
    const apiKey = user.env.ANTHROPIC_API_KEY as string;
    writeFileSync(
      path.join(user.home, '.claude.json'),
      JSON.stringify({ hasCompletedOnboarding: true, theme: 'light', customApiKeyResponses: { approved: [apiKey.slice(-20)], rejected: [] }, projects: { [session.worktreePath]: { hasTrustDialogAccepted: true } } }),
    );
    const host = await startServe({ ...user.env, PATH: envWithoutAgents().PATH as string, COUNCIL_APP_BIN: '', TERM: 'xterm-256color' });
    closers.push(() => host.close());
    closers.push(() => invoke(host, 'agent.stop', { repo: repo.root, id: session.id }).then(() => undefined));

    const started = (await invoke(host, 'agent.start', { repo: repo.root, id: session.id, preset: 'claude', mode: 'interactive' })) as AgentRun;
    expect(started).toMatchObject({ mode: 'interactive', hostPid: host.pid });
    // Its first turn is answered, and it is idle again (its Stop hook said done).
    await waitUntil(() => turnsWith(server, 'Say the first code word.').length > 0, 'the first turn', 60_000);
    await waitUntil(() => council.context.get(session.id).status === 'done', 'the turn to end', 60_000);

    const followUp = 'Now say the second code word.';
    const sent = await send(repo.root, session.id, followUp, {});
    expect(sent).toMatchObject({ delivered: 'terminal', run: { id: started.id } });
    expect(sent.note).toContain(`pid ${host.pid}`);
    await waitUntil(() => turnsWith(server, followUp).length > 0, "the follow-up's turn", 60_000);
    expect(JSON.stringify(turnsWith(server, followUp)[0]!.body)).toContain('ALPHA-7731'); // the same conversation
    // The inbox says who delivered it, once.
    const inbox = (await council.agents()).inbox.list(session.id);
    expect(inbox).toEqual([expect.objectContaining({ text: followUp, from: 'cli', state: 'terminal', runId: started.id })]);
    expect(server.errors).toEqual([]);

    // The interactive run learnt its conversation id from Claude's hooks (session_id); once it has
    // ended, `council send` resumes that conversation, headless, in a detached agent host.
    const store = new RunStore(council.ws.paths);
    await waitUntil(() => store.get(session.id, started.id)?.agentSessionId != null, 'the conversation id from the hooks', 30_000);
    await invoke(host, 'agent.stop', { repo: repo.root, id: session.id });
    const third = 'And the third code word?';
    const resumed = await send(repo.root, session.id, third, { ...user.env, PATH: envWithoutAgents().PATH as string });
    expect(resumed).toMatchObject({ delivered: 'resumed', run: { mode: 'headless', task: third } });
    await waitUntil(() => store.get(session.id, resumed.run!.id)?.state === 'done', 'the resumed run to end', 90_000);
    const body = JSON.stringify(turnsWith(server, third)[0]?.body ?? null);
    expect(body).toContain('ALPHA-7731');
    expect(body).toContain(followUp);
  }, 240_000);

  it('resumes a finished headless Claude Code on its conversation in a detached agent host, which ends with it', async () => {
    const server = await model([{ text: 'First answer: ALPHA-7731.' }, { text: 'Second answer: BRAVO-4409.' }]);
    const user = testUser('claude', server.url);
    const repo = makeRepo();
    const council = Council.open(repo.root);
    await council.ws.updateSettings({ agents: { claude: { path: CLAUDE_BIN } } });
    const env = { ...user.env, PATH: envWithoutAgents().PATH as string };
    const ran = await councilAsync(['--json', 'run', '--agent', 'claude', '--task', 'Say the first code word.', '--wait'], { cwd: repo.root, env });
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    const [session] = council.ws.registry.all() as [Session];
    const store = new RunStore(council.ws.paths);
    const first = store.latest(session.id) as AgentRun;
    expect(first).toMatchObject({ state: 'done', agentSessionId: expect.any(String) });

    // No --start needed: the ended agent is resumed.
    const followUp = 'Now say the second code word.';
    const sent = await send(repo.root, session.id, followUp, env);
    expect(sent).toMatchObject({ delivered: 'resumed', run: { preset: 'claude', mode: 'headless', task: followUp } });
    const resumed = sent.run as AgentRun;
    expect(resumed.hostPid).not.toBe(first.hostPid);
    await waitUntil(() => store.get(session.id, resumed.id)?.state === 'done', 'the resumed run to end', 90_000);
    const body = JSON.stringify(turnsWith(server, followUp)[0]?.body ?? null);
    expect(body).toContain('ALPHA-7731');
    expect(body).toContain('Say the first code word.');
    // The detached host ends with its run: nothing left behind.
    await waitUntil(() => !isAlive(resumed.hostPid), 'the agent host to exit', 15_000);
    expect((await council.agents()).inbox.list(session.id)).toEqual([expect.objectContaining({ state: 'resumed', runId: resumed.id, from: 'cli' })]);

    // A session without an agent: refused without --start, saying how.
    const [bare] = (await council.createSessions({ task: 'nothing yet' })) as [Session];
    const refused = await councilAsync(['send', bare.id, '-m', 'hello'], { cwd: repo.root, env });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('has no agent yet: start one with the follow-up as its prompt');
  }, 180_000);
});
