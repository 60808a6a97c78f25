import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copilotPreset } from '../../electron/core/agents/presets/copilot';
import { qwenPreset } from '../../electron/core/agents/presets/qwen';
import type { Launch } from '../../electron/core/agents/types';
import { FREE, FREE_CONTENT, loggedHookCalls, presetScene, requireCli, runInteractiveUntil } from './harness';
import { proves } from '../helpers/proves';

// Qwen Code's and Copilot CLI's TUIs, started the way the app starts them (in a pseudo-terminal,
// the task as the first prompt, our hooks in place): the task reaches the model (the prompt hook
// says so), and the CLI's own approval prompt before the write shows as "needs input" in the
// session's context. Copilot runs its preToolUse hook (the lock is taken) before it asks; Qwen asks
// first.

const SCRIPT = [{ write: { path: FREE, content: FREE_CONTENT } }, { text: 'Done.' }];

const groups = new Set<number>();
afterEach(() => {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  groups.clear();
});

/**
 * Copilot's TUI first asks "Do you trust the files in this folder?" (option 1, "Yes", selected):
 * answered with Enter, as the person would in its terminal; then runs until `done()`.
 */
async function runAnsweringTrust(launch: Launch, done: () => boolean, timeoutMs: number): Promise<{ reached: boolean; asked: boolean; output: string }> {
  const mod = (await import('node-pty')) as typeof import('node-pty') & { default?: typeof import('node-pty') };
  const pty = typeof mod.spawn === 'function' ? mod : (mod.default as typeof import('node-pty'));
  const term = pty.spawn(launch.command, launch.args, { cwd: launch.cwd, env: launch.env, cols: 120, rows: 40, name: 'xterm-256color' });
  groups.add(term.pid);
  let output = '';
  let asked = false;
  term.onData((data) => {
    output += data;
    if (!asked && output.includes('Do you trust the files in this folder?')) {
      asked = true;
      setTimeout(() => term.write('\r'), 500);
    }
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !done()) await new Promise((resolve) => setTimeout(resolve, 200));
  const reached = done();
  term.kill('SIGKILL');
  return { reached, asked, output };
}

describe.sequential('Qwen Code and Copilot CLI interactive, with the real CLIs', () => {
  it('qwen: the TUI takes the task, and its approval prompt shows as waiting', async () => {
    requireCli('qwen');
    const scene = await presetScene('qwen', { mode: 'interactive', script: SCRIPT, env: { TERM: 'xterm-256color' } });
    const { council, writer } = scene;
    try {
      const launch = await qwenPreset.launch(scene.ctx);
      expect(launch.args[0]).toBe(`--prompt-interactive=Create ${FREE}.`);
      const run = await runInteractiveUntil(launch, () => council.context.get(writer.id).status === 'needs-input', 60_000);
      expect(run.reached, run.output.slice(-3000)).toBe(true);
      const calls = loggedHookCalls(scene.hookLog);
      expect(calls.map((c) => c.kind)).toContain('prompt');
      expect(calls.filter((c) => c.kind === 'notify').map((c) => c.payload.notification_type)).toContain('permission_prompt');
      // Qwen asks before its PreToolUse hook runs: the lock is taken once the person approves.
      expect(calls.some((c) => c.kind === 'pre-tool')).toBe(false);
      expect(existsSync(path.join(writer.worktreePath, FREE))).toBe(false);
    } finally {
      await scene.close();
    }
    proves('qwen', 'interactive');
  }, 120_000);

  it('copilot: after its folder-trust question, the TUI takes the task, and its approval prompt shows as waiting', async () => {
    requireCli('copilot');
    const scene = await presetScene('copilot', { mode: 'interactive', script: SCRIPT, env: { TERM: 'xterm-256color' } });
    const { council, writer } = scene;
    try {
      const launch = await copilotPreset.launch(scene.ctx);
      expect(launch.args[0]).toBe(`--interactive=Create ${FREE}.`);
      const run = await runAnsweringTrust(launch, () => council.context.get(writer.id).status === 'needs-input', 60_000);
      expect(run.asked, run.output.slice(-3000)).toBe(true);
      expect(run.reached, run.output.slice(-3000)).toBe(true);
      expect(loggedHookCalls(scene.hookLog).map((c) => c.kind)).toContain('prompt');
      expect(await council.locks.who(FREE, { cwd: scene.repo.root })).toMatchObject({ sessionId: writer.id });
      expect(existsSync(path.join(writer.worktreePath, FREE))).toBe(false);
    } finally {
      await scene.close();
    }
    proves('copilot', 'interactive');
  }, 120_000);
});
