import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { COUNCIL_BIN } from '../helpers/cli';
import { makeRepo } from '../helpers/repo';
import { startModelServer } from '../support/model-server/index';
import { parseJsonLines, runAgent, shellCommand } from './agent-clis';
import { CONTENT, requireCli, TARGET, WRITE_SCRIPT, writeResult } from './harness';
import { holderLine } from '../helpers/holder-line';

// The real Claude Code with the real lock hook (`council hook pre-tool --agent claude`) in its
// settings, working in a session's worktree while another session holds the file it wants.

/** Claude Code headless (tests/agents/agent-clis.ts) with `council hook pre-tool` as its hook. */
const runClaude = (options: { serverUrl: string; cwd: string; prompt: string; sessionId: string }) =>
  runAgent('claude', {
    serverUrl: options.serverUrl,
    cwd: options.cwd,
    prompt: options.prompt,
    // Above the hook's own 10 s deadline, so the hook (which denies then) answers first.
    hook: { command: shellCommand([process.execPath, COUNCIL_BIN, 'hook', 'pre-tool', '--agent', 'claude']), timeoutSeconds: 15 },
    env: { COUNCIL_SESSION_ID: options.sessionId },
  });

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
      const reason = `src/x.ts is being edited by session ${holder.id} (codex: add auth); work on another file or wait${holderLine(holder.id)}`;
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
