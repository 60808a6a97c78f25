import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AgentRun, keepFixture, runAgent } from './agent-clis';
import { CONTENT, deadServerUrl, hookCalls, ofType, REASON, requireCli, scene, TARGET, writeResult } from './harness';

// The real Claude Code, headless (`claude -p … --output-format stream-json`), against the scripted
// model server. One process at a time: each run is a 240 MB native binary.

interface ContentBlock {
  type: string;
  name?: string;
  input?: { file_path?: string; content?: string };
  is_error?: boolean;
  content?: unknown;
}
interface ClaudeEvent {
  type: string;
  subtype?: string;
  is_error?: boolean;
  result?: string;
  message?: { content?: ContentBlock[] };
  permission_denials?: { tool_name: string; tool_input: { file_path?: string } }[];
}

const blocks = (run: AgentRun, eventType: 'assistant' | 'user') =>
  (ofType(run.events, eventType) as unknown as ClaudeEvent[]).flatMap((event) => event.message?.content ?? []);
const finalResult = (run: AgentRun) => run.events.at(-1) as unknown as ClaudeEvent;
const prompt = `Create ${TARGET}.`;

describe.sequential('Claude Code against the scripted model', () => {
  beforeAll(() => requireCli('claude'));

  it('writes the scripted file and reports the Write and a successful result', async () => {
    const { repo, server, target } = await scene();
    const run = await runAgent('claude', { serverUrl: server.url, cwd: repo.root, prompt });

    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(CONTENT);
    expect(blocks(run, 'assistant')).toContainEqual(expect.objectContaining({ type: 'tool_use', name: 'Write', input: { file_path: target, content: CONTENT } }));
    expect(blocks(run, 'user')).toContainEqual(expect.objectContaining({ type: 'tool_result', content: expect.stringContaining(target) }));
    expect(finalResult(run)).toMatchObject({ type: 'result', subtype: 'success', is_error: false, result: 'Done: wrote src/x.ts.', permission_denials: [] });
    expect(server.errors).toEqual([]);
    keepFixture('claude-write.jsonl', run);
  });

  it('reads an existing file before overwriting it (Claude Code refuses a blind overwrite)', async () => {
    const { repo, server } = await scene([{ write: { path: 'src/a.ts', content: 'export const a = 100;\n' } }, { text: 'Updated.' }]);
    const run = await runAgent('claude', { serverUrl: server.url, cwd: repo.root, prompt: 'Update src/a.ts.' });

    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(path.join(repo.root, 'src/a.ts'), 'utf8')).toBe('export const a = 100;\n');
    expect(blocks(run, 'assistant').filter((b) => b.type === 'tool_use').map((b) => b.name)).toEqual(['Read', 'Write']);
    expect(server.toolResults().map((r) => r.isError)).toEqual([false, false]);
  });

  it('a PreToolUse hook that exits 2 stops the write, and the model gets the reason', async () => {
    const { repo, server, target, hookLog } = await scene();
    const run = await runAgent('claude', { serverUrl: server.url, cwd: repo.root, prompt, hook: { mode: 'deny', reason: REASON, log: hookLog, timeoutSeconds: 10 } });

    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(target)).toBe(false);
    expect(writeResult(server)).toMatchObject({ isError: true, text: expect.stringContaining(REASON) });
    expect(blocks(run, 'user')).toContainEqual(expect.objectContaining({ type: 'tool_result', is_error: true, content: expect.stringContaining(REASON) }));
    expect(finalResult(run)).toMatchObject({ type: 'result', subtype: 'success', is_error: false, permission_denials: [{ tool_name: 'Write', tool_input: { file_path: target } }] });
    const [call] = hookCalls(hookLog);
    expect(call).toMatchObject({ hook_event_name: 'PreToolUse', tool_name: 'Write', cwd: repo.root, tool_input: { file_path: target, content: CONTENT } });
    keepFixture('claude-denied.jsonl', run);
    keepFixture('claude-hook-payload.json', call ?? {});
  });

  it('a hook that prints {"decision":"block"} denies too, and the model sees only the reason', async () => {
    const { repo, server, target, hookLog } = await scene();
    const run = await runAgent('claude', { serverUrl: server.url, cwd: repo.root, prompt, hook: { mode: 'deny-json', reason: REASON, log: hookLog, timeoutSeconds: 10 } });

    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(target)).toBe(false);
    expect(writeResult(server)).toEqual(expect.objectContaining({ isError: true, text: REASON }));
  });

  it('a hook that crashes (exit 1, no output) does not stop the write: it counts as allow', async () => {
    const { repo, server, target, hookLog } = await scene();
    const run = await runAgent('claude', { serverUrl: server.url, cwd: repo.root, prompt, hook: { mode: 'crash', log: hookLog, timeoutSeconds: 10 } });

    expect(run.code, run.stderr).toBe(0);
    expect(hookCalls(hookLog)).toHaveLength(1);
    expect(readFileSync(target, 'utf8')).toBe(CONTENT);
    expect(writeResult(server).isError).toBe(false);
  });

  it('a hook that hangs is killed at its timeout and the write goes through', async () => {
    const { repo, server, target, hookLog } = await scene();
    const run = await runAgent('claude', { serverUrl: server.url, cwd: repo.root, prompt, hook: { mode: 'hang', log: hookLog, timeoutSeconds: 2 } });

    expect(run.code, run.stderr).toBe(0);
    expect(hookCalls(hookLog)).toHaveLength(1);
    expect(readFileSync(target, 'utf8')).toBe(CONTENT);
    expect(run.durationMs).toBeGreaterThanOrEqual(2_000);
  });

  it('a dead model endpoint ends the run quickly with an API error', async () => {
    const { repo } = await scene();
    const run = await runAgent('claude', { serverUrl: await deadServerUrl(), cwd: repo.root, prompt, timeoutMs: 60_000 });

    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(1);
    expect(run.durationMs).toBeLessThan(30_000);
    // Beware: `subtype` stays "success"; `is_error` is what says the run failed.
    expect(finalResult(run)).toMatchObject({ type: 'result', is_error: true, result: expect.stringMatching(/API Error: Unable to connect to API \(ConnectionRefused\)/) });
  });

  it('an HTTP 500 from the model ends the run with the server\'s message, without retries', async () => {
    const { repo, server } = await scene([{ fail: { status: 500, message: 'Scripted outage' } }]);
    const run = await runAgent('claude', { serverUrl: server.url, cwd: repo.root, prompt });

    expect(run.code).toBe(1);
    expect(finalResult(run)).toMatchObject({ type: 'result', is_error: true, result: expect.stringContaining('API Error: 500 Scripted outage') });
    expect(server.requests.filter((r) => r.kind === 'turn')).toHaveLength(1);
  });
});
