import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { claudePreset } from '../../electron/core/agents/presets/claude';
import { keepFixture, parseJsonLines } from './agent-clis';
import { fileContents, FREE, FREE_CONTENT, gitChanges, heldReason, loggedHookCalls, presetScene, requireCli, runInteractiveUntil, runLaunch, TARGET } from './harness';
import { proves } from '../helpers/proves';
import { createParser } from '../../electron/core/agents/parsers/index';
import type { AgentEventInput } from '../../shared/agents';

// The real Claude Code, started the way the app starts it (claudePreset.launch), in a session's
// worktree, with the real `council hook` as its hooks. The test user reaches the scripted model
// through ANTHROPIC_BASE_URL in their own environment, and has a Stop hook of their own.

describe.sequential('the Claude Code preset with the real CLI', () => {
  beforeAll(() => requireCli('claude'));

  it('headless: refuses the held file with the lock reason, writes the free one, and keeps the context current', async () => {
    const scene = await presetScene('claude');
    const { council, holder, writer, server, user } = scene;
    try {
      const launch = await claudePreset.launch(scene.ctx);
      const run = await runLaunch(launch);

      expect(run.timedOut).toBe(false);
      expect(run.code, run.stderr).toBe(0);
      expect(server.errors).toEqual([]);
      // (1) The held file: not written; the model reads the lock hook's reason; the run goes on.
      expect(existsSync(path.join(writer.worktreePath, TARGET))).toBe(false);
      const [denied, written] = server.toolResults();
      expect(denied).toMatchObject({ isError: true, text: heldReason(holder) });
      expect(await council.locks.who(TARGET, { cwd: scene.repo.root })).toMatchObject({ sessionId: holder.id });
      // While the model was told, the writer's context said blocked, on which file and why.
      expect(scene.contexts).toContainEqual(expect.objectContaining({ status: 'blocked', blockedOn: TARGET, blockedReason: heldReason(holder) }));
      // (2) The free file: written, locked for the writer; post-tool then stop leave it current and done.
      expect(written).toMatchObject({ isError: false });
      expect(readFileSync(path.join(writer.worktreePath, FREE), 'utf8')).toBe(FREE_CONTENT);
      expect(await council.locks.who(FREE, { cwd: scene.repo.root })).toMatchObject({ sessionId: writer.id });
      expect(council.context.get(writer.id)).toMatchObject({ status: 'done', currentFile: FREE, blockedOn: null, blockedReason: null, message: 'Done: wrote src/y.ts.' });
      expect(council.context.get(writer.id).history.map((h) => h.status)).toEqual(['idle', 'working', 'blocked', 'working', 'done']);
      expect(parseJsonLines(run.stdout).at(-1)).toMatchObject({ type: 'result', is_error: false });
      // Its structured output, through the preset's parser: the refusal, the written file, the answer.
      const parser = createParser('claude', { worktree: writer.worktreePath });
      const events: AgentEventInput[] = run.stdout.split('\n').flatMap((line) => parser.line(line));
      expect(events).toContainEqual(expect.objectContaining({ kind: 'denied' }));
      expect(events).toContainEqual({ kind: 'file-changed', path: FREE });
      expect(events.at(-1)).toMatchObject({ kind: 'done' });
      // (3) The user's own setup applied: their ANTHROPIC_BASE_URL (the model answered) and their own Stop hook.
      expect(server.requests.some((r) => r.kind === 'turn')).toBe(true);
      expect(existsSync(user.userHookMarker)).toBe(true);
      // (4) Nothing written to the user's config, nothing in the worktree but the agent's edit.
      expect(fileContents(user.configFiles)).toEqual(scene.configBefore);
      expect(gitChanges(writer.worktreePath)).toEqual([`?? ${FREE}`]);

      const calls = loggedHookCalls(scene.hookLog);
      // The digest hooks (start and prompt) run beside the status hooks, in no fixed order with them.
      expect(calls.filter((c) => c.kind === 'digest').map((c) => String(c.payload.hook_event_name)).sort()).toEqual(['UserPromptSubmit', 'SessionStart'].sort());
      expect(calls.filter((c) => c.kind !== 'digest' && c.kind !== 'notice').map((c) => `${c.kind}:${String(c.payload.hook_event_name)}`)).toEqual(['prompt:UserPromptSubmit', 'pre-tool:PreToolUse', 'pre-tool:PreToolUse', 'post-tool:PostToolUse', 'stop:Stop']);
      for (const kind of ['post-tool', 'stop', 'prompt']) keepFixture(`claude-${kind}-payload.json`, calls.find((c) => c.kind === kind)?.payload ?? {});
    } finally {
      await scene.close();
    }
    proves('claude', ['headless', 'locks.edit', 'status', 'events']);
  });

  it('interactive: the TUI starts on the task, and its permission prompt shows as waiting in the context', async () => {
    const scene = await presetScene('claude', { mode: 'interactive', script: [{ write: { path: FREE, content: FREE_CONTENT } }, { text: 'Done.' }], env: { TERM: 'xterm-256color' } });
    const { council, writer, user } = scene;
    try {
      // What a user who has run Claude Code before has in ~/.claude.json: onboarding done, their
      // API key accepted, and this folder trusted (Claude asks once per new folder: a new worktree).
      const apiKey = user.env.ANTHROPIC_API_KEY as string;
      const state = { hasCompletedOnboarding: true, theme: 'dark', customApiKeyResponses: { approved: [apiKey.slice(-20)], rejected: [] }, projects: { [writer.worktreePath]: { hasTrustDialogAccepted: true } } };
      writeFileSync(path.join(user.home, '.claude.json'), JSON.stringify(state));
      const launch = await claudePreset.launch(scene.ctx);
      expect(launch.args).not.toContain('-p');
      expect(launch.args.slice(-2)).toEqual(['--', `Create ${FREE}.`]);

      const waiting = () => council.context.get(writer.id).status === 'needs-input' && loggedHookCalls(scene.hookLog).some((c) => c.kind === 'notify');
      const run = await runInteractiveUntil(launch, waiting);

      expect(run.reached, run.output.slice(-2000)).toBe(true);
      expect(council.context.get(writer.id)).toMatchObject({ status: 'needs-input', message: 'Claude needs your permission' });
      // The lock hook ran before the prompt: the writer holds the file it asks to write (not written yet).
      expect(await council.locks.who(FREE, { cwd: scene.repo.root })).toMatchObject({ sessionId: writer.id });
      expect(existsSync(path.join(writer.worktreePath, FREE))).toBe(false);
      expect(fileContents(user.configFiles)).toEqual(scene.configBefore);
      keepFixture('claude-notify-payload.json', loggedHookCalls(scene.hookLog).find((c) => c.kind === 'notify')?.payload ?? {});
    } finally {
      await scene.close();
    }
    proves('claude', 'interactive');
  });
});
