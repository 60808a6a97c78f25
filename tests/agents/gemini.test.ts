import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AgentRun, type GeminiHookPlacement, keepFixture, runAgent } from './agent-clis';
import { CONTENT, deadServerUrl, hookCalls, ofType, REASON, requireCli, scene, TARGET, writeResult } from './harness';

// The real Gemini CLI, headless (`gemini -p … --output-format stream-json`), against the scripted
// model server. One process at a time.

interface GeminiEvent {
  type: string;
  tool_name?: string;
  tool_id?: string;
  parameters?: { file_path?: string; content?: string };
  status?: string;
  output?: string;
  error?: { type: string; message: string };
}

const ofGemini = (run: AgentRun, type: string) => ofType(run.events, type) as unknown as GeminiEvent[];
const finalEvent = (run: AgentRun) => run.events.at(-1) as unknown as GeminiEvent;
const prompt = `Create ${TARGET}.`;

describe.sequential('Gemini CLI against the scripted model', () => {
  beforeAll(() => requireCli('gemini'));

  it('writes the scripted file and reports the tool use and a successful result', async () => {
    const { repo, server, target } = await scene();
    const run = await runAgent('gemini', { serverUrl: server.url, cwd: repo.root, prompt });

    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(CONTENT);
    const [toolUse] = ofGemini(run, 'tool_use');
    expect(toolUse).toMatchObject({ tool_name: 'write_file', parameters: { file_path: target, content: CONTENT } });
    expect(ofGemini(run, 'tool_result')).toEqual([expect.objectContaining({ tool_id: toolUse?.tool_id, status: 'success' })]);
    expect(finalEvent(run)).toMatchObject({ type: 'result', status: 'success' });
    // The tool-less routing call got a schema-shaped answer, and the turn went to the main model.
    expect(server.requests.map((r) => r.kind)).toEqual(['routing', 'turn', 'turn']);
    expect(server.errors).toEqual([]);
    keepFixture('gemini-write.jsonl', run);
  });

  it('overwrites an existing file', async () => {
    const { repo, server } = await scene([{ write: { path: 'src/a.ts', content: 'export const a = 100;\n' } }, { text: 'Updated.' }]);
    const run = await runAgent('gemini', { serverUrl: server.url, cwd: repo.root, prompt: 'Update src/a.ts.' });

    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(`${repo.root}/src/a.ts`, 'utf8')).toBe('export const a = 100;\n');
    expect(writeResult(server)).toMatchObject({ name: 'write_file', isError: false });
  });

  it('a BeforeTool hook that exits 2 stops write_file, and the model gets the reason', async () => {
    const { repo, server, target, hookLog } = await scene();
    const run = await runAgent('gemini', { serverUrl: server.url, cwd: repo.root, prompt, hook: { mode: 'deny', reason: REASON, log: hookLog, timeoutSeconds: 10 } });

    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(target)).toBe(false);
    expect(writeResult(server)).toMatchObject({ name: 'write_file', isError: true, text: `Tool execution blocked: ${REASON}` });
    expect(ofGemini(run, 'tool_result')).toEqual([
      expect.objectContaining({ status: 'error', error: { type: 'policy_violation', message: `Tool execution blocked: ${REASON}` } }),
    ]);
    expect(finalEvent(run)).toMatchObject({ type: 'result', status: 'success' });
    const [call] = hookCalls(hookLog);
    expect(call).toMatchObject({ hook_event_name: 'BeforeTool', tool_name: 'write_file', cwd: repo.root, tool_input: { file_path: target, content: CONTENT } });
    keepFixture('gemini-denied.jsonl', run);
    keepFixture('gemini-hook-payload.json', call ?? {});
  });

  // Where the hook can live without replacing the user's HOME. `project` needs
  // GEMINI_CLI_TRUST_WORKSPACE=true (settings load before --skip-trust is read).
  it.each<GeminiHookPlacement>(['home', 'gemini-cli-home'])('the hook is honoured from the %s settings too', async (placement) => {
    const { repo, server, target, hookLog } = await scene();
    const run = await runAgent('gemini', { serverUrl: server.url, cwd: repo.root, prompt, geminiHookPlacement: placement, hook: { mode: 'deny', reason: REASON, log: hookLog, timeoutSeconds: 10 } });

    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(target)).toBe(false);
    expect(hookCalls(hookLog)).toHaveLength(1);
  });

  it('ignores GEMINI_CLI_SYSTEM_SETTINGS_PATH for a file that is not root-owned in safe folders (e.g. under /tmp)', async () => {
    const { repo, server, target, hookLog } = await scene();
    const run = await runAgent('gemini', { serverUrl: server.url, cwd: repo.root, prompt, geminiHookPlacement: 'system-settings-env', hook: { mode: 'deny', reason: REASON, log: hookLog, timeoutSeconds: 10 } });

    expect(run.code, run.stderr).toBe(0);
    expect(hookCalls(hookLog)).toEqual([]);
    expect(readFileSync(target, 'utf8')).toBe(CONTENT);
  });

  it('a hook that prints {"decision":"block"} denies too', async () => {
    const { repo, server, target, hookLog } = await scene();
    const run = await runAgent('gemini', { serverUrl: server.url, cwd: repo.root, prompt, hook: { mode: 'deny-json', reason: REASON, log: hookLog, timeoutSeconds: 10 } });

    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(target)).toBe(false);
    expect(writeResult(server)).toMatchObject({ isError: true, text: `Tool execution blocked: ${REASON}` });
  });

  it('a hook that crashes (exit 1, no output) does not stop the write: it counts as allow', async () => {
    const { repo, server, target, hookLog } = await scene();
    const run = await runAgent('gemini', { serverUrl: server.url, cwd: repo.root, prompt, hook: { mode: 'crash', log: hookLog, timeoutSeconds: 10 } });

    expect(run.code, run.stderr).toBe(0);
    expect(hookCalls(hookLog)).toHaveLength(1);
    expect(readFileSync(target, 'utf8')).toBe(CONTENT);
    expect(run.stderr).toContain('Hook execution for BeforeTool: 0 succeeded, 1 failed');
  });

  it('a hook that hangs is killed at its timeout and the write goes through', async () => {
    const { repo, server, target, hookLog } = await scene();
    const run = await runAgent('gemini', { serverUrl: server.url, cwd: repo.root, prompt, hook: { mode: 'hang', log: hookLog, timeoutSeconds: 2 } });

    expect(run.code, run.stderr).toBe(0);
    expect(hookCalls(hookLog)).toHaveLength(1);
    expect(readFileSync(target, 'utf8')).toBe(CONTENT);
    expect(run.stderr).toContain('Hook timed out after 2000ms');
  });

  it('a dead model endpoint ends the run quickly with an API error (maxAttempts 1, retryFetchErrors off)', async () => {
    const { repo } = await scene();
    const run = await runAgent('gemini', { serverUrl: await deadServerUrl(), cwd: repo.root, prompt, timeoutMs: 60_000 });

    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(1);
    expect(run.durationMs).toBeLessThan(30_000);
    expect(finalEvent(run)).toMatchObject({ type: 'result', status: 'error', error: { message: '[API Error: exception TypeError: fetch failed sending request]' } });
  });

  it('an HTTP 500 from the model ends the run with the server\'s message, without retries', async () => {
    const { repo, server } = await scene([{ fail: { status: 500, message: 'Scripted outage' } }]);
    const run = await runAgent('gemini', { serverUrl: server.url, cwd: repo.root, prompt });

    expect(run.code).not.toBe(0);
    expect(finalEvent(run)).toMatchObject({ type: 'result', status: 'error', error: { message: expect.stringContaining('Scripted outage') } });
    expect(server.requests.filter((r) => r.kind === 'turn')).toHaveLength(1);
  });
});
