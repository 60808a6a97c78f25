import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentEvent, AgentRun } from '../../shared/agents';
import { AgentManager } from '../../electron/core/agents/manager';
import { runSessions, allSucceeded } from '../../electron/core/agents/executor';
import { claudeWrites, deadPid, FAKE_AGENT, fakeScenesStoppedAfterEach, isAlive, sessions, useScript, waitUntil } from './fake-agents';
import { proves } from '../helpers/proves';

// The agent manager and the parallel executor on real processes (the fake agent standing in for
// Claude Code's headless stream-json), real worktrees and the real shared state.

const scene = fakeScenesStoppedAfterEach();

describe('a headless run', () => {
  it('parses the stream into events, records the run, and leaves the context done', async () => {
    const events: AgentEvent[] = [];
    const { council, manager } = await scene('claude', claudeWrites('src/new.ts', 'export const n = 1;\n'), { event: (_run, event) => events.push(event) });
    const [s] = await sessions(council, 1);
    const started = await manager.start(s!.id, { mode: 'headless' });
    expect(started).toMatchObject({ state: 'running', preset: 'claude', mode: 'headless', hostPid: process.pid });
    const ended = (await manager.waitForEnd(s!.id)) as AgentRun;

    expect(ended).toMatchObject({ state: 'done', exitCode: 0, reason: null, didWork: true, filesTouched: ['src/new.ts'], costUsd: 0.0123, agentSessionId: 'fake-session-1' });
    expect(readFileSync(path.join(s!.worktreePath, 'src/new.ts'), 'utf8')).toBe('export const n = 1;\n');
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['started', 'tool', 'file-changed', 'usage', 'done']));
    expect(manager.events(s!.id).map((e) => e.kind)).toEqual(events.filter((e) => e.kind !== 'started' || e.agentSessionId).map((e) => e.kind));
    expect(council.context.get(s!.id)).toMatchObject({ status: 'done', currentFile: 'src/new.ts' });
    // Another process reads the same record and the rendered log.
    const again = new AgentManager(council);
    expect(again.runs(s!.id)[0]).toEqual(ended);
    expect(readFileSync(again.store.logFile(ended), 'utf8')).toContain('Write src/new.ts');
    expect(ended.outputBytes).toBeGreaterThan(0);
  });

  it('ends failed with the reason the CLI gave when the model endpoint is dead', async () => {
    const { council, manager } = await scene('claude', [
      { claude: 'init' },
      { claude: 'result', error: true, text: 'API Error: Unable to connect to API (ConnectionRefused)' },
      { exit: 1 },
    ]);
    const [s] = await sessions(council, 1);
    await manager.start(s!.id, { mode: 'headless' });
    const ended = (await manager.waitForEnd(s!.id)) as AgentRun;
    expect(ended).toMatchObject({ state: 'failed', didWork: false, reason: 'API Error: Unable to connect to API (ConnectionRefused)' });
    expect(council.context.get(s!.id)).toMatchObject({ status: 'failed', message: expect.stringContaining('ConnectionRefused') });
  });

  it('a model that never answers fails the run naming the limit, whatever the CLI prints while it is stopped', async () => {
    // Copilot CLI, stopped by the answer watchdog, can print a clean `result` (exit code 0) before it
    // dies of the SIGTERM: the run still fails for the reason the watchdog gave (seen once in CI).
    const { council, manager } = await scene('copilot');
    const script = [{ onSigterm: [{ type: 'result', sessionId: 'c-1', exitCode: 0 }] }, { sleep: 60_000 }];
    const env = { FAKE_AGENT_SCRIPT: JSON.stringify(script), COPILOT_PROVIDER_BASE_URL: 'http://127.0.0.1:9/v1' };
    await council.ws.updateSettings({ agents: { copilot: { path: FAKE_AGENT, modelTimeoutSeconds: 5, env } } });
    const [s] = await sessions(council, 1, 'copilot');
    const started = Date.now();
    await manager.start(s!.id, { mode: 'headless' });
    const ended = (await manager.waitForEnd(s!.id)) as AgentRun;
    expect(ended).toMatchObject({
      state: 'failed',
      signal: 'SIGTERM',
      reason: 'GitHub Copilot CLI got no answer from its model server at http://127.0.0.1:9/v1 within 5 s; check that the server runs and can be reached (agents.copilot.modelTimeoutSeconds sets this limit)',
    });
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);

  it('names the preset, the program and the fix when the program is missing', async () => {
    const { council, manager } = await scene('claude');
    await council.ws.updateSettings({ agents: { claude: { path: '/nonexistent/claude' } } });
    const [s] = await sessions(council, 1);
    await expect(manager.start(s!.id, { mode: 'headless' })).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/Claude Code \(preset claude\).*\/nonexistent\/claude.*npm i -g @anthropic-ai\/claude-code/),
    });
    expect(manager.runs(s!.id)).toEqual([]);
  });

  it('fails the run, naming the program, when it cannot be executed', async () => {
    const { council, manager, repo } = await scene('claude');
    const notExecutable = path.join(repo.root, 'README.md');
    await council.ws.updateSettings({ agents: { claude: { path: notExecutable } } });
    const [s] = await sessions(council, 1);
    await expect(manager.start(s!.id, { mode: 'headless' })).rejects.toMatchObject({ message: expect.stringContaining(notExecutable) });
  });

  it('records a denial in the run, its events and the context', async () => {
    const { council, manager } = await scene('claude', [
      { claude: 'init' },
      { claude: 'write', path: 'src/a.ts', content: 'nope', deny: 'src/a.ts is being edited by session 3f2a (codex: add auth); work on another file or wait' },
      { claude: 'result', text: 'could not write' },
    ]);
    const [s] = await sessions(council, 1);
    await manager.start(s!.id, { mode: 'headless' });
    const ended = (await manager.waitForEnd(s!.id)) as AgentRun;
    expect(ended.denials).toBeGreaterThanOrEqual(1);
    expect(manager.events(s!.id)).toContainEqual(expect.objectContaining({ kind: 'denied', path: 'src/a.ts', reason: expect.stringContaining('session 3f2a') }));
    expect(council.context.get(s!.id).history.map((h) => h.status)).toContain('blocked');
  });
});

describe('stop', () => {
  it('kills the agent and everything it started, and records the run as stopped', async () => {
    const { council, manager } = await scene('claude', [{ claude: 'init' }, { spawnChild: { pidFile: 'grandchild.pid' } }, { sleep: 60_000 }]);
    const [s] = await sessions(council, 1);
    await manager.start(s!.id, { mode: 'headless' });
    const pidFile = path.join(s!.worktreePath, 'grandchild.pid');
    await waitUntil(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 'the grandchild');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(isAlive(grandchild)).toBe(true);

    const stopped = await manager.stop(s!.id);
    expect(stopped).toMatchObject({ state: 'stopped', reason: 'stopped by the user' });
    await waitUntil(() => !isAlive(grandchild), 'the grandchild to be gone', 5000);
    // Stopped: idle (nothing runs, nobody is asked anything), not "needs input" (issue 12, item 6).
    expect(council.context.get(s!.id)).toMatchObject({ status: 'idle', message: 'agent stopped by the user' });
  });

  it('stops a run hosted by another process through its process group', async () => {
    const { council, manager } = await scene('claude', [{ claude: 'init' }, { sleep: 60_000 }]);
    const [s] = await sessions(council, 1);
    const run = await manager.start(s!.id, { mode: 'headless' });
    // A second manager (as the CLI would be) sees the run as someone else's and stops it.
    const other = new AgentManager(council);
    (other as unknown as { hostAlive: () => boolean }).hostAlive = () => true;
    const stopped = await other.stop(s!.id);
    expect(stopped).toMatchObject({ id: run.id, state: 'stopped' });
    expect(isAlive(run.pid as number)).toBe(false);
  });
});

describe('following a run another process hosts', () => {
  it('attach gives the log so far, then what the other process adds', async () => {
    const { council, manager } = await scene('claude', [{ print: 'one\n' }, { sleep: 600 }, { print: 'two\n' }, { sleep: 60_000 }]);
    const [s] = await sessions(council, 1);
    await manager.start(s!.id, { mode: 'interactive' });
    await waitUntil(() => manager.logTail(manager.runs(s!.id)[0]!).data.includes('one'), 'the first line in the log');
    const viewer = new AgentManager(council);
    const seen: { seq: number; data: string }[] = [];
    const attached = viewer.attach(s!.id, (_run, chunk) => seen.push(chunk));
    expect(attached.data).toContain('one');
    await waitUntil(() => seen.map((c) => c.data).join('').includes('two'), 'the second line, followed from the log');
    expect(seen.map((c) => c.seq)).toEqual(seen.map((_c, i) => i + 1));
    attached.unsubscribe();
  });
});

describe('an interactive run', () => {
  it('runs in a terminal: typed input reaches the agent, output reaches attached clients in order', async () => {
    const { council, manager } = await scene('claude', [{ print: 'ready\n' }, { echoStdin: true }]);
    const [s] = await sessions(council, 1);
    await manager.start(s!.id, { mode: 'interactive' });
    const seen: { seq: number; data: string }[] = [];
    const attached = manager.attach(s!.id, (_run, chunk) => seen.push(chunk));
    await waitUntil(() => (attached.data + seen.map((c) => c.data).join('')).includes('ready'), 'the prompt');
    expect(manager.write(s!.id, 'hello there\r')).toBe(true);
    await waitUntil(() => seen.map((c) => c.data).join('').includes('echo: hello there'), 'the echo');
    expect(seen.map((c) => c.seq)).toEqual(seen.map((_c, i) => attached.seq + i + 1));
    expect(manager.resize(s!.id, 100, 40)).toBe(true);
    manager.write(s!.id, 'end\r');
    const ended = (await manager.waitForEnd(s!.id)) as AgentRun;
    expect(ended).toMatchObject({ state: 'done', mode: 'interactive', exitCode: 0 });
    attached.unsubscribe();
  });
});

// Issue 12, item 9: Claude Code drew its first screen for the PTY's default size, not the
// terminal's on the user's screen, until a resize arrived after that first output.
describe('the terminal size an interactive run starts with', () => {
  it('is the size its terminal view asked for before the run started, from its first output on', async () => {
    const { council, manager } = await scene('claude', [{ printSize: true }]);
    const [s] = await sessions(council, 1);
    expect(manager.resize(s!.id, 157, 29)).toBe(false); // no run yet: remembered, not applied
    await manager.start(s!.id, { mode: 'interactive' });
    const ended = (await manager.waitForEnd(s!.id)) as AgentRun;
    expect(manager.logTail(ended).data).toContain('size 157x29');
  });

  it("without one for this session, is the last size any of the repository's terminals asked for", async () => {
    const { council, manager } = await scene('claude', [{ printSize: true }]);
    const [a, b] = await sessions(council, 2);
    manager.resize(a!.id, 140, 33);
    await manager.start(b!.id, { mode: 'interactive' });
    const ended = (await manager.waitForEnd(b!.id)) as AgentRun;
    expect(manager.logTail(ended).data).toContain('size 140x33');
  });
});

describe('after a restart', () => {
  it('marks runs whose host is gone as interrupted, keeps the work, and resumes them', async () => {
    const { council, manager } = await scene('claude', [{ printArgv: true }]);
    const [s] = await sessions(council, 1);
    const dead = await deadPid();
    manager.store.write({
      id: 'abcdef0123',
      sessionId: s!.id,
      preset: 'claude',
      mode: 'interactive',
      task: s!.task,
      state: 'running',
      attempt: 1,
      pid: dead,
      hostPid: dead,
      startedAt: new Date(Date.now() - 60_000).toISOString(),
      endedAt: null,
      exitCode: null,
      signal: null,
      reason: null,
      agentSessionId: 'claude-conversation-7',
      filesTouched: ['src/a.ts'],
      didWork: true,
      costUsd: null,
      inputTokens: null,
      outputTokens: null,
      denials: 0,
      outputBytes: 0,
    });
    const marked = await manager.reconcile();
    expect(marked.map((r) => r.id)).toEqual(['abcdef0123']);
    expect(manager.store.latest(s!.id)).toMatchObject({ state: 'interrupted', reason: expect.stringContaining('resume to continue') });
    expect(council.context.get(s!.id).message).toContain('interrupted');

    await manager.start(s!.id, { resume: true });
    const resumed = (await manager.waitForEnd(s!.id)) as AgentRun;
    expect(resumed).toMatchObject({ state: 'done', mode: 'interactive', preset: 'claude' });
    const log = readFileSync(manager.store.logFile(resumed), 'utf8');
    expect(log).toContain('--resume=claude-conversation-7');
    expect(manager.runs(s!.id).map((r) => r.state)).toEqual(['done', 'interrupted']);
  });
});

describe('the parallel executor', () => {
  it('runs N sessions with at most `concurrency` agents at once and reports each result', async () => {
    const running = new Set<string>();
    let most = 0;
    const { council, manager } = await scene('claude', [...claudeWrites('out.txt'), { sleep: 200 }], {
      run: (run) => {
        if (run.state === 'starting' || run.state === 'running') running.add(run.id);
        else running.delete(run.id);
        most = Math.max(most, running.size);
      },
    });
    const made = await sessions(council, 4);
    const results = await runSessions(manager, made.map((s) => s.id), { concurrency: 2, maxRetries: 0 });
    expect(allSucceeded(results)).toBe(true);
    expect(results.map((r) => r.sessionId)).toEqual(made.map((s) => s.id));
    expect(results.every((r) => r.state === 'done' && r.filesChanged.includes('out.txt') && r.attempts === 1 && r.costUsd === 0.0123)).toBe(true);
    expect(most).toBe(2);
  });

  it('retries an agent that failed before doing any work, with backoff, up to the limit', async () => {
    const { council, manager } = await scene('claude', [{ claude: 'init' }, { claude: 'result', error: true, text: 'API Error: 500' }, { exit: 1 }]);
    const [s] = await sessions(council, 1);
    const started = Date.now();
    const [result] = await runSessions(manager, [s!.id], { concurrency: 1, maxRetries: 2, backoffMs: 50 });
    expect(result).toMatchObject({ state: 'failed', attempts: 3, reason: 'API Error: 500' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(50 + 100);
    expect(manager.runs(s!.id).map((r) => r.attempt)).toEqual([3, 2, 1]);
  });

  it('does not retry an agent that failed after it had done work', async () => {
    const { council, manager } = await scene('claude', [{ claude: 'init' }, { claude: 'write', path: 'half.txt', content: 'half' }, { exit: 3 }]);
    const [s] = await sessions(council, 1);
    const [result] = await runSessions(manager, [s!.id], { concurrency: 1, maxRetries: 3, backoffMs: 10 });
    expect(result).toMatchObject({ state: 'failed', attempts: 1, exitCode: 3, filesChanged: ['half.txt'] });
  });

  it('cancel stops the running agents and starts no more', async () => {
    const { council, manager } = await scene('claude', [{ claude: 'init' }, { sleep: 60_000 }]);
    const made = await sessions(council, 3);
    const abort = new AbortController();
    const pending = runSessions(manager, made.map((s) => s.id), { concurrency: 1, maxRetries: 0, signal: abort.signal });
    await waitUntil(() => manager.liveRun(made[0]!.id)?.state === 'running', 'the first agent');
    abort.abort();
    const results = await pending;
    expect(results.map((r) => r.state)).toEqual(['stopped', 'stopped', 'stopped']);
    expect(manager.runs(made[1]!.id)).toEqual([]);
    expect(allSucceeded(results)).toBe(false);
  });
});

describe('advisory locks (agents without a pre-edit hook)', () => {
  it('the watcher locks what the agent edits, and flags an edit of a file another session holds', async () => {
    const { council, manager } = await scene('custom');
    await council.ws.updateSettings({ customCommand: `${FAKE_AGENT} {task}` });
    await useScript(council, 'custom', [{ write: { path: 'src/a.ts', content: 'mine\n' } }, { write: { path: 'src/new.ts', content: 'new\n' } }, { sleep: 1500 }]);
    const [holder] = await sessions(council, 1, 'claude', 'add auth');
    const [writer] = await sessions(council, 1, 'custom', 'refactor');
    await council.locks.acquire('src/a.ts', holder!.id, { cwd: council.ws.repo.mainRoot });
    await manager.start(writer!.id, { mode: 'headless' });
    // The watcher moves the current file at once; the clash message follows the lock check.
    await waitUntil(() => council.context.fileConflicts().length > 0 && (council.context.get(writer!.id).message ?? '').includes('could not be stopped'), 'the clash to be flagged');
    expect(council.context.fileConflicts()).toEqual([{ path: 'src/a.ts', sessionIds: [holder!.id, writer!.id].sort(), lockOwner: holder!.id }]);
    expect(council.context.get(writer!.id).message).toContain(`edited src/a.ts, which session ${holder!.id} (claude: add auth) holds — custom has no pre-edit hook`);
    await waitUntil(() => council.locks.list().some((l) => l.path === 'src/new.ts'), 'the free file to be locked');
    expect(council.locks.list().find((l) => l.path === 'src/new.ts')?.sessionId).toBe(writer!.id);
    await manager.waitForEnd(writer!.id);
    expect(manager.events(writer!.id)).toContainEqual(expect.objectContaining({ kind: 'message', text: expect.stringContaining('could not be stopped') }));
    // The run's end does not hide the clash (issue 12, item 6): "custom finished" says it, and
    // `council status`'s file conflicts keep it while the holder holds the file.
    expect(council.context.get(writer!.id)).toMatchObject({ status: 'done', message: `custom finished — but it edited src/a.ts (held by session ${holder!.id}); coordinate before merging` });
    expect(council.context.fileConflicts()).toEqual([{ path: 'src/a.ts', sessionIds: [holder!.id, writer!.id].sort(), lockOwner: holder!.id }]);
    await council.locks.release('src/a.ts', holder!.id, { cwd: council.ws.repo.mainRoot });
    expect(council.context.fileConflicts()).toEqual([]);
    proves('custom', 'locks.flagged');
  });
});

describe('sessions and their agents', () => {
  it('refuses a second agent in a session that has one running', async () => {
    const { council, manager } = await scene('claude', [{ sleep: 60_000 }]);
    const [s] = await sessions(council, 1);
    await manager.start(s!.id, { mode: 'headless' });
    await expect(manager.start(s!.id, { mode: 'headless' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('already has a running agent') });
    await useScript(council, 'claude', []);
  });
});
