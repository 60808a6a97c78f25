import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandOutput } from '../../shared/contract';
import type { AgentEvent, AgentRun, RunState } from '../../shared/agents';
import { closeControl, controlPath } from '../../electron/core/hosts/control';
import { AgentManager } from '../../electron/core/agents/manager';
import { sendFollowUp } from '../../electron/core/agents/follow-up';
import { Council } from '../../electron/core/council';
import { reviewDiff } from '../../electron/core/sessions/review-diff';
import { council, councilJson, REPO_ROOT } from '../helpers/cli';
import type { TestRepo } from '../helpers/repo';
import { useScript, waitUntil } from '../agents/fake-agents';
import { sshdUnavailable, type SshServer } from '../helpers/sshd';
import { startModelServer } from '../support/model-server/index';
import { remoteScene, runOnHost } from '../helpers/remote-scene';

/**
 * Issue 17, item 2: an interactive agent on a host. The session's terminal at home runs `ssh -tt`
 * to the host (real OpenSSH server, tests/helpers/sshd.ts), where council's runtime starts the agent
 * on a terminal held by tmux (a dropped connection leaves it running; home attaches again), or
 * without tmux on the connection's own terminal. The agent is the fake Claude (tests/support/
 * fake-agent.mjs), which runs its --settings hooks through sh as Claude Code does: the lock hook on
 * the host asks the home over the forwarded socket. What is typed at home is read by the agent
 * there (it stamps each line into a file of its worktree). A user's own REPL agent
 * (tests/agents/fixtures/repl-agent.mjs) against the scripted model server runs there the same way.
 */

const unavailable = sshdUnavailable() ?? (existsSync('/usr/bin/tmux') ? null : 'no tmux at /usr/bin/tmux (install the Debian package tmux; .ci/run does)');
if (unavailable) console.warn(`\n⚠ tests/remote/remote-tty.test.ts is SKIPPED: ${unavailable}\n`);

/** The fake agent's script: ready, a line typed at home, two writes through the lock hook, then every typed line stamped. */
const script = [
  { claude: 'init', sessionId: 'fake-tty' },
  { waitForInput: 'go> ' },
  { claude: 'write', path: 'src/a.ts', content: 'export const a = 2;\n', hooks: true },
  { claude: 'write', path: 'src/mine.ts', content: 'export const mine = 1;\n', hooks: true },
  { print: 'writes done\n' },
  { stampStdin: 'typed.jsonl' },
];

describe.skipIf(unavailable !== null)('interactive agents on a host (ssh -tt, tmux)', () => {
  let server: SshServer;
  let env: Record<string, string>;
  let repo: TestRepo;

  beforeAll(async () => {
    ({ server, env, repo } = await remoteScene());
  }, 120_000);

  afterAll(async () => {
    closeControl('remote');
    closeControl('remote-notmux');
    await server?.stop();
  });

  const onHost = (command: string, alias = 'remote'): string => runOnHost(server, command, alias);
  /** The host user's processes that are the session's agent (or started by it): their environment names the session. Asked as that user, there. */
  const agentProcesses = (sessionId: string): number[] =>
    onHost(`grep -l -a 'COUNCIL_SESSION_ID=${sessionId}' /proc/[0-9]*/environ 2>/dev/null || true`)
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((file) => Number(file.split('/')[2]));
  const tmuxHas = (sessionId: string): boolean => server.ssh('remote', `tmux -S ~/.council/tty/tmux has-session -t '=council-${sessionId}'`).status === 0;
  const typedOnHost = (worktree: string): string[] => {
    const ran = server.ssh('remote', `cat ${worktree}/typed.jsonl`);
    return ran.status === 0 ? ran.stdout.trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { line: string }).line) : [];
  };

  it('tmux on the host: typed text reaches the agent there, its write is in the worktree there and home, a held file is refused by home; a dropped connection leaves it running, the run disconnected, and re-attaches by itself once the host answers; stop leaves nothing there', async () => {
    const c = Council.open(repo.root);
    const [local] = await c.createSessions({ task: 'local holder' });
    expect(council(['lock', 'acquire', 'src/a.ts', '--session', local!.id], { cwd: repo.root, env }).code).toBe(0);
    await useScript(c, 'claude', script);
    const events: AgentEvent[] = [];
    const states: RunState[] = [];
    const manager = new AgentManager(c, {
      stopGraceMs: 1000,
      listener: {
        event: (_run, e) => events.push(e),
        run: (r) => {
          if (r.sessionId === id && states[states.length - 1] !== r.state) states.push(r.state);
        },
      },
    });
    const [s] = await c.createSessions({ task: 'remote interactive', agent: 'claude', host: 'remote' });
    const id = s!.id;
    const place = s!.host!.path;
    let output = '';
    const seqs: number[] = [];
    manager.attach(id, (_run, chunk) => {
      output += chunk.data;
      seqs.push(chunk.seq);
    });

    const run = await manager.start(id, { mode: 'interactive' });
    expect(run.mode).toBe('interactive');
    // Held by tmux there, in the worktree there.
    await waitUntil(() => output.includes('go> '), `the agent's prompt in the terminal at home (so far: ${JSON.stringify(output.slice(-500))})`, 60_000);
    expect(tmuxHas(id)).toBe(true);
    const [agentPid] = agentProcesses(id);
    expect(agentPid).toBeGreaterThan(0);
    expect(onHost(`readlink /proc/${agentPid}/cwd`).trim()).toBe(place);
    // The terminal's size at home reaches the agent's tmux window there.
    const size = (): string => onHost(`tmux -S ~/.council/tty/tmux list-windows -t '=council-${id}' -F '#{window_width}x#{window_height}'`).trim();
    expect(manager.resize(id, 100, 40)).toBe(true);
    await waitUntil(() => size() === '100x40', 'the tmux window resized to 100x40', 30_000).catch((err: Error) => {
      throw new Error(`${err.message}: it is ${size()}`);
    });

    // A follow-up typed from the app (the terminal input path) reaches the agent there.
    expect(await manager.typeFollowUp(id, 'go ahead')).toBe(true);
    await waitUntil(() => output.includes('writes done'), 'the writes', 60_000);
    // The held file: refused at home, untouched there; the other write is there and comes home.
    expect(onHost(`cat ${place}/src/a.ts`)).toBe('export const a = 1;\n');
    expect(output).toContain(`src/a.ts is being edited by session ${local!.id}`);
    expect(onHost(`cat ${place}/src/mine.ts`)).toBe('export const mine = 1;\n');
    await waitUntil(() => existsSync(path.join(s!.worktreePath, 'src/mine.ts')), 'src/mine.ts in the mirror at home', 30_000);
    expect(council(['lock', 'who', 'src/mine.ts', '--json'], { cwd: repo.root, env }).stdout).toContain(id);
    expect((await reviewDiff(c.ws, c.session(id), { kind: 'base' })).files.map((f) => f.path)).toContain('src/mine.ts');

    expect(await manager.typeFollowUp(id, 'first line')).toBe(true);
    await waitUntil(() => typedOnHost(place).includes('first line'), 'the typed line read by the agent there', 30_000);

    // The connection drops (every ssh client of the host at home is killed) while the host takes
    // no new connection: tmux keeps the agent running there; the run is disconnected, and tries
    // again with backoff.
    const sshPid = manager.liveRun(id)!.pid!;
    await server.pause();
    try {
      expect(server.dropClients([controlPath('remote')])).toBeGreaterThan(0);
      await waitUntil(() => manager.liveRun(id)?.state === 'disconnected', `the run disconnected (states: ${states.join(' → ')})`, 60_000);
      await waitUntil(() => (manager.liveRun(id)?.connection?.attempt ?? 0) >= 2, 'a failed attempt while the host is down', 60_000);
      // Through the contract, as the CLI and the UI read the run.
      const seen = councilJson<{ run: AgentRun }>(['session', 'logs', id], { cwd: repo.root, env });
      if (!seen.result.ok) throw new Error(seen.result.error.message);
      expect(seen.result.value.run.state).toBe('disconnected');
      expect(seen.result.value.run.connection).toMatchObject({ host: 'remote', attempt: expect.any(Number) });
      expect(seen.result.value.run.connection!.error).toContain('remote');
      expect(events.some((e) => e.kind === 'message' && e.text.includes('held by tmux') && e.text.includes('reconnecting'))).toBe(true);
      // What is typed meanwhile is not written into the dropped terminal: a follow-up waits in the
      // inbox and is typed once the terminal is back (below).
      expect(manager.write(id, 'lost?\r')).toBe(false);
      const queued = await sendFollowUp(manager, id, 'while away');
      expect(queued.delivered).toBe('queued');
      expect(queued.note).toContain('typed into claude');
      expect(manager.inbox.pending(id).map((m) => m.text)).toEqual(['while away']);
    } finally {
      await server.resume();
    }
    expect(agentProcesses(id)).toContain(agentPid);
    expect(tmuxHas(id)).toBe(true);

    // The host answers again: a new terminal attaches by itself, and what is typed reaches the same agent.
    const seen = output.length;
    await waitUntil(() => manager.liveRun(id)?.state === 'running', `re-attached by itself (states: ${states.join(' → ')})`, 90_000);
    const again = manager.liveRun(id)!;
    expect(again.pid).not.toBe(sshPid);
    expect(again.connection ?? null).toBeNull();
    expect(states.slice(states.indexOf('disconnected'))).toContain('running');
    await expect(manager.reattach(id)).rejects.toThrow(/connected already/);
    // (tmux redraws the screen on attach: the earlier lines are on it.)
    await waitUntil(() => output.slice(seen).includes('echo: first line'), 'the screen redrawn after attaching', 30_000).catch((err: Error) => {
      throw new Error(`${err.message}; after attaching: ${JSON.stringify(output.slice(seen).slice(-1500))}`);
    });
    await waitUntil(() => typedOnHost(place).includes('while away'), 'the follow-up sent while disconnected, typed after re-attaching', 30_000);
    expect(manager.inbox.pending(id)).toEqual([]);
    expect(await manager.typeFollowUp(id, 'after reattach')).toBe(true);
    await waitUntil(() => typedOnHost(place).includes('after reattach'), 'the line typed after re-attaching read by the same agent', 30_000);
    expect(agentProcesses(id)).toContain(agentPid);
    expect(events.some((e) => e.kind === 'message' && e.text.includes('reconnected to remote'))).toBe(true);
    // The re-attached terminal's chunks number on from the first one's (a terminal view skips a number it has seen).
    expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)).toBe(true);

    // Stop: nothing of it left on the host; its work stays there and at home.
    const stopped = (await manager.stop(id)) as AgentRun;
    expect(stopped.state).toBe('stopped');
    expect(agentProcesses(id)).toEqual([]);
    expect(tmuxHas(id)).toBe(false);
    expect(onHost(`cat ${place}/src/mine.ts`)).toBe('export const mine = 1;\n');
    expect(readFileSync(path.join(s!.worktreePath, 'typed.jsonl'), 'utf8')).toContain('after reattach');
    expect(manager.liveRun(id)).toBeNull();
  }, 300_000);

  it('no tmux on the host: the check says an interactive agent there ends with the connection; it runs on the connection and ends with it, nothing left there', async () => {
    // The host under an alias whose PATH has node, git and sh but no tmux.
    const bin = server.remoteDir('bin-notmux');
    for (const program of ['node', 'git', 'git-receive-pack', 'git-upload-pack', 'sh', 'env', 'grep', 'cat', 'readlink', 'uname']) symlinkSync(`/usr/bin/${program}`, path.join(bin, program));
    server.aliasWithPath('remote-notmux', bin);
    const added = councilJson<CommandOutput<'host.add'>>(['host', 'add', 'remote-notmux'], { cwd: repo.root, env });
    if (!added.result.ok) throw new Error(added.result.error.message);
    expect(added.result.value.host.check.tmux).toEqual({ path: null, version: null, ok: false });
    const checked = council(['host', 'check', 'remote-notmux'], { cwd: repo.root, env });
    expect(checked.stdout).toContain('tmux:    tmux is not installed on remote-notmux: an interactive agent there ends when the connection drops (install tmux there');
    const withTmux = councilJson<CommandOutput<'host.check'>>(['host', 'check', 'remote'], { cwd: repo.root, env });
    expect(withTmux.result).toMatchObject({ ok: true, value: { check: { tmux: { path: '/usr/bin/tmux', ok: true } } } });

    const c = Council.open(repo.root);
    await useScript(c, 'claude', [{ claude: 'init', sessionId: 'fake-direct' }, { print: 'ready\n' }, { stampStdin: 'typed.jsonl' }]);
    const manager = new AgentManager(c, { stopGraceMs: 1000 });
    const [s] = await c.createSessions({ task: 'remote direct', agent: 'claude', host: 'remote-notmux' });
    const id = s!.id;
    let output = '';
    manager.attach(id, (_run, chunk) => (output += chunk.data));
    await manager.start(id, { mode: 'interactive' });
    await waitUntil(() => output.includes('ready'), `the agent in the terminal at home (so far: ${JSON.stringify(output.slice(-500))})`, 60_000);
    expect(agentProcesses(id).length).toBeGreaterThan(0);
    expect(tmuxHas(id)).toBe(false);
    expect(await manager.typeFollowUp(id, 'hello there')).toBe(true);
    await waitUntil(() => typedOnHost(s!.host!.path).includes('hello there'), 'the typed line read by the agent there', 30_000);

    // The connection drops: the agent there ends with it, and the run says why.
    process.kill(manager.liveRun(id)!.pid!, 'SIGKILL');
    const ended = (await manager.waitForEnd(id)) as AgentRun;
    expect(ended.state).toBe('failed');
    expect(ended.reason).toContain('without tmux on remote-notmux');
    await waitUntil(() => agentProcesses(id).length === 0, 'no process of the agent left on the host', 15_000);
    // Its work came home.
    expect(readFileSync(path.join(s!.worktreePath, 'typed.jsonl'), 'utf8')).toContain('hello there');

    // Started again and stopped: nothing of it left there either.
    output = '';
    await manager.start(id, { mode: 'interactive' });
    await waitUntil(() => output.includes('ready'), 'the agent started again', 60_000);
    expect(agentProcesses(id).length).toBeGreaterThan(0);
    expect(((await manager.stop(id)) as AgentRun).state).toBe('stopped');
    expect(agentProcesses(id)).toEqual([]);
  }, 300_000);

  it("a user's own REPL agent (custom preset) on the host with tmux, against the scripted model server: its first answer is on the terminal at home, a typed follow-up makes it write there, the write comes home, the held file is flagged; stop leaves nothing", async () => {
    const model = await startModelServer([{ text: 'Ready when you are.' }, { write: { path: 'src/held.ts', content: 'export const held = 3;\n' } }, { write: { path: 'src/repl.ts', content: 'export const repl = 1;\n' } }, { text: 'Done: wrote src/repl.ts.' }]);
    try {
      const c = Council.open(repo.root);
      const [holder] = await c.createSessions({ task: 'holds src/held.ts' });
      await c.locks.acquire('src/held.ts', holder!.id, { cwd: repo.root });
      const repl = path.join(REPO_ROOT, 'tests', 'agents', 'fixtures', 'repl-agent.mjs');
      await c.ws.updateSettings({ customCommand: `${JSON.stringify(process.execPath)} ${JSON.stringify(repl)} {task}`, agents: { custom: { env: { REPL_AGENT_BASE_URL: `${model.url}/v1` } } } });
      const events: AgentEvent[] = [];
      const manager = new AgentManager(c, { stopGraceMs: 1000, listener: { event: (_run, e) => events.push(e) } });
      const [s] = await c.createSessions({ task: 'Say that you are ready.', agent: 'custom', host: 'remote' });
      const id = s!.id;
      let output = '';
      manager.attach(id, (_run, chunk) => (output += chunk.data));
      await manager.start(id, { mode: 'interactive' });
      await waitUntil(() => /Ready when you are\.[\s\S]*repl> /.test(output), 'the first answer and the prompt again, on the terminal at home', 90_000).catch((err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(output.slice(-1500))}`);
      });
      expect(tmuxHas(id)).toBe(true);
      expect(await manager.typeFollowUp(id, 'Now create src/repl.ts (and touch src/held.ts too).')).toBe(true);
      await waitUntil(() => output.includes('Done: wrote src/repl.ts.'), 'the follow-up answered', 90_000);
      expect(onHost(`cat ${s!.host!.path}/src/repl.ts`)).toBe('export const repl = 1;\n');
      await waitUntil(() => existsSync(path.join(s!.worktreePath, 'src/repl.ts')), 'src/repl.ts home', 30_000);
      // No pre-edit hook: the held file's edit is flagged at home (advisory locks, from the mirror).
      await waitUntil(() => events.some((e) => e.kind === 'message' && e.text.includes('edited src/held.ts, which') && e.text.includes('has no pre-edit hook')), 'the held file flagged', 30_000).catch((err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(events)}`);
      });
      expect(model.requests.some((r) => JSON.stringify(r).includes('Now create src/repl.ts'))).toBe(true);
      expect(((await manager.stop(id)) as AgentRun).state).toBe('stopped');
      expect(agentProcesses(id)).toEqual([]);
      expect(tmuxHas(id)).toBe(false);
    } finally {
      await model.close();
    }
  }, 300_000);

  it('tmux on the host, the app closed while the agent ran there (Council.close keeps remote agents): the next home adopts it, disconnected, then attached again by itself; typed text reaches the same agent; stop leaves nothing', async () => {
    const c = Council.open(repo.root);
    await useScript(c, 'claude', [{ claude: 'init', sessionId: 'fake-adopt' }, { print: 'ready\n' }, { stampStdin: 'typed.jsonl' }]);
    const first = new AgentManager(c, { stopGraceMs: 1000 });
    const [s] = await c.createSessions({ task: 'remote adopted', agent: 'claude', host: 'remote' });
    const id = s!.id;
    const place = s!.host!.path;
    let output = '';
    first.attach(id, (_run, chunk) => (output += chunk.data));
    await first.start(id, { mode: 'interactive' });
    await waitUntil(() => output.includes('ready'), 'the agent in the terminal at home', 60_000);
    expect(await first.typeFollowUp(id, 'before close')).toBe(true);
    await waitUntil(() => typedOnHost(place).includes('before close'), 'the typed line read there', 30_000);
    const [agentPid] = agentProcesses(id);
    expect(agentPid).toBeGreaterThan(0);

    // The app closes (as Council.close does): the agent is let go, running on in tmux there.
    await first.stopAll({ keepRemote: true });
    const released = first.store.latest(id)!;
    expect(released).toMatchObject({ state: 'disconnected', hostPid: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(agentProcesses(id)).toContain(agentPid);
    expect(tmuxHas(id)).toBe(true);

    // The next home opens the repository: the run is adopted, not ended.
    const c2 = Council.open(repo.root);
    const states: RunState[] = [];
    const next = new AgentManager(c2, {
      stopGraceMs: 1000,
      listener: {
        run: (r) => {
          if (r.sessionId === id && states[states.length - 1] !== r.state) states.push(r.state);
        },
      },
    });
    let after = '';
    next.attach(id, (_run, chunk) => (after += chunk.data));
    const marked = await next.reconcile();
    expect(marked.map((r) => r.sessionId)).not.toContain(id);
    expect(states[0]).toBe('disconnected');
    await waitUntil(() => next.liveRun(id)?.state === 'running', `attached again by itself (states: ${states.join(' → ')})`, 60_000);
    expect(next.liveRun(id)!.hostPid).toBe(process.pid);
    await waitUntil(() => after.includes('echo: before close'), 'the screen redrawn by tmux', 30_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(after.slice(-1500))}`);
    });
    expect(await next.typeFollowUp(id, 'after adoption')).toBe(true);
    await waitUntil(() => typedOnHost(place).includes('after adoption'), 'the line typed after adoption read by the same agent', 30_000);
    expect(agentProcesses(id)).toContain(agentPid);

    expect(((await next.stop(id)) as AgentRun).state).toBe('stopped');
    expect(agentProcesses(id)).toEqual([]);
    expect(tmuxHas(id)).toBe(false);
  }, 300_000);

  it('tmux on the host, the app closed: a stop from another home (as `council session stop` does) takes the run over and ends the agent there, nothing left', async () => {
    const c = Council.open(repo.root);
    await useScript(c, 'claude', [{ claude: 'init', sessionId: 'fake-released-stop' }, { print: 'ready\n' }, { stampStdin: 'typed.jsonl' }]);
    const first = new AgentManager(c, { stopGraceMs: 1000 });
    const [s] = await c.createSessions({ task: 'remote released then stopped', agent: 'claude', host: 'remote' });
    const id = s!.id;
    let output = '';
    first.attach(id, (_run, chunk) => (output += chunk.data));
    await first.start(id, { mode: 'interactive' });
    await waitUntil(() => output.includes('ready'), 'the agent in the terminal at home', 60_000);
    await first.stopAll({ keepRemote: true });
    expect(first.store.latest(id)).toMatchObject({ state: 'disconnected', hostPid: 0 });
    expect(agentProcesses(id).length).toBeGreaterThan(0);

    const other = new AgentManager(Council.open(repo.root), { stopGraceMs: 1000 });
    const stopped = (await other.stop(id)) as AgentRun;
    expect(stopped.state).toBe('stopped');
    expect(agentProcesses(id)).toEqual([]);
    expect(tmuxHas(id)).toBe(false);
  }, 300_000);
});
