import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { geminiPreset } from '../../electron/core/agents/presets/gemini';
import { keepFixture, parseJsonLines } from './agent-clis';
import { fileContents, FREE, FREE_CONTENT, gitChanges, heldReason, loggedHookCalls, presetScene, requireCli, runInteractiveUntil, runLaunch, TARGET } from './harness';
import { proves } from '../helpers/proves';
import { createParser } from '../../electron/core/agents/parsers/index';
import type { AgentEventInput } from '../../shared/agents';

// The real Gemini CLI, started the way the app starts it (geminiPreset.launch: `gemini -p …` with
// the session's own GEMINI_CLI_HOME), in a session's worktree, with the real `council hook` as its
// hooks. The test user's own ~/.gemini/settings.json (with comments) carries the auth type and the
// retry settings and a hook of their own; their API key is in ~/.env.

describe.sequential('the Gemini CLI preset with the real CLI', () => {
  beforeAll(() => requireCli('gemini'));

  it('headless: refuses the held file with the lock reason, writes the free one, and keeps the context current', async () => {
    const scene = await presetScene('gemini');
    const { council, holder, writer, server, user } = scene;
    try {
      const launch = await geminiPreset.launch(scene.ctx);
      expect(launch.env.HOME).toBe(user.home);
      const run = await runLaunch(launch);

      expect(run.timedOut).toBe(false);
      expect(run.code, run.stderr).toBe(0);
      expect(server.errors).toEqual([]);
      // (1) The held file: not written; the model reads the lock hook's reason; the run goes on.
      expect(existsSync(path.join(writer.worktreePath, TARGET))).toBe(false);
      const [denied, written] = server.toolResults();
      expect(denied).toMatchObject({ name: 'write_file', isError: true, text: `Tool execution blocked: ${heldReason(holder)}` });
      expect(await council.locks.who(TARGET, { cwd: scene.repo.root })).toMatchObject({ sessionId: holder.id });
      expect(scene.contexts).toContainEqual(expect.objectContaining({ status: 'blocked', blockedOn: TARGET, blockedReason: heldReason(holder) }));
      // (2) The free file: written, locked for the writer; post-tool then stop leave it current and done.
      expect(written).toMatchObject({ name: 'write_file', isError: false });
      expect(readFileSync(path.join(writer.worktreePath, FREE), 'utf8')).toBe(FREE_CONTENT);
      expect(await council.locks.who(FREE, { cwd: scene.repo.root })).toMatchObject({ sessionId: writer.id });
      expect(council.context.get(writer.id)).toMatchObject({ status: 'done', currentFile: FREE, blockedOn: null, blockedReason: null, message: 'Done: wrote src/y.ts.' });
      expect(council.context.get(writer.id).history.map((h) => h.status)).toEqual(['idle', 'working', 'blocked', 'working', 'done']);
      expect(parseJsonLines(run.stdout).at(-1)).toMatchObject({ type: 'result', status: 'success' });
      // Its structured output, through the preset's parser: the refusal, the written file, the answer.
      const parser = createParser('gemini', { worktree: writer.worktreePath });
      const events: AgentEventInput[] = run.stdout.split('\n').flatMap((line) => parser.line(line));
      expect(events).toContainEqual(expect.objectContaining({ kind: 'denied', path: TARGET }));
      expect(events).toContainEqual({ kind: 'file-changed', path: FREE });
      expect(events.at(-1)).toMatchObject({ kind: 'done' });
      // (3) The user's own setup applied through the session's Gemini home: settings.json (without
      // its auth type Gemini refuses to start), the key from ~/.env, and their own AfterAgent hook.
      expect(server.requests.some((r) => r.kind === 'turn')).toBe(true);
      expect(existsSync(user.userHookMarker)).toBe(true);
      expect(lstatSync(path.join(launch.env.GEMINI_CLI_HOME as string, '.env')).isSymbolicLink()).toBe(true);
      // (4) Nothing written to the user's config, nothing in the worktree but the agent's edit.
      expect(fileContents(user.configFiles)).toEqual(scene.configBefore);
      expect(gitChanges(writer.worktreePath)).toEqual([`?? ${FREE}`]);

      const calls = loggedHookCalls(scene.hookLog);
      // The digest hooks (start and prompt) run beside the status hooks, in no fixed order with them.
      expect(calls.filter((c) => c.kind === 'digest').map((c) => String(c.payload.hook_event_name)).sort()).toEqual(['BeforeAgent', 'SessionStart'].sort());
      expect(calls.filter((c) => c.kind !== 'digest' && c.kind !== 'notice').map((c) => `${c.kind}:${String(c.payload.hook_event_name)}`)).toEqual(['prompt:BeforeAgent', 'pre-tool:BeforeTool', 'pre-tool:BeforeTool', 'post-tool:AfterTool', 'stop:AfterAgent']);
      for (const kind of ['post-tool', 'stop', 'prompt']) keepFixture(`gemini-${kind}-payload.json`, calls.find((c) => c.kind === kind)?.payload ?? {});
    } finally {
      await scene.close();
    }
    proves('gemini', ['headless', 'locks.edit', 'status', 'events']);
  });

  it("interactive: the TUI starts on the task in the folder the user's own trust list trusts, and its approval prompt shows as waiting", async () => {
    const scene = await presetScene('gemini', { mode: 'interactive', script: [{ write: { path: FREE, content: FREE_CONTENT } }, { text: 'Done.' }], env: { TERM: 'xterm-256color' } });
    const { council, writer, user } = scene;
    try {
      // The user's own trust list, in their ~/.gemini: reached only through the session's link to it
      // (no --skip-trust in the TUI; an untrusted folder would stop at Gemini's trust dialog).
      const trusted = path.join(user.home, '.gemini', 'trustedFolders.json');
      writeFileSync(trusted, JSON.stringify({ [writer.worktreePath]: 'TRUST_FOLDER' }));
      const launch = await geminiPreset.launch(scene.ctx);
      expect(launch.args).toEqual([`--prompt-interactive=Create ${FREE}.`, ...launch.args.slice(1)]);
      expect(lstatSync(path.join(launch.env.GEMINI_CLI_HOME as string, '.gemini', 'trustedFolders.json')).isSymbolicLink()).toBe(true);

      const waiting = () => council.context.get(writer.id).status === 'needs-input' && loggedHookCalls(scene.hookLog).some((c) => c.kind === 'notify');
      const run = await runInteractiveUntil(launch, waiting);

      expect(run.reached, run.output.slice(-2000)).toBe(true);
      expect(council.context.get(writer.id)).toMatchObject({ status: 'needs-input', message: `Tool Confirm Write: ${FREE} requires editing` });
      expect(await council.locks.who(FREE, { cwd: scene.repo.root })).toMatchObject({ sessionId: writer.id });
      expect(existsSync(path.join(writer.worktreePath, FREE))).toBe(false);
      expect(fileContents([...user.configFiles, trusted])).toEqual({ ...scene.configBefore, [trusted]: JSON.stringify({ [writer.worktreePath]: 'TRUST_FOLDER' }) });
      keepFixture('gemini-notify-payload.json', loggedHookCalls(scene.hookLog).find((c) => c.kind === 'notify')?.payload ?? {});
    } finally {
      await scene.close();
    }
    proves('gemini', 'interactive');
  });
});
