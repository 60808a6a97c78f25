import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { council, REPO_ROOT } from '../helpers/cli';
import type { TestRepo } from '../helpers/repo';
import { AgentManager } from '../../electron/core/agents/manager';
import { Council } from '../../electron/core/council';
import { useScript, waitUntil } from '../agents/fake-agents';
import type { AgentEvent, AgentRun } from '../../shared/agents';
import { sshdUnavailable, type SshServer } from '../helpers/sshd';
import { useRemoteScene, runOnHost } from '../helpers/remote-scene';

/**
 * Issue 17, item 3: one authority for locks and context. A remote session's agent runs its hooks on
 * the host (the fake agent runs the PreToolUse/PostToolUse commands of its --settings through sh, as
 * Claude Code does); they reach the home through the socket the run's ssh forwards (`ssh -R`), and
 * the home decides against its own repository. Real OpenSSH server (tests/helpers/sshd.ts), real
 * runtime on the host, real `council` CLI at home for the local side.
 */

const unavailable = sshdUnavailable();
if (unavailable) console.warn(`\n⚠ tests/remote/remote-authority.test.ts is SKIPPED: ${unavailable}\n`);

describe.skipIf(unavailable !== null)('remote hooks ask the home (one authority)', () => {
  let server: SshServer;
  let env: Record<string, string>;
  let repo: TestRepo;

  useRemoteScene((scene) => ({ server, env, repo } = scene));

  const onHost = (command: string): string => runOnHost(server, command);
  const runtimeDir = (): string => onHost('ls -d ~/.council/runtime/*/').trim().split('\n')[0]!.replace(/\/$/, '');
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

  /**
   * Runs the lock hook on the host as an agent's hook runs it: the runtime there, the payload on
   * stdin. Asynchronously: the home answering it is this test's process.
   */
  function hookOnHost(vars: Record<string, string>, payload: unknown, cwd: string, kind = 'pre-tool'): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const assignments = Object.entries(vars).map(([k, v]) => `${k}=${q(v)}`).join(' ');
    const line = `cd ${q(cwd)} && printf '%s' ${q(JSON.stringify(payload))} | ${assignments} node ${q(`${runtimeDir()}/launch.cjs`)} hook ${kind} --agent claude`;
    return new Promise((resolve, reject) => {
      const child = spawn('ssh', ['-F', server.config, '-o', 'BatchMode=yes', 'remote', line], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  }

  it("a lock held at home refuses the remote agent's write; a write it is allowed locks the file at home, which then refuses a local claim", async () => {
    const c = Council.open(repo.root);
    const [local] = await c.createSessions({ task: 'local holder' });
    // The local session holds src/a.ts, through the real CLI.
    const held = council(['lock', 'acquire', 'src/a.ts', '--session', local!.id], { cwd: repo.root, env });
    expect(held.code, held.stderr).toBe(0);

    await useScript(c, 'claude', [
      { claude: 'init', sessionId: 'fake-auth' },
      { argvTo: `${server.home}/argv.jsonl` },
      { claude: 'write', path: 'src/a.ts', content: 'export const a = 2;\n', hooks: true },
      { claude: 'write', path: 'src/mine.ts', content: 'export const mine = 1;\n', hooks: true },
      { claude: 'result', text: 'done' },
    ]);
    const events: AgentEvent[] = [];
    const manager = new AgentManager(c, { stopGraceMs: 1000, listener: { event: (_run, e) => events.push(e) } });
    const [remote] = await c.createSessions({ task: 'remote writer', agent: 'claude', host: 'remote' });
    await manager.start(remote!.id, { mode: 'headless' });
    const ended = (await manager.waitForEnd(remote!.id)) as AgentRun;
    expect(ended.state, JSON.stringify(ended)).toBe('done');
    // Refused on the host: the file there is untouched, the run counted the denial.
    expect(onHost(`cat ${remote!.host!.path}/src/a.ts`)).toBe('export const a = 1;\n');
    expect(ended.denials).toBe(1);
    // The reason the model got is the home's: who holds the file.
    expect(JSON.stringify(events)).toContain(`src/a.ts is being edited by session ${local!.id}`);
    // The hooks the agent was given start the host's runtime, not a path of the home's.
    const argv = JSON.parse(onHost(`cat ${server.home}/argv.jsonl`)) as string[];
    const settings = JSON.parse(argv[argv.indexOf('--settings') + 1]!) as { hooks: Record<string, { hooks: { command: string }[] }[]> };
    const preTool = settings.hooks.PreToolUse![0]!.hooks[0]!.command;
    expect(preTool).toContain(`${server.home}/.council/runtime/`);
    expect(preTool).toContain("'hook' 'pre-tool' '--agent' 'claude' || exit 2");
    expect(JSON.stringify(settings)).not.toContain(REPO_ROOT);
    // council's MCP server there is the host's runtime too (a relay to the home's, tests/remote/remote-context.test.ts).
    expect(JSON.parse(argv[argv.indexOf('--mcp-config') + 1]!).mcpServers.council.args[0]).toContain(`${server.home}/.council/runtime/`);
    expect(ended.filesTouched).toEqual(['src/mine.ts']);

    // The other write went through and its lock is the remote session's, at home.
    expect(onHost(`cat ${remote!.host!.path}/src/mine.ts`)).toBe('export const mine = 1;\n');
    const who = council(['lock', 'who', 'src/mine.ts', '--json'], { cwd: repo.root, env });
    expect(who.stdout).toContain(remote!.id);
    // The reverse: a local claim of that file is refused, naming the remote session.
    const claim = council(['lock', 'acquire', 'src/mine.ts', '--session', local!.id], { cwd: repo.root, env });
    expect(claim.code).not.toBe(0);
    expect(`${claim.stdout}${claim.stderr}`).toContain(remote!.id);
    // The home's context shows it working on src/mine.ts (the status hook's own route is proven below).
    expect(c.context.get(remote!.id)).toMatchObject({ currentFile: 'src/mine.ts' });
  }, 180_000);

  it('home unreachable: the hook on the host refuses (no socket; a socket nobody serves; a request for another session; after the run stopped); a status hook reaches the home context', async () => {
    const c = Council.open(repo.root);
    const [s] = await c.createSessions({ task: 'remote unreachable', host: 'remote' });
    const payload = { session_id: 'x', cwd: s!.host!.path, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: `${s!.host!.path}/src/b.ts`, content: 'x' } };

    // No socket there (the run's ssh is gone, or -R never came up).
    const gone = await hookOnHost({ COUNCIL_AUTHORITY: `${server.home}/.council/a-missing`, COUNCIL_SESSION_ID: s!.id }, payload, s!.host!.path);
    expect(gone.status).toBe(2);
    expect(gone.stderr).toContain("council's home cannot be reached over the SSH connection");
    expect(JSON.parse(gone.stdout)).toMatchObject({ decision: 'block' });

    // A socket file nobody listens on (a stale forward): refused.
    const stale = `${server.home}/.council/a-stale`;
    // (a server that exits without closing leaves its socket file behind)
    onHost(`node -e ${q(`require('net').createServer().listen(${JSON.stringify(stale)}, () => process.exit(0))`)} && test -S ${stale}`);
    const refused = await hookOnHost({ COUNCIL_AUTHORITY: stale, COUNCIL_SESSION_ID: s!.id }, payload, s!.host!.path);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('home refused the connection');

    // Live forward of a running remote agent, asked for another session: refused by home.
    await useScript(c, 'claude', [{ claude: 'init', sessionId: 'fake-wait' }, { sleep: 120_000 }]);
    const manager = new AgentManager(c, { stopGraceMs: 1000 });
    const [r] = await c.createSessions({ task: 'remote waiting', agent: 'claude', host: 'remote' });
    await manager.start(r!.id, { mode: 'headless' });
    const sockets = (): string[] => onHost('ls ~/.council/ | grep "^a-[0-9a-f]*$" || true').trim().split('\n').filter(Boolean);
    await waitUntil(() => sockets().length === 1, 'the forwarded socket on the host', 30_000);
    const live = `${server.home}/.council/${sockets()[0]}`;
    const other = await hookOnHost({ COUNCIL_AUTHORITY: live, COUNCIL_SESSION_ID: s!.id }, payload, s!.host!.path);
    expect(other.status).toBe(2);
    expect(other.stderr).toContain(`this connection serves session ${r!.id} only`);
    // Its own session: allowed (nobody holds src/b.ts), and locked for it at home.
    const own = await hookOnHost({ COUNCIL_AUTHORITY: live, COUNCIL_SESSION_ID: r!.id }, { ...payload, cwd: r!.host!.path, tool_input: { file_path: `${r!.host!.path}/src/b.ts`, content: 'x' } }, r!.host!.path);
    expect(own.status, own.stderr).toBe(0);
    expect(council(['lock', 'who', 'src/b.ts', '--json'], { cwd: repo.root, env }).stdout).toContain(r!.id);
    // A status hook on the host (a question to the user) reaches the home's context.
    const notify = await hookOnHost({ COUNCIL_AUTHORITY: live, COUNCIL_SESSION_ID: r!.id }, { session_id: 'x', cwd: r!.host!.path, hook_event_name: 'Notification', message: 'a question from the host' }, r!.host!.path, 'notify');
    expect(notify.status, notify.stderr).toBe(0);
    expect(c.context.get(r!.id)).toMatchObject({ status: 'needs-input', message: 'a question from the host' });
    // The run stops: its forward goes with it, and the same hook then fails closed.
    await manager.stop(r!.id);
    await waitUntil(() => sockets().length === 0, 'the forwarded socket removed on the host', 15_000);
    const after = await hookOnHost({ COUNCIL_AUTHORITY: live, COUNCIL_SESSION_ID: r!.id }, { ...payload, cwd: r!.host!.path, tool_input: { file_path: `${r!.host!.path}/src/c.ts`, content: 'x' } }, r!.host!.path);
    expect(after.status).toBe(2);
    expect(after.stderr).toContain("council's home cannot be reached");
  }, 180_000);

  it("the lock hook's self-test runs on the host before the agent: a runtime there that cannot start the hook refuses the start, nothing runs", async () => {
    const c = Council.open(repo.root);
    await useScript(c, 'claude', [{ claude: 'init', sessionId: 'fake-never' }, { write: { path: 'src/never.ts', content: 'x' } }]);
    const manager = new AgentManager(c, { stopGraceMs: 1000 });
    const [s] = await c.createSessions({ task: 'remote broken hook', agent: 'claude', host: 'remote' });
    const launch = `${runtimeDir()}/launch.cjs`;
    onHost(`mv ${q(launch)} ${q(`${launch}.away`)}`);
    try {
      await expect(manager.start(s!.id, { mode: 'headless' })).rejects.toThrow(/Claude Code \(preset claude\) on remote was not started: its lock hook does not work/);
    } finally {
      onHost(`mv ${q(`${launch}.away`)} ${q(launch)}`);
    }
    expect(onHost(`test -e ${q(`${s!.host!.path}/src/never.ts`)} && echo there || echo absent`).trim()).toBe('absent');
    // No forward left behind on the host, no socket at home serving it.
    expect(onHost('ls ~/.council/ | grep "^a-[0-9a-f]*$" || true').trim()).toBe('');
  }, 120_000);
});
