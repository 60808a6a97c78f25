import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentEventInput } from '../../shared/agents';
import { qwenPreset } from '../../electron/core/agents/presets/qwen';
import { keepFixture, parseJsonLines } from './agent-clis';
import { fileContents, FREE, FREE_CONTENT, gitChanges, heldReason, loggedHookCalls, presetScene, requireCli, runLaunch, TARGET } from './harness';
import { proves } from '../helpers/proves';

// The real Qwen Code, started the way the app starts it (qwenPreset.launch: `qwen --prompt=… --yolo
// --output-format stream-json` with the session's own QWEN_HOME), in a session's worktree, with the
// real `council hook` as its hooks, against the scripted model server (OpenAI Chat Completions).
// The test user's own ~/.qwen/settings.json has a Stop hook of their own; their provider is in
// their environment (OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL).

describe.sequential('the Qwen Code preset with the real CLI', () => {
  beforeAll(() => requireCli('qwen'));

  it('headless: refuses the held file with the lock reason, writes the free one, its events parsed, the context current', async () => {
    const scene = await presetScene('qwen');
    const { council, holder, writer, server, user } = scene;
    try {
      const launch = await qwenPreset.launch(scene.ctx);
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
      expect(denied).toMatchObject({ text: heldReason(holder) });
      expect(await council.locks.who(TARGET, { cwd: scene.repo.root })).toMatchObject({ sessionId: holder.id });
      expect(scene.contexts).toContainEqual(expect.objectContaining({ status: 'blocked', blockedOn: TARGET, blockedReason: heldReason(holder) }));
      // (2) The free file: written, locked for the writer; post-tool then stop leave it current and done.
      expect(written?.text).toContain('Successfully created and wrote to new file');
      expect(readFileSync(path.join(writer.worktreePath, FREE), 'utf8')).toBe(FREE_CONTENT);
      expect(await council.locks.who(FREE, { cwd: scene.repo.root })).toMatchObject({ sessionId: writer.id });
      expect(council.context.get(writer.id)).toMatchObject({ status: 'done', currentFile: FREE, blockedOn: null, blockedReason: null, message: 'Done: wrote src/y.ts.' });
      expect(council.context.get(writer.id).history.map((h) => h.status)).toEqual(['idle', 'working', 'blocked', 'working', 'done']);
      // (3) Its stream-json, through the preset's parser: the conversation id, the refusal with its
      // reason, the written file, the answer.
      const events: AgentEventInput[] = run.stdout.split('\n').flatMap((line) => launch.parser?.line(line) ?? []);
      const init = parseJsonLines(run.stdout)[0] as { session_id: string };
      expect(events[0]).toEqual({ kind: 'started', agentSessionId: init.session_id, model: 'qwen3-coder-plus' });
      expect(events).toContainEqual({ kind: 'denied', tool: 'write_file', path: TARGET, reason: heldReason(holder) });
      expect(events).toContainEqual({ kind: 'file-changed', path: FREE });
      expect(events.at(-1)).toEqual({ kind: 'done', text: 'Done: wrote src/y.ts.' });
      // (4) The user's own setup applied through the session's Qwen folder (their Stop hook ran),
      // nothing written to their config, nothing in the worktree but the agent's edit.
      expect(existsSync(user.userHookMarker)).toBe(true);
      expect(fileContents(user.configFiles)).toEqual(scene.configBefore);
      expect(gitChanges(writer.worktreePath)).toEqual([`?? ${FREE}`]);

      const calls = loggedHookCalls(scene.hookLog);
      expect(calls.filter((c) => c.kind === 'pre-tool').map((c) => c.payload.tool_name)).toEqual(['write_file', 'write_file']);
      expect(calls.filter((c) => c.kind === 'post-tool').map((c) => c.payload.tool_name)).toEqual(['write_file']);
      expect(calls.some((c) => c.kind === 'stop')).toBe(true);
      keepFixture('qwen-denied.jsonl', { ...run, events: parseJsonLines(run.stdout) } as never);
      for (const kind of ['pre-tool', 'post-tool', 'stop', 'prompt']) keepFixture(`qwen-${kind}-payload.json`, calls.find((c) => c.kind === kind)?.payload ?? {});
    } finally {
      await scene.close();
    }
    proves('qwen', ['headless', 'locks.edit', 'status', 'events']);
  }, 180_000);
});
