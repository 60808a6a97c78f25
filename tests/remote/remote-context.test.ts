import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveAuthority } from '../../electron/core/hosts/authority';
import { council } from '../helpers/cli';
import type { TestRepo } from '../helpers/repo';
import { AgentManager } from '../../electron/core/agents/manager';
import { Council } from '../../electron/core/council';
import { useScript, waitUntil } from '../agents/fake-agents';
import type { AgentRun } from '../../shared/agents';
import { sshdUnavailable, type SshServer } from '../helpers/sshd';
import { useRemoteScene, runOnHost } from '../helpers/remote-scene';

/**
 * Issue 17, item 3: the rest of the council's powers for an agent on a host, answered by home
 * through the socket the run's ssh forwards. The fake agent runs on the host as Claude Code would:
 * the digest hooks of its --settings (SessionStart), and council's MCP server of its --mcp-config,
 * which there is a relay to the home's `council mcp` for the session. Real OpenSSH server, real
 * runtime on the host, real `council` CLI at home for the supervisor's side.
 */

const unavailable = sshdUnavailable();
if (unavailable) console.warn(`\n⚠ tests/remote/remote-context.test.ts is SKIPPED: ${unavailable}\n`);

interface ToolRecord {
  tool: string;
  result?: { content: { type: string; text: string }[]; isError?: boolean };
  error?: string;
}

describe.skipIf(unavailable !== null)("a remote agent's context, MCP tools and messages come from home", () => {
  let server: SshServer;
  let env: Record<string, string>;
  let repo: TestRepo;

  useRemoteScene((scene) => ({ server, env, repo } = scene));

  const onHost = (command: string): string => runOnHost(server, command);
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const runtimeDir = (): string => onHost('ls -d ~/.council/runtime/*/').trim().split('\n')[0]!.replace(/\/$/, '');
  const lines = <T>(text: string): T[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);

  /** Runs `node launch.cjs <args>` of the host's runtime there, stdin given; asynchronously (home may be this process). */
  function onHostAsync(vars: Record<string, string>, args: string, stdin: string, cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const assignments = Object.entries(vars).map(([k, v]) => `${k}=${q(v)}`).join(' ');
    const line = `cd ${q(cwd)} && printf '%s' ${q(stdin)} | ${assignments} node ${q(`${runtimeDir()}/launch.cjs`)} ${args}`;
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

  it("the digest printed on the host names home's peers; MCP tools called there answer with home's sessions and locks; a supervisor's message reaches the agent", async () => {
    const c = Council.open(repo.root);
    const [local] = await c.createSessions({ task: 'local holder of the parser' });
    const held = council(['lock', 'acquire', 'src/a.ts', '--session', local!.id], { cwd: repo.root, env });
    expect(held.code, held.stderr).toBe(0);

    await useScript(c, 'claude', [
      { claude: 'init', sessionId: 'fake-context' },
      { argvTo: 'argv.jsonl' },
      { claude: 'hook', event: 'SessionStart', to: 'digest.jsonl', payload: { source: 'startup' } },
      { claude: 'mcp', tool: 'peers', to: 'mcp.jsonl' },
      { claude: 'mcp', tool: 'who_owns', arguments: { path: 'src/a.ts' }, to: 'mcp.jsonl' },
      { print: 'waiting for the cue\n' },
      { waitFor: 'cue' },
      { claude: 'mcp', tool: 'read_inbox', to: 'mcp.jsonl' },
      { claude: 'result', text: 'done' },
    ]);
    const manager = new AgentManager(c, { stopGraceMs: 1000 });
    const [remote] = await c.createSessions({ task: 'remote reader', agent: 'claude', host: 'remote' });
    const wt = remote!.host!.path;
    await manager.start(remote!.id, { mode: 'headless' });
    await waitUntil(() => manager.store.logSize(manager.store.latest(remote!.id)!) > 0 && onHost(`cat ${q(`${wt}/mcp.jsonl`)} 2>/dev/null || true`).trim().split('\n').length >= 2, 'the agent on the host called two tools', 90_000);

    // The supervisor sends a message from the CLI (another process) while the agent runs on the host.
    const sent = council(['send', remote!.id, '-m', 'please leave src/a.ts alone, use src/b.ts'], { cwd: repo.root, env });
    expect(sent.code, sent.stderr).toBe(0);
    onHost(`touch ${q(`${wt}/cue`)}`);
    const ended = (await manager.waitForEnd(remote!.id)) as AgentRun;
    expect(ended.state, JSON.stringify(ended)).toBe('done');

    // The digest hook ran on the host (the host's runtime) and printed home's digest: its peers.
    const digests = lines<{ command: string; status: number; stdout: string }>(onHost(`cat ${q(`${wt}/digest.jsonl`)}`));
    expect(digests).toHaveLength(1);
    expect(digests[0]!.command).toContain(`${server.home}/.council/runtime/`);
    expect(digests[0]!.status).toBe(0);
    const told = JSON.parse(digests[0]!.stdout) as { hookSpecificOutput: { hookEventName: string; additionalContext: string } };
    expect(told.hookSpecificOutput.hookEventName).toBe('SessionStart');
    expect(told.hookSpecificOutput.additionalContext).toContain(local!.id);
    expect(told.hookSpecificOutput.additionalContext).toContain('local holder of the parser');

    // council's MCP server was given to the agent there, as the host's runtime (not a home path).
    const argv = JSON.parse(onHost(`cat ${q(`${wt}/argv.jsonl`)}`)) as string[];
    const mcpConfig = JSON.parse(argv[argv.indexOf('--mcp-config') + 1]!) as { mcpServers: { council: { command: string; args: string[]; env: Record<string, string> } } };
    expect(mcpConfig.mcpServers.council.args[0]).toContain(`${server.home}/.council/runtime/`);
    expect(mcpConfig.mcpServers.council.env.COUNCIL_AUTHORITY).toMatch(new RegExp(`^${server.home}/\\.council/a-[0-9a-f]+$`));

    const calls = lines<ToolRecord>(onHost(`cat ${q(`${wt}/mcp.jsonl`)}`));
    expect(calls.map((r) => r.tool)).toEqual(['peers', 'who_owns', 'read_inbox']);
    for (const r of calls) expect(r.result?.isError ?? false, JSON.stringify(r)).toBe(false);
    const [peers, who, inbox] = calls.map((r) => r.result!.content[0]!.text);
    // home's sessions: this one is itself, the local one its peer.
    expect(peers).toContain(`You are session ${remote!.id}.`);
    expect(peers).toContain(local!.id);
    expect(peers).toContain('local holder of the parser');
    // home's locks.
    expect(who).toContain(`src/a.ts is locked by session ${local!.id}`);
    // the supervisor's message, read by the agent on the host at its next tool call.
    expect(inbox).toContain('please leave src/a.ts alone, use src/b.ts');
  }, 240_000);

  it('a conflict the radar at home predicts with the remote agent reaches it mid-turn on the host (the notice hook, answered by home)', async () => {
    const c = Council.open(repo.root);
    // A local peer that changed README.md (a file no other test here locks), at work on it.
    const [peer] = await c.createSessions({ task: 'add auth', agent: 'codex' });
    writeFileSync(path.join(peer!.worktreePath, 'README.md'), '# auth\n');
    await c.context.update(peer!.id, { status: 'working', currentFile: 'README.md' }, { cwd: repo.root });
    await useScript(c, 'claude', [
      { claude: 'init', sessionId: 'fake-notice' },
      { claude: 'write', path: 'README.md', content: '# mine\n', hooks: true },
      // (its hooks have run: the notice after the write, before the radar knew)
      { write: { path: 'wrote', content: '' } },
      { waitFor: 'cue' },
      { claude: 'hook', event: 'PostToolUse', to: 'after-tool.jsonl', payload: { tool_name: 'Bash', tool_input: { command: 'echo next' } } },
      { claude: 'result', text: 'done' },
    ]);
    // (the hooks say why they print nothing, on stderr)
    await c.ws.updateSettings({ agents: { ...c.ws.settings().agents, claude: { ...c.ws.settings().agents.claude, env: { ...c.ws.settings().agents.claude?.env, COUNCIL_HOOK_DEBUG: '1' } } } });
    const manager = new AgentManager(c, { stopGraceMs: 1000 });
    const [remote] = await c.createSessions({ task: 'change a remotely', agent: 'claude', host: 'remote' });
    await manager.start(remote!.id, { mode: 'headless' });
    await waitUntil(() => onHost(`test -e ${q(`${remote!.host!.path}/wrote`)} && echo yes || true`).trim() === 'yes', "the write's hooks done on the host", 60_000);
    // The host's edit is home (its snapshot in the mirror); the radar at home then predicts the conflict.
    await waitUntil(() => readFileSync(path.join(remote!.worktreePath, 'README.md'), 'utf8').includes('mine'), "the host's edit at home", 60_000).catch((err: Error) => {
      const run = manager.store.latest(remote!.id);
      throw new Error(`${err.message}: on the host ${JSON.stringify(onHost(`cat ${q(`${remote!.host!.path}/README.md`)}`))}, locks ${JSON.stringify(c.locks.list())}, run ${JSON.stringify(run)}, log ${run ? readFileSync(manager.store.logFile(run), 'utf8').slice(-1500) : ''}`);
    });
    // (the radar reads the mirror's refs, which move once its files are laid: computed until it sees it)
    const radar = await c.radar();
    const predicted = async (): Promise<boolean> => (await radar.compute()).pairs.some((p) => p.conflicts.some((f) => f.path === 'README.md' && f.kind === 'content'));
    const until = Date.now() + 60_000;
    while (!(await predicted())) {
      if (Date.now() > until) throw new Error('the radar at home never predicted the README.md conflict');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    onHost(`touch ${q(`${remote!.host!.path}/cue`)}`);
    const ended = (await manager.waitForEnd(remote!.id)) as AgentRun;
    expect(ended.state, JSON.stringify(ended)).toBe('done');
    const ran = lines<{ command: string; status: number; stdout: string; stderr: string }>(onHost(`cat ${q(`${remote!.host!.path}/after-tool.jsonl`)}`));
    const notice = ran.find((r) => r.command.includes("'hook' 'notice'"));
    expect(notice, JSON.stringify(ran)).toBeDefined();
    expect(notice!.status).toBe(0);
    expect(notice!.stdout, notice!.stderr).not.toBe('');
    const told = (JSON.parse(notice!.stdout) as { hookSpecificOutput: { hookEventName: string; additionalContext: string } }).hookSpecificOutput;
    expect(told.hookEventName).toBe('PostToolUse');
    expect(told.additionalContext).toContain('[council] NEW predicted conflict');
    expect(told.additionalContext).toContain(`session ${peer!.id} (codex, working on README.md), whose task is "add auth": it changes README.md too (content conflict predicted with your changes)`);
  }, 180_000);

  it("a shell command on the host that changed a file a home session holds is undone on the host, and the agent told why", async () => {
    const c = Council.open(repo.root);
    const [local] = await c.createSessions({ task: 'local owner of b' });
    const held = council(['lock', 'acquire', 'src/b.ts', '--session', local!.id], { cwd: repo.root, env });
    expect(held.code, held.stderr).toBe(0);
    // A write no reading of the command's text finds (node -e): the pre-tool hook lets it run.
    const sneaky = `node -e "require('fs').writeFileSync('src/b.ts', 'overwritten\\n')"`;
    await useScript(c, 'claude', [{ claude: 'init', sessionId: 'fake-guard' }, { claude: 'bash', command: sneaky, hooks: true, to: 'bash.jsonl' }, { waitFor: 'cue' }, { claude: 'result', text: 'done' }]);
    const manager = new AgentManager(c, { stopGraceMs: 1000 });
    const [remote] = await c.createSessions({ task: 'remote shell', agent: 'claude', host: 'remote' });
    await manager.start(remote!.id, { mode: 'headless' });
    // Home shows the remote session blocked on it (until its run ends).
    await waitUntil(() => c.context.get(remote!.id)?.status === 'blocked', 'the remote session blocked at home', 60_000);
    expect(c.context.get(remote!.id), JSON.stringify(c.context.get(remote!.id))).toMatchObject({ status: 'blocked', blockedOn: 'src/b.ts' });
    onHost(`touch ${q(`${remote!.host!.path}/cue`)}`);
    const ended = (await manager.waitForEnd(remote!.id)) as AgentRun;
    expect(ended.state, JSON.stringify(ended)).toBe('done');
    // Put back on the host, where the command ran.
    expect(onHost(`cat ${q(`${remote!.host!.path}/src/b.ts`)}`)).toBe('export const b = 2;\n');
    // The agent was told (its tool's result), naming the holder as home knows it.
    const told = lines<{ result: string; isError: boolean }>(onHost(`cat ${q(`${remote!.host!.path}/bash.jsonl`)}`));
    expect(told).toHaveLength(1);
    expect(told[0]!.isError).toBe(true);
    expect(told[0]!.result).toContain(`council undid part of that command: src/b.ts is being edited by session ${local!.id} (local owner of b) (its content was put back)`);
    // The copies were kept on the host (and removed), none at home.
    expect(existsSync(path.join(c.ws.paths.agents, remote!.id, 'shell-guard'))).toBe(false);
    expect(onHost(`ls -A ~/.council/guard/${remote!.id}/`).trim()).toBe('');
  }, 180_000);

  it("a supervisor's message the agent did not read while it ran resumes its conversation on the host once it ends", async () => {
    const c = Council.open(repo.root);
    await useScript(c, 'claude', [{ claude: 'init', sessionId: 'fake-resume' }, { argvTo: 'runs.jsonl' }, { waitFor: 'cue' }, { claude: 'result', text: 'done' }]);
    const manager = new AgentManager(c, { stopGraceMs: 1000 });
    const [remote] = await c.createSessions({ task: 'remote resumed', agent: 'claude', host: 'remote' });
    const wt = remote!.host!.path;
    const first = await manager.start(remote!.id, { mode: 'headless' });
    await waitUntil(() => onHost(`cat ${q(`${wt}/runs.jsonl`)} 2>/dev/null || true`).trim() !== '', 'the agent started on the host', 60_000);
    const sent = council(['send', remote!.id, '-m', 'also write the changelog', '--json'], { cwd: repo.root, env });
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toContain('queued');
    onHost(`touch ${q(`${wt}/cue`)}`);
    await waitUntil(() => manager.store.latest(remote!.id)?.id !== first.id, 'a second run', 60_000);
    const second = (await manager.waitForEnd(remote!.id)) as AgentRun;
    expect(second).toMatchObject({ state: 'done', task: 'also write the changelog' });
    // It ran on the host, continuing the conversation the first run reported.
    const runs = lines<string[]>(onHost(`cat ${q(`${wt}/runs.jsonl`)}`));
    expect(runs).toHaveLength(2);
    expect(runs[0]!.some((a) => a.startsWith('--resume'))).toBe(false);
    expect(runs[1]).toContain('--resume=fake-resume');
    expect(manager.inbox.list(remote!.id).map((m) => m.state)).toEqual(['resumed']);
  }, 180_000);

  it("council's MCP relay answers 'home cannot be reached' while the forward is gone, and works again on the next call once it is back (a new server at home, initialized as the agent did)", async () => {
    const c = Council.open(repo.root);
    const [s] = await c.createSessions({ task: 'relay across a drop', host: 'remote' });
    // The relay as the agent's CLI starts it, here (what it reaches is all that matters): its socket a
    // link, pointed at one authority, then none, then a new one — as a forward re-established would be.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'council-relay-'));
    const link = path.join(dir, 'a-link');
    const first = await serveAuthority(c, s!);
    symlinkSync(first.socket, link);
    const relay = spawn(process.execPath, [env.COUNCIL_CLI!, 'mcp', '--session', s!.id], { env: { ...process.env, COUNCIL_AUTHORITY: link }, stdio: ['pipe', 'pipe', 'pipe'] });
    const answers = new Map<number, { result?: { isError?: boolean; content: { text: string }[] }; error?: { message: string } }>();
    let buffer = '';
    relay.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const m = JSON.parse(buffer.slice(0, nl)) as { id: number };
        buffer = buffer.slice(nl + 1);
        answers.set(m.id, m as never);
      }
    });
    const ask = async (id: number, method: string, params: unknown) => {
      relay.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
      await waitUntil(() => answers.has(id), `answer ${id}`, 30_000);
      return answers.get(id)!;
    };
    const whoOwns = (id: number) => ask(id, 'tools/call', { name: 'who_owns', arguments: { path: 'src/relay.ts' } });
    try {
      expect((await ask(1, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '0' } })).result).toBeDefined();
      relay.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
      expect((await whoOwns(2)).result!.content[0]!.text).toBe('Nobody holds src/relay.ts: it is free.');
      // The forward goes: the call in flight or the next one is answered at once, saying so.
      first.close();
      rmSync(link);
      const cut = await whoOwns(3);
      expect(cut.result!.isError).toBe(true);
      expect(cut.result!.content[0]!.text).toContain("council's home cannot be reached over the SSH connection");
      // Back (a new authority at the same place): the next call reaches a new server at home.
      const second = await serveAuthority(c, s!);
      try {
        symlinkSync(second.socket, link);
        const back = await whoOwns(4);
        expect(back.result?.isError ?? false, JSON.stringify(back)).toBe(false);
        expect(back.result!.content[0]!.text).toBe('Nobody holds src/relay.ts: it is free.');
      } finally {
        second.close();
      }
    } finally {
      relay.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('home unreachable: the lock hook denies, the digest prints nothing, an MCP call errors saying home cannot be reached', async () => {
    const c = Council.open(repo.root);
    const [s] = await c.createSessions({ task: 'remote cut off', host: 'remote' });
    const wt = s!.host!.path;
    const vars = { COUNCIL_AUTHORITY: `${server.home}/.council/a-gone`, COUNCIL_SESSION_ID: s!.id };

    const write = { session_id: 'x', cwd: wt, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: `${wt}/src/z.ts`, content: 'x' } };
    const lock = await onHostAsync(vars, 'hook pre-tool --agent claude', JSON.stringify(write), wt);
    expect(lock.status).toBe(2);
    expect(lock.stderr).toContain("council's home cannot be reached over the SSH connection");

    for (const kind of ['digest', 'notice']) {
      const hook = await onHostAsync({ ...vars, COUNCIL_HOOK_DEBUG: '1' }, `hook ${kind} --agent claude`, JSON.stringify({ session_id: 'x', cwd: wt, hook_event_name: 'SessionStart', source: 'startup' }), wt);
      expect(hook.status, kind).toBe(0);
      expect(hook.stdout, kind).toBe('');
      // (why, only with COUNCIL_HOOK_DEBUG=1: the home, not some local failure)
      expect(hook.stderr, kind).toContain('the socket is not there');
    }

    const rpc = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '0' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'peers', arguments: {} } },
    ]
      .map((m) => JSON.stringify(m))
      .join('\n');
    const mcp = await onHostAsync(vars, `--repo /nowhere mcp --session ${s!.id}`, `${rpc}\n`, wt);
    expect(mcp.status, mcp.stderr).toBe(0);
    const answers = lines<{ id: number; error?: { message: string }; result?: { isError: boolean; content: { text: string }[] } }>(mcp.stdout);
    expect(answers.map((a) => a.id)).toEqual([1, 2]);
    expect(answers[0]!.error!.message).toContain("council's home cannot be reached over the SSH connection (the socket is not there");
    expect(answers[1]!.result!.isError).toBe(true);
    expect(answers[1]!.result!.content[0]!.text).toContain("council's home cannot be reached over the SSH connection");
  }, 120_000);
});
