import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { claudePreset } from '../../electron/core/agents/presets/claude';
import { codexPreset } from '../../electron/core/agents/presets/codex';
import { copilotPreset } from '../../electron/core/agents/presets/copilot';
import { geminiPreset } from '../../electron/core/agents/presets/gemini';
import { qwenPreset } from '../../electron/core/agents/presets/qwen';
import type { AgentPreset } from '../../electron/core/agents/types';
import { AgentManager } from '../../electron/core/agents/manager';
import type { AgentRun } from '../../shared/agents';
import { REPO_ROOT } from '../helpers/cli';
import type { Script } from '../support/model-server/index';
import type { AgentName } from './agent-clis';
import { heldReason, loggedHookCalls, presetScene, requireCli, runLaunch, TARGET, type PresetScene } from './harness';
import { proves } from '../helpers/proves';

// Issue 12, item 11: a write through the agent's SHELL tool to a file another session holds is
// stopped (the lock hook reads the command line) or, where the command line cannot tell, undone
// after the command (the post-tool hook puts the held file back) — and the agent is told. With the
// real Claude Code (Bash), Codex (exec_command, which its hooks report as `Bash`) and Gemini CLI
// (run_shell_command), Qwen Code (run_shell_command) and Copilot CLI (bash), each started by its
// preset with the real `council hook`.

type ShellCli = AgentName | 'qwen' | 'copilot';
const PRESETS: Record<ShellCli, AgentPreset> = { claude: claudePreset, codex: codexPreset, gemini: geminiPreset, qwen: qwenPreset, copilot: copilotPreset };
const HELD_EXISTING = 'README.md';
const ORIGINAL = '# demo\n';
/** Copilot's command for a write its command line does not show: a script of the project's. */
const SCRIPT = 'write-held.cjs';

/** Claude Code asks before a Bash command in headless mode; this user allows Bash, as one who lets it run commands does. */
function allowClaudeBash(scene: PresetScene): void {
  const file = path.join(scene.user.home, '.claude', 'settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...settings, permissions: { allow: ['Bash'] } }, null, 2));
}

async function run(cli: ShellCli, script: Script, prepare?: (scene: PresetScene) => void): Promise<{ scene: PresetScene; results: string[] }> {
  const scene = await presetScene(cli, { script });
  if (cli === 'claude') allowClaudeBash(scene);
  prepare?.(scene);
  await scene.council.locks.acquire(HELD_EXISTING, scene.holder.id, { cwd: scene.repo.root });
  try {
    const launch = await PRESETS[cli].launch(scene.ctx);
    const result = await runLaunch(launch);
    expect(result.timedOut).toBe(false);
    expect(result.code, result.stderr).toBe(0);
    expect(scene.server.errors).toEqual([]);
    // What the model was sent after its shell call: the tool result and whatever the CLI added
    // beside it (Claude Code puts a post-tool hook's reason in a system reminder next to it).
    const turns = scene.server.requests.filter((r) => r.kind === 'turn');
    const shellAt = turns.findIndex((r) => r.answered?.kind === 'shell');
    return { scene, results: turns.slice(shellAt + 1).map((r) => JSON.stringify(r.body)) };
  } finally {
    await scene.close();
  }
}

describe.sequential('writes through the shell tool to a file another session holds', () => {
  for (const cli of ['claude', 'codex', 'gemini', 'qwen', 'copilot'] as ShellCli[]) {
    describe(cli, () => {
      beforeAll(() => requireCli(cli));

      it(`${cli}: \`echo x > held\` is refused by the lock hook, with the holder named`, async () => {
        const { scene, results } = await run(cli, [{ shell: `echo mine > ${TARGET}` }, { text: 'Done.' }]);
        expect(existsSync(path.join(scene.writer.worktreePath, TARGET))).toBe(false);
        // The requests are JSON text: the reason as it is written inside a JSON string (its quotes escaped).
        expect(results.join('\n')).toContain(JSON.stringify(heldReason(scene.holder)).slice(1, -1));
        expect(scene.contexts).toContainEqual(expect.objectContaining({ status: 'blocked', blockedOn: TARGET, blockedReason: heldReason(scene.holder) }));
        expect(await scene.council.locks.who(TARGET, { cwd: scene.repo.root })).toMatchObject({ sessionId: scene.holder.id });
        expect(loggedHookCalls(scene.hookLog).filter((c) => c.kind === 'pre-tool').length).toBeGreaterThanOrEqual(1);
        proves(cli, 'locks.shell');
      }, 120_000);

      // Copilot CLI (1.0.102, prompt mode) refuses an inline `node -e` program by its own rules
      // before it runs; it runs a project's script: `node write-held.cjs`, which the test puts in
      // the worktree first. Neither command line names the held file.
      it(`${cli}: a write the command line does not show (${cli === 'copilot' ? 'a script' : 'node -e'}) is undone after the command, and the agent is told`, async () => {
        const write = cli === 'copilot' ? `node ${SCRIPT}` : `${process.execPath} -e "require('fs').writeFileSync('${HELD_EXISTING}', 'mine\\\\n')"`;
        const putScript = (scene: PresetScene): void => writeFileSync(path.join(scene.writer.worktreePath, SCRIPT), `require('fs').writeFileSync(${JSON.stringify(HELD_EXISTING)}, 'mine\\n');\n`);
        const { scene, results } = await run(cli, [{ shell: write }, { text: 'Done.' }], cli === 'copilot' ? putScript : undefined);
        expect(readFileSync(path.join(scene.writer.worktreePath, HELD_EXISTING), 'utf8')).toBe(ORIGINAL);
        const told = `council undid part of that command: ${HELD_EXISTING} is being edited by session ${scene.holder.id} (codex: add auth) (its content was put back); work on another file or wait`;
        expect(results.join('\n')).toContain(JSON.stringify(told).slice(1, -1));
        expect(scene.contexts).toContainEqual(expect.objectContaining({ status: 'blocked', blockedOn: HELD_EXISTING, blockedReason: told }));
        proves(cli, 'locks.undo');
      }, 120_000);
    });
  }
});

describe('the agent manager with the real Claude Code', () => {
  beforeAll(() => requireCli('claude'));

  it("a refused Bash write shows as denied with the holder named, not as Claude's own permission refusal", async () => {
    const scene = await presetScene('claude', { script: [{ shell: `echo mine > ${TARGET}` }, { text: 'Done.' }] });
    allowClaudeBash(scene);
    const manager = new AgentManager(scene.council, { env: scene.ctx.env, userHome: scene.user.home, stopGraceMs: 1000 });
    // This checkout's bundle for the hooks: found from the test runner's script, a symlinked
    // node_modules would lead the manager to another checkout's out/cli.
    const before = process.env.COUNCIL_CLI;
    process.env.COUNCIL_CLI = path.join(REPO_ROOT, 'out', 'cli', 'council.cjs');
    try {
      await scene.council.ws.updateSettings({ agents: { claude: { path: path.join(REPO_ROOT, 'node_modules', '.bin', 'claude') } } });
      await manager.start(scene.writer.id, { mode: 'headless' });
      const run = (await manager.waitForEnd(scene.writer.id)) as AgentRun;
      expect(run).toMatchObject({ state: 'done', denials: 1 });
      const denials = manager.events(scene.writer.id).filter((e) => e.kind === 'denied');
      expect(denials).toEqual([expect.objectContaining({ kind: 'denied', tool: 'Bash', reason: heldReason(scene.holder) })]);
    } finally {
      if (before === undefined) delete process.env.COUNCIL_CLI;
      else process.env.COUNCIL_CLI = before;
      await manager.stopAll();
      await scene.close();
    }
  }, 120_000);
});
