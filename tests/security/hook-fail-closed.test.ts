/**
 * The lock hook fails closed in the real Claude Code, Codex and Gemini CLI, each started the way the
 * app starts it (its preset's Launch, with our hooks), offline against the scripted model server
 * (see tests/agents/harness.ts). Every one of these CLIs lets an edit through when its hook crashes
 * or times out (tests/agents/{claude,codex,gemini}.test.ts show it with a raw hook); ours must not:
 *
 * - crash: the council state the hook reads is corrupt (sessions.json is not JSON) → the hook hits
 *   an exception → the edit is refused and the file is not written;
 * - timeout: the edit needs a lock left by a session that is gone, and a live process holds that
 *   session's mutex → the hook cannot decide → it refuses at its own deadline (COUNCIL_HOOK_DEADLINE_MS,
 *   shortened to 3 s here), before the CLI's own limit would kill it (= allow); an edit of a free
 *   file in the same run still goes through;
 * - cannot start: the council bundle the hook command names is gone (a rebuild, an uninstall) →
 *   the command line's `|| exit 2` refuses the edit.
 *
 * Nine real-CLI runs, a few seconds each.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import type { AgentPreset, LaunchContext } from '../../electron/core/agents/types';
import { claudePreset } from '../../electron/core/agents/presets/claude';
import { codexPreset } from '../../electron/core/agents/presets/codex';
import { geminiPreset } from '../../electron/core/agents/presets/gemini';
import { startModelServer, type ModelServer, type Script, type ToolResult } from '../support/model-server/index';
import type { AgentName } from '../agents/agent-clis';
import { CONTENT, FREE, FREE_CONTENT, gitChanges, launchContext, presetScene, requireCli, runLaunch, TARGET, testUser } from '../agents/harness';
import { makeRepo } from '../helpers/repo';
import { claudeWrite, holdSessionMutex, orphanLocksOf, runPreToolHook } from './lock-faults';

const PRESETS: Record<AgentName, AgentPreset> = { claude: claudePreset, codex: codexPreset, gemini: geminiPreset };

/** How each CLI words its hook's refusal (Claude and Gemini also mark the result an error; Codex
 * reports it as the command's output). */
const DENIAL_TEXT: Record<AgentName, RegExp> = { claude: /./, codex: /Command blocked by PreToolUse hook: /, gemini: /^Tool execution blocked: / };

/** The CLI's refusal of the edit, with `fragment` somewhere in the reason. */
function expectDenied(cli: AgentName, result: ToolResult | undefined, fragment: string): void {
  expect(result, 'a tool result for the refused edit').toBeDefined();
  expect(result?.text).toMatch(DENIAL_TEXT[cli]);
  expect(cli === 'codex' || result?.isError === true, `${cli} marks the refusal as an error`).toBe(true);
  expect(result?.text).toContain(fragment);
}

const written = (scene: { writer: Session }, file: string): string | null => {
  const full = path.join(scene.writer.worktreePath, file);
  return existsSync(full) ? readFileSync(full, 'utf8') : null;
};

const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/**
 * One session whose agent the user's CLI config points straight at the scripted model (no
 * observing proxy: it reads the council state, which the crash test breaks on purpose).
 */
async function directScene(cli: AgentName, script: Script): Promise<{ council: Council; writer: Session; server: ModelServer; ctx: LaunchContext }> {
  const repo = makeRepo();
  const council = Council.open(repo.root);
  const [writer] = (await council.createSessions({ task: 'add y', agent: cli })) as [Session];
  const server = await startModelServer(script);
  servers.push(server);
  const user = testUser(cli, server.url);
  // Codex does not start without council's MCP server (required: tests/mcp/codex-mcp.test.ts), which
  // breaks with the state or bundle these tests break: off here, where the hook is under test.
  const env = cli === 'codex' ? { COUNCIL_MCP: 'off' } : undefined;
  return { council, writer, server, ctx: launchContext({ cli, repo, session: writer, user, task: `Create ${FREE}.`, env }) };
}

describe.each(['claude', 'codex', 'gemini'] as const)('the lock hook fails closed in the real %s', (cli) => {
  beforeAll(() => requireCli(cli));

  it('crash: council state it reads is corrupt → the edit is refused, the file untouched', async () => {
    const scene = await directScene(cli, [{ write: { path: FREE, content: FREE_CONTENT } }, { text: 'Done.' }]);
    const registry = scene.council.ws.paths.registry;
    const intact = readFileSync(registry, 'utf8');
    try {
      const launch = await PRESETS[cli].launch(scene.ctx);
      // Cut short, as a full disk or a hand edit leaves it.
      writeFileSync(registry, intact.slice(0, Math.floor(intact.length / 2)));
      const run = await runLaunch(launch);

      expect(run.timedOut).toBe(false);
      expect(scene.server.errors).toEqual([]);
      const [result] = scene.server.toolResults();
      expectDenied(cli, result, 'the council lock hook could not check this edit, so it is refused');
      expectDenied(cli, result, 'is corrupt');
      expect(written(scene, FREE)).toBeNull();
      expect(gitChanges(scene.writer.worktreePath)).toEqual([]);
    } finally {
      writeFileSync(registry, intact);
    }
  });

  it("timeout: the hook waits on a live process's mutex → refused at its own deadline, before the CLI's limit; a free file still goes through", async () => {
    const scene = await presetScene(cli, {
      script: [{ write: { path: TARGET, content: CONTENT } }, { write: { path: FREE, content: FREE_CONTENT } }, { text: 'Done.' }],
      env: { COUNCIL_HOOK_DEADLINE_MS: '3000' },
    });
    try {
      // TARGET's lock now belongs to a session that is gone; taking it over needs that session's
      // mutex, which this (live) process holds through the whole run.
      await orphanLocksOf(scene.council, scene.holder);
      const release = await holdSessionMutex(scene.council, scene.holder.id);
      const launch = await PRESETS[cli].launch(scene.ctx);
      const started = Date.now();
      const run = await runLaunch(launch);

      expect(run.timedOut).toBe(false);
      expect(scene.server.errors).toEqual([]);
      const [refused, allowed] = scene.server.toolResults();
      expectDenied(cli, refused, 'the council lock hook did not answer in time; try the edit again in a moment');
      expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
      expect(written(scene, TARGET)).toBeNull();
      expect(allowed?.isError).not.toBe(true);
      expect(written(scene, FREE)).toBe(FREE_CONTENT);
      expect(gitChanges(scene.writer.worktreePath)).toEqual([`?? ${FREE}`]);

      // The control: with the mutex free, the hook takes the gone session's lock over and allows
      // this very edit — so what refused it above was the deadline.
      await release();
      const after = await runPreToolHook('claude', claudeWrite(scene.writer.worktreePath, TARGET), { cwd: scene.writer.worktreePath, env: { COUNCIL_SESSION_ID: scene.writer.id } });
      expect(after).toMatchObject({ code: 0, stdout: '' });
    } finally {
      await scene.close();
    }
  });

  it('cannot start: the council bundle the hook command names is gone → the edit is refused, the file untouched', async () => {
    const scene = await directScene(cli, [{ write: { path: FREE, content: FREE_CONTENT } }, { text: 'Done.' }]);
    // As if out/cli/council.cjs were deleted or half rewritten after the agent started.
    const launch = await PRESETS[cli].launch({ ...scene.ctx, council: { argv: [process.execPath, path.join(scene.ctx.privateDir, 'gone', 'council.cjs')], env: {} } });
    const run = await runLaunch(launch);

    expect(run.timedOut).toBe(false);
    expect(scene.server.errors).toEqual([]);
    const [result] = scene.server.toolResults();
    expectDenied(cli, result, 'Cannot find module');
    expect(written(scene, FREE)).toBeNull();
    expect(gitChanges(scene.writer.worktreePath)).toEqual([]);
  });
});
