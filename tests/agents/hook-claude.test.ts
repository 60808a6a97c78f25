import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { COUNCIL_BIN, REPO_ROOT } from '../helpers/cli';
import { makeRepo, tempDir } from '../helpers/repo';
import { startModelServer } from '../support/model-server/index';
import { parseJsonLines } from './agent-clis';
import { CONTENT, requireCli, TARGET, WRITE_SCRIPT, writeResult } from './harness';

// The real Claude Code with the real lock hook (`council hook pre-tool --agent claude`) in its
// settings, working in a session's worktree while another session holds the file it wants.

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/** Claude Code headless, as tests/agents/agent-clis.ts runs it, plus COUNCIL_SESSION_ID. */
function runClaude(options: { serverUrl: string; cwd: string; prompt: string; sessionId: string }) {
  const home = tempDir('council-claude-home-');
  const configDir = path.join(home, '.claude');
  mkdirSync(path.join(home, 'tmp'), { recursive: true });
  mkdirSync(configDir, { recursive: true });
  const command = [process.execPath, COUNCIL_BIN, 'hook', 'pre-tool', '--agent', 'claude'].map(quote).join(' ');
  const settings = { hooks: { PreToolUse: [{ matcher: 'Write|Edit|MultiEdit|NotebookEdit', hooks: [{ type: 'command', command, timeout: 15 }] }] } };
  const env: Record<string, string> = {
    HOME: home,
    TMPDIR: path.join(home, 'tmp'),
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    ANTHROPIC_BASE_URL: options.serverUrl,
    ANTHROPIC_API_KEY: 'scripted-model-key',
    CLAUDE_CONFIG_DIR: configDir,
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
    COUNCIL_SESSION_ID: options.sessionId,
  };
  for (const key of ['GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM']) if (process.env[key]) env[key] = process.env[key];
  const args = ['-p', options.prompt, '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits', '--settings', JSON.stringify(settings)];
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(path.join(REPO_ROOT, 'node_modules', '.bin', 'claude'), args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}

describe.sequential('Claude Code with the real lock hook', () => {
  beforeAll(() => requireCli('claude'));

  it('refuses the write of a file another session holds, and the model reads who holds it', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [holder, writer] = (await council.createSessions({ task: 'add auth', agent: 'codex', count: 2 })) as [Session, Session];
    await council.locks.acquire(TARGET, holder.id, { cwd: repo.root });
    const server = await startModelServer(WRITE_SCRIPT);
    try {
      const run = await runClaude({ serverUrl: server.url, cwd: writer.worktreePath, prompt: `Create ${TARGET}.`, sessionId: writer.id });
      expect(run.code, run.stderr).toBe(0);
      expect(existsSync(path.join(writer.worktreePath, TARGET))).toBe(false);
      const reason = `src/x.ts is being edited by session ${holder.id} (codex: add auth); work on another file or wait`;
      // Exit 2 plus {"decision":"block"} on stdout: Claude gives the model the JSON's reason alone
      // (with exit 2 and stderr only, it would prefix "PreToolUse:Write hook error: [<command>]: ").
      expect(writeResult(server)).toMatchObject({ isError: true, text: reason });
      expect(parseJsonLines(run.stdout).at(-1)).toMatchObject({ type: 'result', is_error: false });
      expect(await council.locks.who(TARGET, { cwd: repo.root })).toMatchObject({ sessionId: holder.id });
    } finally {
      await server.close();
    }
  });

  it('lets the write of a free file through, and the writer now holds its lock', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [writer] = (await council.createSessions({ task: 'add x', agent: 'claude' })) as [Session];
    const server = await startModelServer(WRITE_SCRIPT);
    try {
      const run = await runClaude({ serverUrl: server.url, cwd: writer.worktreePath, prompt: `Create ${TARGET}.`, sessionId: writer.id });
      expect(run.code, run.stderr).toBe(0);
      expect(readFileSync(path.join(writer.worktreePath, TARGET), 'utf8')).toBe(CONTENT);
      expect(writeResult(server).isError).toBe(false);
      expect(await council.locks.who(TARGET, { cwd: repo.root })).toMatchObject({ sessionId: writer.id });
    } finally {
      await server.close();
    }
  });
});
