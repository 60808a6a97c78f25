import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { HookPayloadError, parseStatusPayload, type HookAgent } from '../../electron/core/agents/hook-payload';
import { Council } from '../../electron/core/council';
import { COUNCIL_BIN } from '../helpers/cli';
import type { TestRepo } from '../helpers/repo';
import { FIXTURES } from './agent-clis';
import { heldFile, TARGET } from './harness';
import { holderLine } from '../helpers/holder-line';

// The status hooks (`council hook post-tool|notify|stop|prompt`) on the real payloads of the
// three CLIs (fixtures kept by tests/agents/preset-*.test.ts), as the CLIs run them: their own
// process, the payload on stdin. They must keep the context current and never get in the way.

type Kind = 'post-tool' | 'notify' | 'stop' | 'prompt';

/** A kept payload, its session's folder replaced by `cwd` (the fixture came from another worktree). */
function fixture(agent: HookAgent, kind: Kind | 'hook', cwd?: string): Record<string, unknown> {
  const text = readFileSync(path.join(FIXTURES, `${agent}-${kind}-payload.json`), 'utf8');
  const original = (JSON.parse(text) as { cwd: string }).cwd;
  return JSON.parse(cwd ? text.split(original).join(cwd) : text) as Record<string, unknown>;
}

function hook(kind: Kind | 'pre-tool', agent: string, input: string, options: { cwd: string; env?: Record<string, string> }) {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (!options.env?.COUNCIL_SESSION_ID) delete env.COUNCIL_SESSION_ID;
  delete env.COUNCIL_HOOK_LOG;
  const result = spawnSync(process.execPath, [COUNCIL_BIN, 'hook', kind, '--agent', agent], { cwd: options.cwd, input, encoding: 'utf8', env, timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('status hook payloads (the real ones)', () => {
  it('post-tool: the edited file, for each CLI', () => {
    for (const agent of ['claude', 'codex', 'gemini'] as const) {
      const payload = fixture(agent, 'post-tool');
      expect(parseStatusPayload(agent, 'post-tool', payload)).toEqual({ kind: 'post-tool', cwd: payload.cwd, tool: payload.tool_name, files: [path.join(payload.cwd as string, 'src/y.ts')] });
    }
  });

  it("notify: the notification's text; Claude's idle reminder is not a change; Codex's approval request", () => {
    expect(parseStatusPayload('claude', 'notify', fixture('claude', 'notify'))).toMatchObject({ text: 'Claude needs your permission' });
    expect(parseStatusPayload('gemini', 'notify', fixture('gemini', 'notify'))).toMatchObject({ text: 'Tool Confirm Write: src/y.ts requires editing' });
    const idle = { ...fixture('claude', 'notify'), message: 'Claude is waiting for your input', notification_type: 'idle_prompt' };
    expect(parseStatusPayload('claude', 'notify', idle)).toBeNull();
    // Codex's PermissionRequest (its published input schema; the scripted model cannot trigger one).
    const request = { cwd: '/w', hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: 'npm install', description: 'install the dependencies' } };
    expect(parseStatusPayload('codex', 'notify', request)).toMatchObject({ text: 'Codex asks for approval: Bash: install the dependencies' });
  });

  it("stop and prompt: the agent's last message, the prompt", () => {
    for (const agent of ['claude', 'codex', 'gemini'] as const) {
      expect(parseStatusPayload(agent, 'stop', fixture(agent, 'stop'))).toMatchObject({ kind: 'stop', text: 'Done: wrote src/y.ts.' });
      expect(parseStatusPayload(agent, 'prompt', fixture(agent, 'prompt'))).toMatchObject({ kind: 'prompt', text: 'Create src/y.ts.' });
    }
  });

  it('refuses a payload without an absolute cwd', () => {
    expect(() => parseStatusPayload('claude', 'stop', { hook_event_name: 'Stop' })).toThrow(HookPayloadError);
    expect(() => parseStatusPayload('gemini', 'stop', { cwd: 'relative' })).toThrow(HookPayloadError);
    expect(() => parseStatusPayload('codex', 'stop', [])).toThrow(HookPayloadError);
  });
});

describe('council hook post-tool|notify|stop|prompt (real processes)', () => {
  let repo: TestRepo;
  let council: Council;
  let holder: Session;
  let writer: Session;

  beforeEach(async () => {
    ({ repo, council, holder, writer } = await heldFile());
  });

  const quiet = { code: 0, stdout: '', stderr: '' };

  it('each CLI: prompt → working, post-tool → working on the file, stop → done; silently', async () => {
    for (const agent of ['claude', 'codex', 'gemini'] as const) {
      const cwd = writer.worktreePath;
      const env = { COUNCIL_SESSION_ID: writer.id };
      await council.context.update(writer.id, { status: 'idle', currentFile: null, message: null });
      expect(hook('prompt', agent, JSON.stringify(fixture(agent, 'prompt', cwd)), { cwd, env })).toEqual(quiet);
      expect(council.context.get(writer.id)).toMatchObject({ status: 'working', message: 'Create src/y.ts.' });
      expect(hook('post-tool', agent, JSON.stringify(fixture(agent, 'post-tool', cwd)), { cwd, env })).toEqual(quiet);
      expect(council.context.get(writer.id)).toMatchObject({ status: 'working', currentFile: 'src/y.ts' });
      // Found by its cwd when COUNCIL_SESSION_ID is not set.
      expect(hook('stop', agent, JSON.stringify(fixture(agent, 'stop', cwd)), { cwd })).toEqual(quiet);
      expect(council.context.get(writer.id)).toMatchObject({ status: 'done', currentFile: 'src/y.ts', message: 'Done: wrote src/y.ts.' });
    }
  });

  it.each([
    ['claude', 'Claude needs your permission'],
    ['gemini', 'Tool Confirm Write: src/y.ts requires editing'],
  ] as const)('%s: notify → needs-input, with what it waits for (Codex has no kept notify payload: see the payload test)', async (agent, message) => {
    const cwd = writer.worktreePath;
    await council.context.update(writer.id, { status: 'working' });
    expect(hook('notify', agent, JSON.stringify(fixture(agent, 'notify', cwd)), { cwd, env: { COUNCIL_SESSION_ID: writer.id } })).toEqual(quiet);
    expect(council.context.get(writer.id)).toMatchObject({ status: 'needs-input', message });
    expect(council.context.get(writer.id).history.map((h) => h.status)).toEqual(['idle', 'working', 'needs-input']);
  });

  it('a refused edit shows as blocked (on the file, with the reason); the next edit that goes through clears it', () => {
    const cwd = writer.worktreePath;
    const denied = hook('pre-tool', 'codex', JSON.stringify({ ...fixture('codex', 'hook', cwd), cwd }), { cwd, env: { COUNCIL_SESSION_ID: writer.id } });
    const reason = `${TARGET} is being edited by session ${holder.id} (codex: add auth); work on another file or wait${holderLine(holder.id)}`;
    expect(denied.code).toBe(2);
    expect(council.context.get(writer.id)).toMatchObject({ status: 'blocked', blockedOn: TARGET, blockedReason: reason, message: reason });

    expect(hook('post-tool', 'codex', JSON.stringify(fixture('codex', 'post-tool', cwd)), { cwd })).toEqual(quiet);
    expect(council.context.get(writer.id)).toMatchObject({ status: 'working', currentFile: 'src/y.ts', blockedOn: null, blockedReason: null });
  });

  it('fails open and says nothing: bad JSON, an unknown agent, an unknown session, an agent outside every session', () => {
    const cwd = writer.worktreePath;
    const before = council.context.get(writer.id);
    for (const run of [
      hook('post-tool', 'claude', '{not json', { cwd }),
      hook('stop', 'claude', '', { cwd }),
      hook('stop', 'cursor', JSON.stringify(fixture('claude', 'stop', cwd)), { cwd }),
      hook('stop', 'claude', JSON.stringify(fixture('claude', 'stop', cwd)), { cwd, env: { COUNCIL_SESSION_ID: 'ffffff' } }),
      hook('stop', 'claude', JSON.stringify(fixture('claude', 'stop', repo.root)), { cwd: repo.root }),
    ]) {
      expect(run).toEqual(quiet);
    }
    expect(council.context.get(writer.id)).toEqual(before);
    // COUNCIL_HOOK_DEBUG=1 says why on stderr, and still exits 0.
    const debug = hook('stop', 'claude', '{not json', { cwd, env: { COUNCIL_HOOK_DEBUG: '1' } });
    expect(debug).toMatchObject({ code: 0, stdout: '' });
    expect(debug.stderr).toMatch(/^council hook stop: .*JSON/);
  });

  it('gives up at its deadline (exit 0) when the CLI never closes stdin', async () => {
    const started = Date.now();
    const child = spawn(process.execPath, [COUNCIL_BIN, 'hook', 'post-tool', '--agent', 'claude'], { cwd: writer.worktreePath, env: { ...process.env, COUNCIL_HOOK_DEADLINE_MS: '500' } });
    child.stdin.write('{"cwd":'); // and never more, never closed
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
