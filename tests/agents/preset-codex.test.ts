import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { codexPreset } from '../../electron/core/agents/presets/codex';
import { keepFixture, parseJsonLines } from './agent-clis';
import { fileContents, FREE, FREE_CONTENT, gitChanges, heldReason, loggedHookCalls, presetScene, requireCli, runLaunch, TARGET } from './harness';
import { proves } from '../helpers/proves';
import { createParser } from '../../electron/core/agents/parsers/index';
import type { AgentEventInput } from '../../shared/agents';

// The real Codex, started the way the app starts it (codexPreset.launch: `codex exec --json …`
// with our hooks as -c overrides), in a session's worktree, with the real `council hook` as its
// hooks. The test user reaches the scripted model through a provider in their own
// ~/.codex/config.toml, which also has a Stop hook of their own.

describe.sequential('the Codex preset with the real CLI', () => {
  beforeAll(() => requireCli('codex'));

  it('headless: refuses the held file with the lock reason, writes the free one, and keeps the context current', async () => {
    const scene = await presetScene('codex');
    const { council, holder, writer, server, user } = scene;
    try {
      const launch = await codexPreset.launch(scene.ctx);
      const run = await runLaunch(launch);

      expect(run.timedOut).toBe(false);
      expect(run.code, run.stderr).toBe(0);
      expect(server.errors).toEqual([]);
      // (1) The held file: not written; the model reads the lock hook's reason; the run goes on.
      expect(existsSync(path.join(writer.worktreePath, TARGET))).toBe(false);
      const [denied, written] = server.toolResults();
      // Exit 2 with the reason on stderr and {"decision":"block"} on stdout: Codex gives the model the
      // reason, then the refused patch (". Command: *** Begin Patch …").
      expect(denied?.text).toContain(`Command blocked by PreToolUse hook: ${heldReason(holder)}. Command: *** Begin Patch\n*** Add File: ${TARGET}`);
      expect(await council.locks.who(TARGET, { cwd: scene.repo.root })).toMatchObject({ sessionId: holder.id });
      expect(scene.contexts).toContainEqual(expect.objectContaining({ status: 'blocked', blockedOn: TARGET, blockedReason: heldReason(holder) }));
      // (2) The free file: written, locked for the writer; post-tool then stop leave it current and done.
      expect(written?.text).toContain(`Success. Updated the following files:\nA ${FREE}`);
      expect(readFileSync(path.join(writer.worktreePath, FREE), 'utf8')).toBe(FREE_CONTENT);
      expect(await council.locks.who(FREE, { cwd: scene.repo.root })).toMatchObject({ sessionId: writer.id });
      expect(council.context.get(writer.id)).toMatchObject({ status: 'done', currentFile: FREE, blockedOn: null, blockedReason: null, message: 'Done: wrote src/y.ts.' });
      expect(council.context.get(writer.id).history.map((h) => h.status)).toEqual(['idle', 'working', 'blocked', 'working', 'done']);
      expect(parseJsonLines(run.stdout).at(-1)).toMatchObject({ type: 'turn.completed' });
      // Its --json, through the preset's parser: the patch, the written file, the answer. (Codex
      // leaves a patch its hook refused out of --json: the refusal reaches council by the hook.)
      const parser = createParser('codex', { worktree: writer.worktreePath });
      const events: AgentEventInput[] = run.stdout.split('\n').flatMap((line) => parser.line(line));
      expect(events).toContainEqual({ kind: 'tool', tool: 'apply_patch', path: FREE });
      expect(events).toContainEqual({ kind: 'file-changed', path: FREE });
      expect(events.at(-1)).toMatchObject({ kind: 'done' });
      // (3) The user's own config applied: their provider (the model answered) and their own Stop hook.
      expect(server.requests.some((r) => r.kind === 'turn')).toBe(true);
      expect(existsSync(user.userHookMarker)).toBe(true);
      // (4) Nothing written to the user's config, nothing in the worktree but the agent's edit.
      expect(fileContents(user.configFiles)).toEqual(scene.configBefore);
      expect(gitChanges(writer.worktreePath)).toEqual([`?? ${FREE}`]);

      const calls = loggedHookCalls(scene.hookLog);
      // The digest hooks (start and prompt) run beside the status hooks, in no fixed order with them.
      expect(calls.filter((c) => c.kind === 'digest').map((c) => String(c.payload.hook_event_name)).sort()).toEqual(['UserPromptSubmit', 'SessionStart'].sort());
      expect(calls.filter((c) => c.kind !== 'digest' && c.kind !== 'notice').map((c) => `${c.kind}:${String(c.payload.hook_event_name)}`)).toEqual(['prompt:UserPromptSubmit', 'pre-tool:PreToolUse', 'pre-tool:PreToolUse', 'post-tool:PostToolUse', 'stop:Stop']);
      for (const kind of ['post-tool', 'stop', 'prompt']) keepFixture(`codex-${kind}-payload.json`, calls.find((c) => c.kind === kind)?.payload ?? {});
    } finally {
      await scene.close();
    }
    proves('codex', ['headless', 'locks.edit', 'status', 'events']);
  });
});
