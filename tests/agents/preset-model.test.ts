import { describe, expect, it } from 'vitest';
import type { AgentPreset } from '../../electron/core/agents/types';
import { claudePreset } from '../../electron/core/agents/presets/claude';
import { codexPreset } from '../../electron/core/agents/presets/codex';
import { geminiPreset } from '../../electron/core/agents/presets/gemini';
import type { AgentName } from './agent-clis';
import { presetScene, requireCli, runLaunch } from './harness';

// agents.<preset>.model (issue 12, item 14: each preset's model is a setting): the real CLI, started
// the way the app starts it, asks the scripted model server for that model.

const MODEL = 'council-settings-model-7';

describe.sequential.each<[AgentName, AgentPreset]>([
  ['claude', claudePreset],
  ['codex', codexPreset],
  ['gemini', geminiPreset],
])('the %s preset with a model in its settings', (cli, preset) => {
  it('asks the model server for that model', async () => {
    requireCli(cli);
    const scene = await presetScene(cli, { script: [{ text: 'Done.' }] });
    try {
      const launch = await preset.launch({ ...scene.ctx, override: { ...scene.ctx.override, model: MODEL } });
      expect(launch.args.join(' ')).toContain(`--model ${MODEL}`);
      const run = await runLaunch(launch);
      expect(run.timedOut).toBe(false);
      // The model's answers: the task's turns (and, for Codex, whose one exchange the server files
      // as a side request, that one).
      const asked = scene.server.requests.filter((r) => r.kind === 'turn' || r.kind === 'side');
      const named = (r: (typeof asked)[number]) => JSON.stringify({ url: r.url, body: r.body }).includes(MODEL);
      expect(asked.filter(named).length, `${run.stdout}\n${run.stderr}`).toBeGreaterThan(0);
      expect(asked.filter((r) => r.kind === 'turn' && !named(r)).map((r) => r.url)).toEqual([]);
    } finally {
      await scene.close();
    }
  }, 120_000);
});
