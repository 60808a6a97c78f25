import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { closeControl, controlPath } from '../../electron/core/hosts/control';
import { hostsFile } from '../../electron/core/hosts/store';
import { council, councilJson } from '../helpers/cli';
import type { TestRepo } from '../helpers/repo';
import { AgentManager } from '../../electron/core/agents/manager';
import { Council } from '../../electron/core/council';
import { reviewDiff } from '../../electron/core/sessions/review-diff';
import { claudeWrites, useScript, waitUntil } from '../agents/fake-agents';
import type { AgentEvent, AgentRun } from '../../shared/agents';
import { sshdUnavailable, type SshServer } from '../helpers/sshd';
import { remoteScene, runOnHost } from '../helpers/remote-scene';

/**
 * Issue 17, second slice: sessions on a host, against a real OpenSSH server (tests/helpers/sshd.ts:
 * Debian's sshd on 127.0.0.1, logging in a second local user that stands for the remote machine),
 * through the real `council` CLI as its own process.
 */

const unavailable = sshdUnavailable();
if (unavailable) console.warn(`\n⚠ tests/remote/remote-sessions.test.ts is SKIPPED: ${unavailable}\n`);

describe.skipIf(unavailable !== null)('remote sessions over a real OpenSSH server', () => {
  let server: SshServer;
  let env: Record<string, string>;
  let repo: TestRepo;

  beforeAll(async () => {
    ({ server, env, repo } = await remoteScene());
    // A host that was added and is down now: remote's record under the alias of a port nothing listens on.
    const file = JSON.parse(readFileSync(hostsFile(), 'utf8')) as { version: 1; hosts: { name: string }[] };
    file.hosts.push({ ...file.hosts[0]!, name: 'remote-down' });
    writeFileSync(hostsFile(), JSON.stringify(file));
  }, 120_000);

  afterAll(async () => {
    closeControl('remote');
    await server?.stop();
  });

  const value = <T>(args: string[]): T => {
    const done = councilJson<T>(args, { cwd: repo.root, env });
    if (!done.result.ok) throw new Error(`council ${args.join(' ')} failed (exit ${done.code}): ${done.result.error.message}\n${done.stderr}`);
    return done.result.value;
  };
  /** Runs a command on the host as the remote user (tests only: a command line). */
  const onHost = (command: string): string => runOnHost(server, command);

  it('session create --host makes the worktree on the host, from a clone there, and records where', () => {
    const [session] = value<Session[]>(['session', 'create', '--task', 'remote work', '--host', 'remote']) as [Session];
    expect(session.host).toMatchObject({ name: 'remote' });
    const place = session.host!;
    expect(place.path.startsWith(path.join(server.home, '.council', 'worktrees') + '/')).toBe(true);
    expect(place.repo).toMatch(new RegExp(`^${server.home}/\\.council/repos/demo-[0-9a-f]{12}\\.git$`));
    // On the host, as the remote user: the worktree, on the session's branch at the base commit, owned by that user.
    const base = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo.root, encoding: 'utf8' }).trim();
    expect(onHost(`git -C ${place.path} rev-parse --abbrev-ref HEAD`).trim()).toBe(session.branch);
    expect(onHost(`git -C ${place.path} rev-parse HEAD`).trim()).toBe(base);
    expect(onHost(`cat ${place.path}/src/a.ts`)).toBe('export const a = 1;\n');
    expect(statSync(place.path).uid).toBe(statSync(server.home).uid);
    expect(onHost(`git -C ${place.repo} rev-parse --is-bare-repository`).trim()).toBe('true');
    // At home: the session is listed like any other, its folder a mirror at the base commit.
    expect(existsSync(path.join(session.worktreePath, 'src', 'a.ts'))).toBe(true);
    const listed = value<Session[]>(['session', 'list']);
    expect(listed.map((s) => s.id)).toContain(session.id);
    // One connection per host: its ControlMaster socket is in the user's council folder.
    const socket = controlPath('remote', { ...process.env, ...env });
    expect(statSync(socket).isSocket()).toBe(true);
    expect(socket.length).toBeLessThan(104);
  });

  it('an unknown host, or one that is down: a clear error naming the host and the fix, and no session left', () => {
    const before = value<Session[]>(['session', 'list']).length;
    const unknown = council(['session', 'create', '--task', 'x', '--host', 'nowhere'], { cwd: repo.root, env });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('no host named nowhere is added: add it first with `council host add nowhere`');

    // A host added, then down (remote-down: see beforeAll).
    const down = council(['session', 'create', '--task', 'x', '--host', 'remote-down'], { cwd: repo.root, env });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('remote-down refused the connection');
    expect(down.stderr).toContain('`ssh remote-down true`');
    expect(value<Session[]>(['session', 'list']).length).toBe(before);
    expect(execFileSync('git', ['branch', '--list', 'council/*'], { cwd: repo.root, encoding: 'utf8' }).trim().split('\n')).toHaveLength(before);
  });

  /** Processes of the remote user that are ours: working in, or started from, this server's home (sshd's own aside). */
  function hostProcesses(): string[] {
    const pids = onHost('ps -u council-remote -o pid=').split('\n').map((l) => l.trim()).filter(Boolean);
    const ours: string[] = [];
    for (const pid of pids) {
      let cmd: string;
      let cwd: string;
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        continue; // ended meanwhile
      }
      if (cmd.startsWith('sshd') || cmd.startsWith('ps ')) continue;
      if (cwd.startsWith(server.home) || cmd.includes(server.home)) ours.push(`${pid} ${cmd} (in ${cwd})`);
    }
    return ours;
  }

  const changedAtHome = async (c: Council, id: string): Promise<string[]> => (await reviewDiff(c.ws, c.session(id), { kind: 'base' })).files.map((f) => f.path);

  it('the agent runs on the host: its events are parsed at home, its edit is in diff.get at home', async () => {
    const c = Council.open(repo.root);
    await useScript(c, 'claude', claudeWrites('src/remote.ts', 'export const r = 1;\n'));
    const events: AgentEvent[] = [];
    const manager = new AgentManager(c, { stopGraceMs: 1000, listener: { event: (_run, e) => events.push(e) } });
    const [s] = await c.createSessions({ task: 'remote agent', agent: 'claude', host: 'remote' });
    await manager.start(s!.id, { mode: 'headless' });
    const ended = (await manager.waitForEnd(s!.id)) as AgentRun;
    expect(ended, JSON.stringify(ended)).toMatchObject({ state: 'done', exitCode: 0, filesTouched: ['src/remote.ts'], costUsd: 0.0123, agentSessionId: 'fake-session-1' });
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['started', 'tool', 'file-changed', 'done']));
    // Written on the host, by the remote user, in the session's worktree there.
    const there = path.join(s!.host!.path, 'src', 'remote.ts');
    expect(onHost(`cat ${there}`)).toBe('export const r = 1;\n');
    expect(statSync(there).uid).toBe(statSync(server.home).uid);
    // Seen at home as any session's uncommitted work: diff.get, and the mirror's file.
    const diff = await reviewDiff(c.ws, c.session(s!.id), { kind: 'base' });
    expect(diff.files.map((f) => [f.path, f.kind])).toEqual([['src/remote.ts', 'untracked']]);
    expect(diff.files[0]!.patch).toContain('+export const r = 1;');
    expect(readFileSync(path.join(s!.worktreePath, 'src', 'remote.ts'), 'utf8')).toBe('export const r = 1;\n');
    expect(hostProcesses()).toEqual([]);
  }, 120_000);

  it('an edit on the host shows in diff.get at home while the agent runs; stop leaves no process on the host', async () => {
    const c = Council.open(repo.root);
    const script = [
      { claude: 'init', sessionId: 'fake-long' },
      { spawnChild: { pidFile: '.grandchild.pid' } },
      { sleep: 300 },
      { write: { path: 'src/live.ts', content: 'export const live = 1;\n' } },
      { sleep: 120_000 },
    ];
    await useScript(c, 'claude', script);
    const manager = new AgentManager(c, { stopGraceMs: 1000 });
    const [s] = await c.createSessions({ task: 'remote long', agent: 'claude', host: 'remote' });
    await manager.start(s!.id, { mode: 'headless' });
    const deadline = Date.now() + 60_000;
    while (!(await changedAtHome(c, s!.id)).includes('src/live.ts')) {
      if (Date.now() > deadline) throw new Error(`src/live.ts never showed at home; host processes: ${hostProcesses().join('; ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(readFileSync(path.join(s!.worktreePath, 'src', 'live.ts'), 'utf8')).toBe('export const live = 1;\n');
    // The agent, its grandchild (in a session of its own) and the runtime are there now.
    const running = hostProcesses();
    expect(running.some((p) => p.includes('fake-agent.mjs')), running.join('\n')).toBe(true);
    expect(running.length).toBeGreaterThanOrEqual(3);
    const stopped = (await manager.stop(s!.id)) as AgentRun;
    expect(stopped.state).toBe('stopped');
    await waitUntil(() => hostProcesses().length === 0, `no process of ours on the host (left: ${hostProcesses().join('; ')})`, 15_000);
    expect(manager.liveRun(s!.id)).toBeNull();
  }, 120_000);

  it("remove fetches the host's work home first (archive ref), then removes the worktree there; a host that cannot be reached: refused, nothing removed", async () => {
    const c = Council.open(repo.root);
    const commit = ['git', '-c', 'user.name=Remote', '-c', 'user.email=remote@council.invalid'];
    await useScript(c, 'claude', [
      { claude: 'init', sessionId: 'fake-commit' },
      { write: { path: 'src/committed.ts', content: 'export const c = 1;\n' } },
      { run: [...commit, 'add', 'src/committed.ts'] },
      { run: [...commit, 'commit', '-q', '-m', 'remote commit'] },
      { claude: 'write', path: 'src/loose.ts', content: 'export const loose = 1;\n' },
      { claude: 'result', text: 'done' },
    ]);
    const manager = new AgentManager(c, { stopGraceMs: 1000 });
    const [s] = await c.createSessions({ task: 'remote to remove', agent: 'claude', host: 'remote' });
    await manager.start(s!.id, { mode: 'headless' });
    expect(((await manager.waitForEnd(s!.id)) as AgentRun).state).toBe('done');
    const place = s!.host!;
    const hostTip = onHost(`git -C ${place.path} rev-parse HEAD`).trim();
    // At home: the host's commit is the branch's, its loose file uncommitted work.
    expect(execFileSync('git', ['rev-parse', s!.branch], { cwd: repo.root, encoding: 'utf8' }).trim()).toBe(hostTip);
    expect(await changedAtHome(c, s!.id)).toEqual(['src/committed.ts', 'src/loose.ts']);

    // The host gets one more edit after the run (by hand there): removal fetches it first.
    onHost(`printf 'late\\n' > ${place.path}/late.txt`);
    const refused = c.removeSession(s!.id);
    await expect(refused).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('1 unmerged commit and uncommitted changes in 2 files') });
    expect(onHost(`test -d ${place.path} && echo there`).trim()).toBe('there');

    // A host that cannot be reached: refused with its name, the session and its worktree there kept.
    await c.ws.registry.update((file) => ({ next: { ...file, sessions: { ...file.sessions, [s!.id]: { ...file.sessions[s!.id]!, host: { ...place, name: 'remote-down' } } } }, result: undefined }));
    await expect(c.removeSession(s!.id, { force: true })).rejects.toMatchObject({
      code: 'command-failed',
      message: expect.stringMatching(/^session [0-9a-f]+'s work is on remote-down, and it could not be fetched from there: nothing was removed .*remote-down refused the connection.*`ssh remote-down true`/),
    });
    expect(c.session(s!.id)).toMatchObject({ state: 'ready', host: { name: 'remote-down' } });
    expect(existsSync(s!.worktreePath)).toBe(true);
    await c.ws.registry.update((file) => ({ next: { ...file, sessions: { ...file.sessions, [s!.id]: { ...file.sessions[s!.id]!, host: place } } }, result: undefined }));

    const removed = await c.removeSession(s!.id, { force: true });
    expect(removed.archivedAs).toMatch(/^refs\/council\/archive\//);
    // The archive holds the host's commit and everything uncommitted there, the late edit included.
    const show = (file: string) => execFileSync('git', ['show', `${removed.archivedAs}:${file}`], { cwd: repo.root, encoding: 'utf8' });
    expect(show('src/committed.ts')).toBe('export const c = 1;\n');
    expect(show('src/loose.ts')).toBe('export const loose = 1;\n');
    expect(show('late.txt')).toBe('late\n');
    expect(execFileSync('git', ['rev-parse', `${removed.archivedAs}^1`], { cwd: repo.root, encoding: 'utf8' }).trim()).toBe(hostTip);
    // On the host: worktree, branch and snapshot ref gone; at home: the session and its folder.
    expect(onHost(`test -e ${place.path} || echo gone`).trim()).toBe('gone');
    expect(onHost(`git -C ${place.repo} for-each-ref --format='%(refname)' refs/heads/${s!.branch} refs/council/snapshot/${s!.id}`).trim()).toBe('');
    expect(existsSync(s!.worktreePath)).toBe(false);
    expect(c.ws.registry.find(s!.id)).toBeUndefined();
    expect(hostProcesses()).toEqual([]);
  }, 120_000);

  it('council session create --host --agent --headless: the background run is on the host, its edit in diff.get at home', async () => {
    const c = Council.open(repo.root);
    await useScript(c, 'claude', claudeWrites('src/cli.ts', 'export const cli = 1;\n'));
    const made = council(['--json', 'session', 'create', '--task', 'remote from the cli', '--host', 'remote', '--agent', 'claude', '--headless'], { cwd: repo.root, env });
    expect(made.code, made.stderr).toBe(0);
    const id = (JSON.parse(made.stdout) as { value: { sessions: Session[] } }).value.sessions[0]!.id;
    const reader = new AgentManager(c);
    await waitUntil(() => reader.runs(id)[0]?.state === 'done' || reader.runs(id)[0]?.state === 'failed', 'the background run to end', 60_000);
    expect(reader.runs(id)[0]).toMatchObject({ state: 'done', filesTouched: ['src/cli.ts'] });
    expect(onHost(`cat ${c.session(id).host!.path}/src/cli.ts`)).toBe('export const cli = 1;\n');
    expect(await changedAtHome(c, id)).toEqual(['src/cli.ts']);
    await waitUntil(() => hostProcesses().length === 0, 'no process of ours on the host', 15_000);
  }, 120_000);

  it('merge --wait from home: the uncommitted work is committed on the host, fetched, and merged into the base through the queue', () => {
    const [s] = value<Session[]>(['session', 'create', '--task', 'remote merge', '--host', 'remote']) as [Session];
    const place = s.host!;
    onHost(`mkdir -p ${place.path}/docs && printf 'from the host\\n' > ${place.path}/docs/host.md`);
    const merged = council(['merge', s.id, '--wait', '--no-gate'], { cwd: repo.root, env });
    expect(merged.code, merged.stderr).toBe(0);
    // Committed there (with the home's identity), and that commit is in main at home.
    const hostHead = onHost(`git -C ${place.path} rev-parse HEAD`).trim();
    expect(onHost(`git -C ${place.path} log -1 --format=%an%n%s`).trim()).toBe('Council Test\nremote merge');
    expect(onHost(`git -C ${place.path} status --porcelain`).trim()).toBe('');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo.root, encoding: 'utf8' }).trim();
    expect(git('show', 'main:docs/host.md')).toBe('from the host');
    expect(() => git('merge-base', '--is-ancestor', hostHead, 'main')).not.toThrow();
    expect(git('rev-parse', s.branch)).toBe(hostHead);
  }, 120_000);
});
