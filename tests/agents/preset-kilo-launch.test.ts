import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hookCommandLine, PRE_TOOL_TIMEOUT_SECONDS } from '../../electron/core/agents/hooks/command';
import { KILO_DENIAL_PREFIX } from '../../electron/core/agents/hooks/kilo';
import { parseHookPayload } from '../../electron/core/agents/hook-payload';
import { createParser } from '../../electron/core/agents/parsers/index';
import { kiloPreset } from '../../electron/core/agents/presets/kilo';
import { presetScene } from './harness';

// The Kilo Code preset's launch, without running Kilo (tests/agents/preset-kilo.test.ts runs it):
// what goes into KILO_CONFIG_CONTENT, the plugin's command line and time limit, the payloads its
// plugin sends, the parser on a refusal.

type KiloConfig = { plugin: string[]; permission: Record<string, unknown>; mcp: Record<string, { command: string[] }>; model?: string };

describe('the Kilo Code preset, its launch', () => {
  it("adds council's plugin and MCP server to the user's own inline config, denies edit and bash until the plugin is loaded", async () => {
    const own = { model: 'mine/model', plugin: ['file:///their/plugin.js'], permission: { bash: 'ask', webfetch: 'deny' } };
    const scene = await presetScene('kilo', { env: { KILO_CONFIG_CONTENT: JSON.stringify(own) } });
    try {
      const launch = await kiloPreset.launch(scene.ctx);
      expect(launch.args).toEqual(['run', '--format', 'json', '--auto', `Create src/y.ts.`]);
      expect(launch.env.PWD).toBe(scene.writer.worktreePath);
      const config = JSON.parse(launch.env.KILO_CONFIG_CONTENT ?? '') as KiloConfig;
      expect(config.model).toBe('mine/model');
      expect(config.plugin[0]).toBe('file:///their/plugin.js');
      expect(config.plugin).toHaveLength(2);
      expect(config.permission).toEqual({ bash: 'deny', webfetch: 'deny', edit: 'deny' });
      expect(config.mcp.council?.command).toContain('mcp');
      // The plugin: the same lock hook command line the preflight probes, the CLI-side limit every
      // preset gives it, and what it puts back once loaded (the user's own bash rule).
      const source = readFileSync(fileURLToPath(config.plugin[1] as string), 'utf8');
      expect(launch.lockHook).toBe(hookCommandLine(scene.ctx.council, 'pre-tool', 'kilo'));
      expect(source).toContain(`const PRE_TOOL = ${JSON.stringify(launch.lockHook)};`);
      expect(source).toContain(`const PRE_TOOL_MS = ${PRE_TOOL_TIMEOUT_SECONDS * 1000};`);
      expect(source).toContain('const USER_PERMISSIONS = {"bash":"ask"};');
      // A resume, and the TUI.
      const resumed = await kiloPreset.launch({ ...scene.ctx, resume: { agentSessionId: 'ses_abc' } });
      expect(resumed.args).toEqual(['run', '--format', 'json', '--auto', '--session', 'ses_abc', 'Create src/y.ts.']);
      const tui = await kiloPreset.launch({ ...scene.ctx, mode: 'interactive' });
      expect(tui.args).toEqual([scene.writer.worktreePath, '--prompt', 'Create src/y.ts.']);
      expect(tui.parser).toBeNull();
    } finally {
      await scene.close();
    }
  });

  it('refuses to start when the inline config is not a JSON object, naming the fix', async () => {
    const scene = await presetScene('kilo', { env: { KILO_CONFIG_CONTENT: '{ not json' } });
    try {
      await expect(kiloPreset.launch(scene.ctx)).rejects.toThrow(/KILO_CONFIG_CONTENT .* is not a JSON object, so council cannot add its lock plugin to it: fix or unset it/);
    } finally {
      await scene.close();
    }
  });

  it("reads the files each of Kilo's writing tools is about to change", () => {
    const cwd = '/w/t';
    const read = (tool: string, input: Record<string, unknown>) => parseHookPayload('kilo', { cwd, tool_name: tool, tool_input: input });
    expect(read('write', { filePath: '/w/t/a.ts', content: '' })).toEqual({ cwd, tool: 'write', files: ['/w/t/a.ts'], shell: false });
    expect(read('edit', { filePath: 'b.ts' }).files).toEqual(['/w/t/b.ts']);
    expect(read('apply_patch', { patchText: '*** Begin Patch\n*** Add File: c.ts\n+x\n*** Update File: d.ts\n*** End Patch' }).files).toEqual(['/w/t/c.ts', '/w/t/d.ts']);
    expect(read('bash', { command: 'echo x > e.ts', workdir: 'sub' })).toMatchObject({ shell: true, files: ['/w/t/sub/e.ts'] });
    expect(read('background_process', { action: 'start', command: 'echo x > f.ts' })).toMatchObject({ shell: true, files: ['/w/t/f.ts'] });
    expect(() => read('write', {})).toThrow(/tool_input.filePath/);
    expect(() => read('apply_patch', { patchText: 'nothing' })).toThrow(/names no file/);
    expect(read('read', { filePath: '/w/t/a.ts' }).files).toEqual([]);
  });

  it('its parser: a call the plugin refused is `denied` with the reason; a failure names the model server', () => {
    const parser = createParser('kilo', { worktree: '/w/t', modelServer: 'http://127.0.0.1:9/v1' });
    const refused = { type: 'tool_use', sessionID: 'ses_1', part: { type: 'tool', tool: 'write', state: { status: 'error', input: { filePath: '/w/t/src/x.ts' }, error: `${KILO_DENIAL_PREFIX} src/x.ts is being edited by session s1` } } };
    expect(parser.line(JSON.stringify(refused))).toEqual([
      { kind: 'started', agentSessionId: 'ses_1', model: null },
      { kind: 'tool', tool: 'write', path: 'src/x.ts' },
      { kind: 'denied', tool: 'write', path: 'src/x.ts', reason: 'src/x.ts is being edited by session s1' },
    ]);
    const failed = { type: 'error', sessionID: 'ses_1', error: { name: 'APIError', data: { message: 'Unable to connect' } } };
    expect(parser.line(JSON.stringify(failed))).toEqual([{ kind: 'failed', reason: 'Unable to connect (model server: http://127.0.0.1:9/v1)' }]);
  });
});
