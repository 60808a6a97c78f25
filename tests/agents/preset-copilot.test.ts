import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentEventInput } from '../../shared/agents';
import { copilotPreset } from '../../electron/core/agents/presets/copilot';
import { keepFixture, parseJsonLines } from './agent-clis';
import { fileContents, FREE, FREE_CONTENT, gitChanges, heldReason, loggedHookCalls, presetScene, requireCli, runLaunch, TARGET } from './harness';
import { proves } from '../helpers/proves';

// The real GitHub Copilot CLI, started the way the app starts it (copilotPreset.launch: `copilot
// --prompt=… --output-format json --allow-all-tools --plugin-dir <the session's hook plugin>`), in a
// session's worktree, with the real `council hook` as its hooks, against the scripted model server
// (OpenAI Chat Completions) in bring-your-own-model mode (COPILOT_PROVIDER_BASE_URL …, no GitHub
// login). The test user has an agentStop hook of their own in ~/.copilot/hooks.

describe.sequential('the GitHub Copilot CLI preset with the real CLI', () => {
  beforeAll(() => requireCli('copilot'));

  it('headless: refuses the held file with the lock reason, writes the free one, its events parsed, the context current', async () => {
    const scene = await presetScene('copilot');
    const { council, holder, writer, server, user } = scene;
    try {
      const launch = await copilotPreset.launch(scene.ctx);
      expect(launch.env.HOME).toBe(user.home);
      expect(launch.env.PWD).toBe(writer.worktreePath);
      expect(launch.env.COUNCIL_SESSION_ID).toBe(writer.id);
      const run = await runLaunch(launch);

      expect(run.timedOut).toBe(false);
      expect(run.code, run.stderr).toBe(0);
      expect(server.errors).toEqual([]);
      // (1) The held file: not written; the model reads the lock hook's reason; the run goes on.
      expect(existsSync(path.join(writer.worktreePath, TARGET))).toBe(false);
      const [denied, written] = server.toolResults();
      expect(denied).toMatchObject({ text: `Denied by preToolUse hook: ${heldReason(holder)}` });
      expect(await council.locks.who(TARGET, { cwd: scene.repo.root })).toMatchObject({ sessionId: holder.id });
      expect(scene.contexts).toContainEqual(expect.objectContaining({ status: 'blocked', blockedOn: TARGET, blockedReason: heldReason(holder) }));
      // (2) The free file: written, locked for the writer; post-tool then stop leave it current and done.
      expect(written?.text).toContain(`Created file ${path.join(writer.worktreePath, FREE)}`);
      expect(readFileSync(path.join(writer.worktreePath, FREE), 'utf8')).toBe(FREE_CONTENT);
      expect(await council.locks.who(FREE, { cwd: scene.repo.root })).toMatchObject({ sessionId: writer.id });
      expect(council.context.get(writer.id)).toMatchObject({ status: 'done', currentFile: FREE, blockedOn: null, blockedReason: null, message: 'Done: wrote src/y.ts.' });
      expect(council.context.get(writer.id).history.map((h) => h.status)).toEqual(['idle', 'working', 'blocked', 'working', 'done']);
      // (3) Its JSON events, through the preset's parser: the tool calls, the refusal with its reason,
      // the written file, the conversation id (only in the final result) and the answer.
      const events: AgentEventInput[] = run.stdout.split('\n').flatMap((line) => launch.parser?.line(line) ?? []);
      const result = parseJsonLines(run.stdout).at(-1) as { type: string; sessionId: string };
      expect(result.type).toBe('result');
      expect(events).toContainEqual({ kind: 'tool', tool: 'create', path: TARGET });
      expect(events).toContainEqual({ kind: 'denied', tool: 'create', path: TARGET, reason: heldReason(holder) });
      expect(events).toContainEqual({ kind: 'file-changed', path: FREE });
      expect(events.slice(-2)).toEqual([
        { kind: 'started', agentSessionId: result.sessionId, model: 'gpt-4.1' },
        { kind: 'done', text: 'Done: wrote src/y.ts.' },
      ]);
      // (4) The user's own setup applied beside our plugin (their agentStop hook ran),
      // nothing written to their config, nothing in the worktree but the agent's edit.
      expect(existsSync(user.userHookMarker)).toBe(true);
      expect(fileContents(user.configFiles)).toEqual(scene.configBefore);
      expect(gitChanges(writer.worktreePath)).toEqual([`?? ${FREE}`]);

      const calls = loggedHookCalls(scene.hookLog);
      expect(calls.filter((c) => c.kind === 'pre-tool').map((c) => c.payload.toolName)).toEqual(['create', 'create']);
      expect(calls.filter((c) => c.kind === 'post-tool').map((c) => c.payload.toolName)).toEqual(['create']);
      expect(calls.some((c) => c.kind === 'stop')).toBe(true);
      keepFixture('copilot-denied.jsonl', { ...run, events: parseJsonLines(run.stdout) } as never);
      for (const kind of ['pre-tool', 'post-tool', 'stop', 'prompt']) keepFixture(`copilot-${kind}-payload.json`, calls.find((c) => c.kind === kind)?.payload ?? {});
    } finally {
      await scene.close();
    }
    proves('copilot', ['headless', 'locks.edit', 'status', 'events']);
  }, 180_000);
});
