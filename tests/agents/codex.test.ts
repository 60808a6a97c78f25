import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AgentRun, keepFixture, runAgent } from './agent-clis';
import { CONTENT, deadServerUrl, hookCalls, REASON, requireCli, scene, TARGET, writeResult } from './harness';

// The real Codex, headless (`codex exec --json …`), against the scripted model server (Responses
// API). One process at a time.

interface CodexItem {
  id: string;
  type: string;
  text?: string;
  message?: string;
  status?: string;
  changes?: { path: string; kind: string }[];
}
interface CodexEvent {
  type: string;
  item?: CodexItem;
  message?: string;
  error?: { message: string };
}

const events = (run: AgentRun) => run.events as unknown as CodexEvent[];
const completedItems = (run: AgentRun) => events(run).flatMap((e) => (e.type === 'item.completed' && e.item ? [e.item] : []));
const fileChanges = (run: AgentRun) => completedItems(run).filter((item) => item.type === 'file_change');
const prompt = `Create ${TARGET}.`;

describe.sequential('Codex against the scripted model', () => {
  beforeAll(() => requireCli('codex'));

  it('applies the scripted patch and reports the file change and a completed turn', async () => {
    const { repo, server, target } = await scene();
    const run = await runAgent('codex', { serverUrl: server.url, cwd: repo.root, prompt });

    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(CONTENT);
    expect(fileChanges(run)).toEqual([expect.objectContaining({ status: 'completed', changes: [{ path: target, kind: 'add' }] })]);
    expect(completedItems(run).at(-1)).toMatchObject({ type: 'agent_message', text: 'Done: wrote src/x.ts.' });
    expect(events(run).at(-1)?.type).toBe('turn.completed');
    expect(writeResult(server).text).toContain('Success. Updated the following files:\nA src/x.ts');
    expect(server.errors).toEqual([]);
    keepFixture('codex-write.jsonl', run);
  });

  it('updates an existing file with an Update File patch', async () => {
    const { repo, server } = await scene([{ write: { path: 'src/a.ts', content: 'export const a = 100;\n' } }, { text: 'Updated.' }]);
    const run = await runAgent('codex', { serverUrl: server.url, cwd: repo.root, prompt: 'Update src/a.ts.' });

    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(path.join(repo.root, 'src/a.ts'), 'utf8')).toBe('export const a = 100;\n');
    expect(fileChanges(run)).toEqual([expect.objectContaining({ changes: [{ path: path.join(repo.root, 'src/a.ts'), kind: 'update' }] })]);
  });

  it('a PreToolUse hook that exits 2 stops apply_patch, and the model gets the reason', async () => {
    const { repo, server, target, hookLog } = await scene();
    const run = await runAgent('codex', { serverUrl: server.url, cwd: repo.root, prompt, hook: { mode: 'deny', reason: REASON, log: hookLog, timeoutSeconds: 10 } });

    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(target)).toBe(false);
    expect(writeResult(server).text).toContain(`Command blocked by PreToolUse hook: ${REASON}`);
    // In --json the denial leaves no item at all: no file_change, only a log line on stderr.
    expect(fileChanges(run)).toEqual([]);
    expect(run.stderr).toContain(`Command blocked by PreToolUse hook: ${REASON}`);
    expect(events(run).at(-1)?.type).toBe('turn.completed');
    // The trust bypass is announced as `error` items: a parser must not read them as a failure.
    expect(completedItems(run).filter((item) => item.type === 'error')).toContainEqual(expect.objectContaining({ message: expect.stringContaining('--dangerously-bypass-hook-trust') }));
    const [call] = hookCalls(hookLog);
    expect(call).toMatchObject({ hook_event_name: 'PreToolUse', tool_name: 'apply_patch', cwd: repo.root });
    expect((call?.tool_input as { command: string }).command).toContain(`*** Add File: ${TARGET}`);
    keepFixture('codex-denied.jsonl', run);
    keepFixture('codex-hook-payload.json', call ?? {});
  });

  it('without --dangerously-bypass-hook-trust the hook is skipped, silently, and the patch goes through', async () => {
    const { repo, server, target, hookLog } = await scene();
    const run = await runAgent('codex', { serverUrl: server.url, cwd: repo.root, prompt, codexTrustHooks: false, hook: { mode: 'deny', reason: REASON, log: hookLog, timeoutSeconds: 10 } });

    expect(run.code, run.stderr).toBe(0);
    expect(hookCalls(hookLog)).toEqual([]);
    expect(readFileSync(target, 'utf8')).toBe(CONTENT);
  });

  it('a hook that prints {"decision":"block"} denies too', async () => {
    const { repo, server, target, hookLog } = await scene();
    const run = await runAgent('codex', { serverUrl: server.url, cwd: repo.root, prompt, hook: { mode: 'deny-json', reason: REASON, log: hookLog, timeoutSeconds: 10 } });

    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(target)).toBe(false);
    expect(writeResult(server).text).toContain(`Command blocked by PreToolUse hook: ${REASON}`);
  });

  it('a hook that crashes (exit 1, no output) does not stop the patch: it counts as allow', async () => {
    const { repo, server, target, hookLog } = await scene();
    const run = await runAgent('codex', { serverUrl: server.url, cwd: repo.root, prompt, hook: { mode: 'crash', log: hookLog, timeoutSeconds: 10 } });

    expect(run.code, run.stderr).toBe(0);
    expect(hookCalls(hookLog)).toHaveLength(1);
    expect(readFileSync(target, 'utf8')).toBe(CONTENT);
  });

  it('a hook that hangs is killed at its timeout and the patch goes through', async () => {
    const { repo, server, target, hookLog } = await scene();
    const run = await runAgent('codex', { serverUrl: server.url, cwd: repo.root, prompt, hook: { mode: 'hang', log: hookLog, timeoutSeconds: 2 } });

    expect(run.code, run.stderr).toBe(0);
    expect(hookCalls(hookLog)).toHaveLength(1);
    expect(readFileSync(target, 'utf8')).toBe(CONTENT);
    expect(run.durationMs).toBeGreaterThanOrEqual(2_000);
  });

  it('a dead model endpoint fails the turn at once (with unbounded_connection_retries disabled)', async () => {
    const { repo } = await scene();
    const run = await runAgent('codex', { serverUrl: await deadServerUrl(), cwd: repo.root, prompt, timeoutMs: 60_000 });

    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(1);
    expect(run.durationMs).toBeLessThan(30_000);
    expect(events(run).at(-1)).toEqual({ type: 'turn.failed', error: { message: 'Connection failed: error sending request' } });
  });

  it('an HTTP 500 from the model fails the turn, without retries (but with Codex\'s own wording)', async () => {
    const { repo, server } = await scene([{ fail: { status: 500, message: 'Scripted outage' } }]);
    const run = await runAgent('codex', { serverUrl: server.url, cwd: repo.root, prompt });

    expect(run.code).toBe(1);
    expect(events(run).at(-1)).toMatchObject({ type: 'turn.failed', error: { message: expect.stringContaining('high demand') } });
    expect(server.requests.filter((r) => r.kind === 'turn')).toHaveLength(1);
  });
});
