import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentPresetInfo, RunResult } from '../../shared/agents';
import { agentRunningIn } from '../../electron/core/agents/run-store';
import { Council } from '../../electron/core/council';
import { claudeWrites, isAlive, useScript, waitUntil } from '../agents/fake-agents';
import { council, councilAsync, councilJson, REPO_ROOT } from '../helpers/cli';
import type { MatrixRow } from '../../electron/core/agents/presets/support';
import generatedMatrix from '../../electron/core/agents/presets/support-matrix.json';
import { gitSync, makeRepo, tempDir, writeIn } from '../helpers/repo';

// The agent verbs of the real `council` CLI (a separate OS process each), with the fake agent as
// the claude preset's program.

async function repoWithScript(script: Record<string, unknown>[]): Promise<{ root: string; c: Council }> {
  const repo = makeRepo();
  const c = Council.open(repo.root);
  await useScript(c, 'claude', script);
  return { root: repo.root, c };
}

describe('council agents', () => {
  it('lists every preset with what was found, and how to fix what was not', async () => {
    const { root, c } = await repoWithScript([]);
    await c.ws.updateSettings({ agents: { aider: { path: '/nowhere/aider' }, ollama: { host: 'http://127.0.0.1:9' } } });
    const result = councilJson<AgentPresetInfo[]>(['agents'], { cwd: root, env: { PATH: '/usr/bin:/bin' } });
    expect(result.code).toBe(0);
    if (!result.result.ok) throw new Error(result.result.error.message);
    const byId = new Map(result.result.value.map((p) => [p.id, p]));
    expect([...byId.keys()]).toEqual(['claude', 'codex', 'gemini', 'opencode', 'qwen', 'copilot', 'kilo', 'aider', 'ollama', 'auto-claude', 'custom']);
    expect(byId.get('aider')).toMatchObject({ available: false, problem: expect.stringContaining('the configured path /nowhere/aider (agents.aider.path) is not an executable file') });
    // Not on PATH, but in the app's own node_modules/.bin (issue 12, item 14: `council serve` from a
    // shell without it on PATH found no agent at all).
    expect(byId.get('codex')).toMatchObject({ available: true, path: path.join(REPO_ROOT, 'node_modules', '.bin', 'codex'), version: expect.stringMatching(/^\d+\.\d+/) });
    // Kilo Code (@kilocode/cli, a devDependency) is found the same way; its --version may be slow to answer (a warning, still available).
    expect(byId.get('kilo')).toMatchObject({ label: 'Kilo Code', available: true, locks: 'enforced', noMcp: null, path: path.join(REPO_ROOT, 'node_modules', '.bin', 'kilo') });
    expect(byId.get('auto-claude')).toMatchObject({
      available: false,
      problem: expect.stringContaining(`"auto-claude" is not on PATH (/usr/bin:/bin) nor in the app's own ${path.join(REPO_ROOT, 'node_modules', '.bin')}.`),
    });
    // Issue 16, item 4: what could not be run for real here says so, in the JSON and the table.
    expect(byId.get('aider')?.unverified).toContain('PyPI');
    expect(byId.get('auto-claude')?.unverified).toContain('PyPI');
    expect([...byId.values()].filter((p) => p.unverified).map((p) => p.id)).toEqual(['aider', 'auto-claude']);
    const text = council(['agents'], { cwd: root, env: { PATH: '/usr/bin:/bin' } });
    expect(text.stdout).toMatch(/PRESET\s+VERSION\s+LOCKS\s+MCP\s+PATH\s+NOTE/);
    expect(text.stdout).toMatch(/^aider\s+missing\s+advisory \(stand-in only\)\s+none\s+-\s+not verified on this build/m);
    expect(text.stdout).toMatch(/^auto-claude\s+missing\s+advisory \(not proven\)\s+none\s+-\s+not verified on this build/m);
    // Its driver is there, its server is not: not "missing" — unavailable, the reason under the table.
    expect(text.stdout).toMatch(/^ollama\s+unavailable\s/m);
    expect(text.stdout).toContain('no Ollama server at http://127.0.0.1:9');
    // Issue 16, item 3: no more than the support matrix (generated from the tests) proves.
    const shown: Record<string, string> = { proven: '', 'stand-in': ' (stand-in only)', 'not proven': ' (not proven)', no: ' (not proven)' };
    const pattern = (text: string): string => text.replace(/[()]/g, '\\$&');
    for (const p of byId.values()) {
      const row = (generatedMatrix as MatrixRow[]).find((r) => r.preset === p.id);
      expect(p.support, p.id).toEqual(Object.fromEntries(Object.entries(row?.cells ?? {}).map(([cell, c]) => [cell, c.state])));
      const line = text.stdout.split('\n').find((l) => l.startsWith(`${p.id} `)) ?? '';
      const locks = `${p.locks}${shown[p.support?.locks ?? 'not proven']}`;
      const mcp = p.noMcp ? 'none' : `yes${shown[p.support?.mcp ?? 'not proven']}`;
      expect(line, p.id).toMatch(new RegExp(`^${p.id}\\s+(no answer|\\S+)\\s+${pattern(locks)}\\s+${pattern(mcp)}\\s+[-/]`)); // then its PATH
    }
    expect(text.stdout).toContain('auto-claude: not verified on this build. Auto-Claude needs Python packages from PyPI');
    expect(text.stdout).toMatch(new RegExp(`^codex\\s+\\S+\\s+enforced\\s+yes\\s+${path.join(REPO_ROOT, 'node_modules', '.bin', 'codex').replace(/[.]/g, '\\.')}(\\s|$)`, 'm'));
    // Which presets' agents get no MCP tools from council (their preset's noMcp), and why, in the JSON and the table.
    expect([...byId.values()].filter((p) => p.noMcp !== null).map((p) => p.id)).toEqual(['aider', 'auto-claude', 'custom']);
    expect([...byId.values()].filter((p) => p.noMcp === null).map((p) => p.id)).toEqual(['claude', 'codex', 'gemini', 'opencode', 'qwen', 'copilot', 'kilo', 'ollama']);
    expect(text.stdout).toMatch(/^custom\s+\S+\s+advisory\s+none\s/m);
    expect(text.stdout).toContain("aider: no MCP tools. Aider has no MCP client: its agent does not get council's tools (peers, claims, conflicts, messages).");
    expect(text.stdout).toContain('custom: no MCP tools. A custom command gets no MCP server from council');
    expect(text.stdout).not.toMatch(/^(claude|codex|gemini|opencode|qwen|copilot|kilo|ollama): no MCP tools/m);
  });
});

describe('council run', () => {
  it('--wait runs N headless agents and prints the results; exit 0 when all succeeded', async () => {
    const { root, c } = await repoWithScript(claudeWrites('made.txt'));
    const result = councilJson<RunResult[]>(['run', '--agent', 'claude', '--task', 'make a file', '--count', '2', '--wait'], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    if (!result.result.ok) throw new Error(result.result.error.message);
    expect(result.result.value).toEqual([
      expect.objectContaining({ preset: 'claude', state: 'done', attempts: 1, filesChanged: ['made.txt'], costUsd: 0.0123 }),
      expect.objectContaining({ preset: 'claude', state: 'done', attempts: 1, filesChanged: ['made.txt'] }),
    ]);
    expect(c.listSessions()).toHaveLength(2);
  });

  it('--wait exits 1 naming what failed when an agent fails', async () => {
    const { root } = await repoWithScript([{ claude: 'init' }, { claude: 'result', error: true, text: 'API Error: Unable to connect to API (ConnectionRefused)' }, { exit: 1 }]);
    const text = council(['run', '--agent', 'claude', '--task', 'fail', '--wait'], { cwd: root });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/failed\s+3\s/); // 1 try + the default 2 retries
    expect(text.stdout).toContain('ConnectionRefused');
    expect(text.stderr).toContain('council: 1 of 1 session(s) did not finish successfully');
  }, 60_000);

  it('refuses an agent whose program is missing before creating anything, naming the fix', async () => {
    const { root, c } = await repoWithScript([]);
    await c.ws.updateSettings({ agents: { claude: { path: '/nowhere/claude' } } });
    const branchesBefore = gitSync(root, 'branch', '--list');
    for (const args of [
      ['run', '--agent', 'claude', '--task', 'x', '--wait'],
      ['run', '--agent', 'claude', '--task', 'x', '--count', '3'],
      ['session', 'create', '--task', 'x', '--agent', 'claude', '--headless'],
    ]) {
      const result = council(args, { cwd: root });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('the configured path /nowhere/claude (agents.claude.path) is not an executable file');
      expect(result.stderr).toContain('`council settings set agents.claude.path /path/to/claude --user` (in the app: Settings → Agents → Claude Code → Program path). Nothing was created.');
    }
    // Nothing half-done: no session in the registry, no worktree, no branch.
    expect(c.listSessions()).toEqual([]);
    expect(councilJson(['session', 'list'], { cwd: root }).result).toEqual({ ok: true, value: [] });
    expect(gitSync(root, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree '))).toEqual([`worktree ${root}`]);
    expect(gitSync(root, 'branch', '--list')).toBe(branchesBefore);
  });

  it('refuses an unknown preset before creating anything', async () => {
    const { root, c } = await repoWithScript([]);
    const text = council(['run', '--agent', 'vim', '--task', 'x', '--wait'], { cwd: root });
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('unknown agent preset "vim" (expected one of claude, codex');
    expect(c.listSessions()).toEqual([]);
  });
});

describe('session create --agent --headless, logs, stop', () => {
  it('starts the agent in the background; logs --follow prints its output until it ends', async () => {
    const { root, c } = await repoWithScript([...claudeWrites('bg.txt'), { sleep: 300 }]);
    const created = council(['session', 'create', '--task', 'in the background', '--agent', 'claude', '--headless'], { cwd: root });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('claude started headless in 1 session(s)');
    const [s] = c.listSessions();
    const logs = await councilAsync(['session', 'logs', s!.id, '--follow'], { cwd: root });
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('• Write bg.txt');
    expect(logs.stdout).toContain('✔ done');
    expect(logs.stderr).toMatch(/claude headless run [0-9a-f]+: done/);
    expect(readFileSync(path.join(s!.worktreePath, 'bg.txt'), 'utf8')).toBe('x\n');
  });

  it('session stop kills an agent another process runs, and everything it started', async () => {
    const { root, c } = await repoWithScript([{ claude: 'init' }, { spawnChild: { pidFile: 'child.pid' } }, { sleep: 60_000 }]);
    expect(council(['session', 'create', '--task', 'long', '--agent', 'claude', '--headless'], { cwd: root }).code).toBe(0);
    const [s] = c.listSessions();
    const pidFile = path.join(s!.worktreePath, 'child.pid');
    await waitUntil(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 'the agent to start its child', 15_000);
    const child = Number(readFileSync(pidFile, 'utf8'));
    const stopped = council(['session', 'stop', s!.id], { cwd: root });
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(/claude headless run [0-9a-f]+: stopped \(stopped by the user\)/);
    await waitUntil(() => !isAlive(child), 'the child to be gone', 5000);
  });

  it('session remove is refused while the agent runs (exit 3, nothing removed); --force stops the agent and everything it started, then removes (issue 13: one removal rule)', async () => {
    // The child's pid is written outside the worktree: nothing uncommitted, so only the agent can stop the removal.
    const pidFile = path.join(tempDir('council-remove-live-'), 'child.pid');
    const { root, c } = await repoWithScript([{ claude: 'init' }, { spawnChild: { pidFile } }, { sleep: 60_000 }]);
    expect(council(['session', 'create', '--task', 'busy', '--agent', 'claude', '--headless'], { cwd: root }).code).toBe(0);
    const [s] = c.listSessions();
    await waitUntil(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 'the agent to start its child', 15_000);
    const child = Number(readFileSync(pidFile, 'utf8'));
    expect(agentRunningIn(c.ws.paths, s!.id)).toBe(true);

    const refused = council(['session', 'remove', s!.id], { cwd: root });
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toContain(`session ${s!.id} has a running agent; stop it first`);
    expect(existsSync(s!.worktreePath)).toBe(true);
    expect(c.listSessions().map((x) => x.id)).toEqual([s!.id]);
    expect(isAlive(child)).toBe(true);

    const forced = councilJson<{ id: string }>(['session', 'remove', s!.id, '--force'], { cwd: root });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.result).toMatchObject({ ok: true, value: { id: s!.id } });
    expect(existsSync(s!.worktreePath)).toBe(false);
    expect(c.listSessions()).toEqual([]);
    await waitUntil(() => !isAlive(child), 'the agent to be gone', 5000);
  });

  it('an interactive agent needs a terminal: without one it says to use --headless, and creates nothing', async () => {
    const { root, c } = await repoWithScript([]);
    const result = council(['session', 'create', '--task', 'x', '--agent', 'claude'], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('an interactive agent needs a terminal; use --headless');
    expect(c.listSessions()).toEqual([]);
  });

  it('copies the .worktreeinclude files and fails the session clearly when its setup command fails', async () => {
    const { root, c } = await repoWithScript(claudeWrites('never.txt'));
    writeIn(root, '.gitignore', '.env\n');
    writeIn(root, '.env', 'SECRET=1\n');
    writeFileSync(path.join(root, '.worktreeinclude'), '.env\n');
    await c.ws.updateSettings({ setupCommand: 'echo installing; echo broken >&2; exit 4' });
    const result = council(['run', '--agent', 'claude', '--task', 'x', '--wait'], { cwd: root });
    expect(result.code).toBe(1);
    const [s] = c.listSessions();
    expect(readFileSync(path.join(s!.worktreePath, '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(result.stdout).toContain('failed with exit code 4');
    expect(c.context.get(s!.id)).toMatchObject({ status: 'failed', message: expect.stringContaining('broken') });
    expect(existsSync(path.join(s!.worktreePath, 'never.txt'))).toBe(false);
  });
});
