import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentEventInput } from '../../shared/agents';
import { KILO_DENIAL_PREFIX } from '../../electron/core/agents/hooks/kilo';
import { kiloPreset } from '../../electron/core/agents/presets/kilo';
import { keepFixture, parseJsonLines } from './agent-clis';
import { fileContents, FREE, FREE_CONTENT, gitChanges, heldReason, loggedHookCalls, presetScene, requireCli, runLaunch, TARGET, type PresetScene } from './harness';
import { proves } from '../helpers/proves';

// The real Kilo Code CLI (@kilocode/cli, an opencode fork), started the way the app starts it
// (kiloPreset.launch: `kilo run --format json --auto "<task>"`, council's plugin and MCP server in
// KILO_CONFIG_CONTENT), in a session's worktree, with the real `council hook` behind its plugin,
// against the scripted model server (Anthropic Messages, a custom provider in the test user's
// ~/.config/kilo/kilo.json, with a plugin of their own).

const HELD_EXISTING = 'README.md';
const ORIGINAL = '# demo\n';

/** The tool results the model read after each of its tool calls, as JSON text. */
function requestsAfter(scene: PresetScene, kind: 'write' | 'shell'): string {
  const turns = scene.server.requests.filter((r) => r.kind === 'turn');
  const at = turns.findIndex((r) => r.answered?.kind === kind);
  return turns
    .slice(at + 1)
    .map((r) => JSON.stringify(r.body))
    .join('\n');
}

/** The reason as it is written inside a JSON string (its quotes escaped). */
const inJson = (text: string): string => JSON.stringify(text).slice(1, -1);

describe.sequential('the Kilo Code preset with the real CLI', () => {
  beforeAll(() => requireCli('kilo'));

  it('headless: refuses the held file with the lock reason, writes the free one, its events parsed, the context current', async () => {
    const scene = await presetScene('kilo');
    const { council, holder, writer, server, user } = scene;
    try {
      const launch = await kiloPreset.launch(scene.ctx);
      expect(launch.env.HOME).toBe(user.home);
      expect(launch.env.PWD).toBe(writer.worktreePath);
      expect(launch.env.COUNCIL_SESSION_ID).toBe(writer.id);
      expect(launch.args.slice(0, 4)).toEqual(['run', '--format', 'json', '--auto']);
      const run = await runLaunch(launch, 240_000);

      expect(run.timedOut).toBe(false);
      expect(run.code, run.stderr).toBe(0);
      expect(server.errors).toEqual([]);
      // (1) The held file: not written; the model reads the lock hook's reason; the run goes on.
      expect(existsSync(path.join(writer.worktreePath, TARGET))).toBe(false);
      const [denied, written] = server.toolResults();
      expect(denied?.text).toBe(`${KILO_DENIAL_PREFIX} ${heldReason(holder)}`);
      expect(await council.locks.who(TARGET, { cwd: scene.repo.root })).toMatchObject({ sessionId: holder.id });
      expect(scene.contexts).toContainEqual(expect.objectContaining({ status: 'blocked', blockedOn: TARGET, blockedReason: heldReason(holder) }));
      // (2) The free file: written, locked for the writer; post-tool then stop leave it current and done.
      expect(written?.text).toContain('Wrote file successfully');
      expect(readFileSync(path.join(writer.worktreePath, FREE), 'utf8')).toBe(FREE_CONTENT);
      expect(await council.locks.who(FREE, { cwd: scene.repo.root })).toMatchObject({ sessionId: writer.id });
      expect(council.context.get(writer.id)).toMatchObject({ status: 'done', currentFile: FREE, blockedOn: null, blockedReason: null });
      // (3) Its JSON events, through the preset's parser: the tool calls, the refusal with its
      // reason, the written file, the conversation id and the answer.
      const events: AgentEventInput[] = run.stdout.split('\n').flatMap((line) => launch.parser?.line(line) ?? []);
      const sessionId = (parseJsonLines(run.stdout)[0] as { sessionID: string }).sessionID;
      expect(sessionId).toMatch(/^ses_/);
      expect(events[0]).toEqual({ kind: 'started', agentSessionId: sessionId, model: null });
      expect(events).toContainEqual({ kind: 'tool', tool: 'write', path: TARGET });
      expect(events).toContainEqual({ kind: 'denied', tool: 'write', path: TARGET, reason: heldReason(holder) });
      expect(events).toContainEqual({ kind: 'file-changed', path: FREE });
      expect(events.at(-1)).toEqual({ kind: 'done', text: 'Done: wrote src/y.ts.' });
      // (4) The user's own setup applied beside our plugin (their plugin ran), nothing written to
      // their config, nothing in the worktree but the agent's edit.
      expect(existsSync(user.userHookMarker)).toBe(true);
      expect(fileContents(user.configFiles)).toEqual(scene.configBefore);
      expect(gitChanges(writer.worktreePath)).toEqual([`?? ${FREE}`]);

      const calls = loggedHookCalls(scene.hookLog);
      expect(calls.filter((c) => c.kind === 'pre-tool').map((c) => c.payload.tool_name)).toEqual(['write', 'write']);
      expect(calls.filter((c) => c.kind === 'post-tool').map((c) => c.payload.tool_name)).toEqual(['write']);
      expect(calls.some((c) => c.kind === 'stop')).toBe(true);
      keepFixture('kilo-denied.jsonl', { ...run, events: parseJsonLines(run.stdout) } as never);
      for (const kind of ['pre-tool', 'post-tool', 'stop', 'prompt']) keepFixture(`kilo-${kind}-payload.json`, calls.find((c) => c.kind === kind)?.payload ?? {});
    } finally {
      await scene.close();
    }
    proves('kilo', ['headless', 'locks.edit', 'status', 'events']);
  }, 300_000);
});
