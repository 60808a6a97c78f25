import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { decideLockHook } from '../../electron/core/agents/lock-hook';
import { RunStore } from '../../electron/core/agents/run-store';
import { Council } from '../../electron/core/council';
import type { TestRepo } from '../helpers/repo';
import { heldFile } from './harness';
import { holderLine } from '../helpers/holder-line';

const write = (cwd: string, file: string) => ({ cwd, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: path.join(cwd, file), content: 'x' } });
const patch = (cwd: string, ...files: string[]) => ({
  cwd,
  tool_name: 'apply_patch',
  tool_input: { command: ['*** Begin Patch', ...files.map((f) => `*** Update File: ${f}`), '*** End Patch'].join('\n') },
});
const noEnv = {};

describe('lock hook decision', () => {
  let repo: TestRepo;
  let council: Council;
  let holder: Session;
  let writer: Session;

  beforeEach(async () => {
    ({ repo, council, holder, writer } = await heldFile());
  });

  it("adds the denial to the events of the session's live interactive run (the run store is loaded on a refusal only)", async () => {
    const store = new RunStore(council.ws.paths);
    const run = store.write({
      id: store.newId(),
      sessionId: writer.id,
      preset: 'claude',
      mode: 'interactive',
      task: 'add auth',
      state: 'running',
      attempt: 1,
      pid: process.pid,
      hostPid: process.pid,
      startedAt: new Date().toISOString(),
      endedAt: null,
      exitCode: null,
      signal: null,
      reason: null,
      agentSessionId: null,
      filesTouched: [],
      didWork: false,
      costUsd: null,
      inputTokens: null,
      outputTokens: null,
      denials: 0,
      outputBytes: 0,
    });
    expect(await decideLockHook('claude', write(writer.worktreePath, 'src/x.ts'), { env: noEnv })).toMatchObject({ decision: 'deny' });
    expect(store.events(run)).toEqual([expect.objectContaining({ kind: 'denied', tool: 'Write', path: 'src/x.ts', reason: expect.stringContaining(`session ${holder.id}`) })]);
  });

  it('denies a file held by another session, naming the holder and what to do', async () => {
    const decision = await decideLockHook('claude', write(writer.worktreePath, 'src/x.ts'), { env: noEnv });
    expect(decision).toEqual({ decision: 'deny', reason: `src/x.ts is being edited by session ${holder.id} (codex: add auth); work on another file or wait${holderLine(holder.id)}` });
  });

  it('allows the holder itself', async () => {
    expect(await decideLockHook('claude', write(holder.worktreePath, 'src/x.ts'), { env: noEnv })).toEqual({ decision: 'allow' });
  });

  it('allows a free file and locks it for the writer (found by its cwd)', async () => {
    expect(await decideLockHook('gemini', { ...write(writer.worktreePath, 'src/y.ts'), tool_name: 'write_file' }, { env: noEnv })).toEqual({ decision: 'allow' });
    expect(await council.locks.who('src/y.ts', { cwd: repo.root })).toMatchObject({ sessionId: writer.id });
  });

  it('takes the session from COUNCIL_SESSION_ID when set, whatever the cwd', async () => {
    const decision = await decideLockHook('claude', write(repo.root, 'src/x.ts'), { env: { COUNCIL_SESSION_ID: writer.id } });
    expect(decision).toMatchObject({ decision: 'deny', reason: expect.stringContaining(`session ${holder.id}`) });
    await expect(decideLockHook('claude', write(repo.root, 'src/z.ts'), { env: { COUNCIL_SESSION_ID: 'ffffff' } })).rejects.toThrow();
  });

  it('allows edits from outside every session (the main checkout) without taking locks', async () => {
    expect(await decideLockHook('claude', write(repo.root, 'src/x.ts'), { env: noEnv })).toEqual({ decision: 'allow' });
    expect(await council.locks.who('src/q.ts', { cwd: repo.root })).toBeNull();
  });

  it('a patch over several files is denied as a whole and keeps none of the free ones', async () => {
    const decision = await decideLockHook('codex', patch(writer.worktreePath, 'src/a.ts', 'src/x.ts', 'src/b.ts'), { env: noEnv });
    expect(decision).toMatchObject({ decision: 'deny', reason: expect.stringMatching(/^src\/x\.ts is being edited by session/) });
    expect(await council.locks.who('src/a.ts', { cwd: repo.root })).toBeNull();
    expect(await council.locks.who('src/b.ts', { cwd: repo.root })).toBeNull();
  });

  it('allows files outside every checkout, and refuses (throws) on a malformed payload', async () => {
    expect(await decideLockHook('claude', { ...write(writer.worktreePath, 'x'), tool_input: { file_path: '/tmp/council-scratch.md' } }, { env: noEnv })).toEqual({ decision: 'allow' });
    await expect(decideLockHook('claude', { cwd: writer.worktreePath }, { env: noEnv })).rejects.toThrow();
  });

  it("records a denial in the writer's context: blocked, on the held file, with the reason; an allow records nothing", async () => {
    const before = council.context.get(writer.id);
    expect(await decideLockHook('claude', write(writer.worktreePath, 'src/y.ts'), { env: noEnv })).toEqual({ decision: 'allow' });
    expect(council.context.get(writer.id)).toEqual({ ...before, filesLocked: ['src/y.ts'] });

    const decision = await decideLockHook('codex', patch(writer.worktreePath, 'src/a.ts', 'src/x.ts'), { env: noEnv });
    const reason = `src/x.ts is being edited by session ${holder.id} (codex: add auth); work on another file or wait${holderLine(holder.id)}`;
    expect(decision).toEqual({ decision: 'deny', reason });
    expect(council.context.get(writer.id)).toMatchObject({ status: 'blocked', blockedOn: 'src/x.ts', blockedReason: reason, message: reason });
    expect(council.context.get(holder.id).status).toBe('idle');
  });
});
