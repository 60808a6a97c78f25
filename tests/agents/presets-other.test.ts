import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentOverride, RunMode } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { aiderPreset } from '../../electron/core/agents/presets/aider';
import { autoClaudePreset } from '../../electron/core/agents/presets/auto-claude';
import { copilotPreset } from '../../electron/core/agents/presets/copilot';
import { qwenPreset } from '../../electron/core/agents/presets/qwen';
import { customPreset, expandTemplate } from '../../electron/core/agents/presets/custom';
import { detectPreset, detectPresets } from '../../electron/core/agents/presets/index';
import { ollamaPreset, probeOllama } from '../../electron/core/agents/presets/ollama';
import { opencodePreset } from '../../electron/core/agents/presets/opencode';
import type { AgentPreset, LaunchContext } from '../../electron/core/agents/types';
import { DEFAULT_SETTINGS } from '../../shared/models';
import { REPO_ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/repo';
import { deadServerUrl } from './harness';
import { FAKE_AGENT } from './fake-agents';

// The presets that cannot run for real here (opencode needs its own model setup; Aider, Ollama
// and Auto-Claude are not installable offline): the command lines they build, their detection,
// and their errors — which must name the preset and the fix, and never hang.

const session: Session = {
  id: 'abc123',
  task: 'add auth',
  agent: 'aider',
  branch: 'council/add-auth-abc123',
  worktreePath: '/work/wt/abc123',
  baseBranch: 'main',
  baseCommit: 'a'.repeat(40),
  createdAt: new Date().toISOString(),
  state: 'ready',
};

function ctx(mode: RunMode, override: AgentOverride = {}, extra: Partial<LaunchContext> = {}): LaunchContext {
  return {
    session,
    repoRoot: '/work/repo',
    task: 'add auth; "quoted" & $HOME',
    mode,
    env: { PATH: '/usr/bin:/bin', HOME: '/home/u', COUNCIL_SESSION_ID: session.id },
    override,
    customTemplate: null,
    council: { argv: [process.execPath, path.join(REPO_ROOT, 'bin', 'council.cjs')], env: {} },
    privateDir: tempDir(),
    userHome: '/home/u',
    resume: null,
    ...extra,
  };
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A stand-in Ollama server that lists `models` at /api/tags. */
async function ollama(models: string[], status = 200): Promise<string> {
  const server = http.createServer((req, res) => {
    if (req.url !== '/api/tags') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ models: models.map((name) => ({ name, model: name })) }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('custom command template', () => {
  it('splits like a shell and fills each placeholder in as one argument, never re-parsed', () => {
    expect(expandTemplate(`my-agent --dir {worktree} --prompt {task} --tag "s-{session}"`, { task: 'fix it; rm -rf / $(whoami)', worktree: '/w t', session: 'abc' })).toEqual([
      'my-agent',
      '--dir',
      '/w t',
      '--prompt',
      'fix it; rm -rf / $(whoami)',
      '--tag',
      's-abc',
    ]);
  });

  it('refuses pipes and redirections with a message that says why', () => {
    expect(() => expandTemplate('agent {task} | tee log', { task: 't', worktree: 'w', session: 's' })).toThrow('run without a shell, so "|" is not supported');
    expect(() => expandTemplate('agent > out', { task: 't', worktree: 'w', session: 's' })).toThrow('">" is not supported');
  });

  it('is unavailable without a template, naming the fix; launches the template when set', async () => {
    const found = await customPreset.detect({ env: { PATH: '/usr/bin:/bin' }, override: {}, customTemplate: null });
    expect(found.problem).toBe(
      "Custom command (preset custom): no command template is set. Set one: `council settings set customCommand 'my-agent --dir {worktree} --prompt {task}'` (in the app: Settings → Agents → Custom agent command).",
    );
    await expect(customPreset.launch(ctx('headless'))).rejects.toThrow('no command template is set');
    const launch = await customPreset.launch(ctx('headless', {}, { customTemplate: `${FAKE_AGENT} --session {session} {task}` }));
    expect(launch).toMatchObject({ command: FAKE_AGENT, args: ['--session', 'abc123', 'add auth; "quoted" & $HOME'], cwd: session.worktreePath });
    const detected = await customPreset.detect({ env: { PATH: '/usr/bin:/bin' }, override: {}, customTemplate: `${FAKE_AGENT} {task}` });
    expect(detected).toMatchObject({ path: FAKE_AGENT, problem: null });
  });
});

describe('Ollama', () => {
  it('an unreachable server is a clear error naming the fix, within the probe timeout', async () => {
    const dead = await deadServerUrl();
    const problem = await probeOllama(dead, 'qwen3-coder');
    expect(problem).toBe(`Ollama (preset ollama): no Ollama server at ${dead}: it cannot be reached (ECONNREFUSED). Start it with \`ollama serve\`, or set agents.ollama.host (or OLLAMA_HOST) to where it runs.`);
    await expect(ollamaPreset.launch(ctx('headless', { host: dead }))).rejects.toMatchObject({ code: 'invalid-input', message: problem });
  });

  it('a model that was never pulled names `ollama pull`', async () => {
    const host = await ollama(['llama3:latest']);
    expect(await probeOllama(host, 'qwen3-coder')).toBe(`Ollama (preset ollama): the model "qwen3-coder" is not on the Ollama server at ${host} (it has: llama3:latest). Pull it with \`ollama pull qwen3-coder\`, or set agents.ollama.model.`);
    expect(await probeOllama(host, 'llama3')).toBeNull();
  });

  it('something else answering is not taken for Ollama', async () => {
    const host = await ollama([], 500);
    expect(await probeOllama(host, 'x')).toContain('answered HTTP 500; is that an Ollama server?');
  });

  it('runs Codex with --oss on the local model, or opencode with an OpenAI-compatible provider', async () => {
    const host = await ollama(['qwen3-coder:latest']);
    const codexBin = path.join(REPO_ROOT, 'node_modules', '.bin', 'codex');
    const viaCodex = await ollamaPreset.launch(ctx('headless', { host, path: codexBin }));
    expect(viaCodex.command).toBe(codexBin);
    // The name the server lists (Codex compares names exactly; "qwen3-coder" would make it pull).
    expect(viaCodex.args).toEqual(expect.arrayContaining(['--oss', '--local-provider', 'ollama', '-m', 'qwen3-coder:latest']));
    expect(viaCodex.env.CODEX_OSS_BASE_URL).toBe(`${host}/v1`);
    const viaOpencode = await ollamaPreset.launch(ctx('headless', { host, driver: 'opencode', model: 'qwen3-coder', path: FAKE_AGENT }));
    expect(JSON.parse(viaOpencode.env.OPENCODE_CONFIG_CONTENT as string)).toMatchObject({ model: 'ollama/qwen3-coder:latest', provider: { ollama: { options: { baseURL: `${host}/v1` } } } });
    expect(viaOpencode.args.slice(0, 3)).toEqual(['run', '--format', 'json']);
  });

  it('claims enforced locks through Codex only: through opencode they are advisory (the watcher flags clashes)', async () => {
    const host = await ollama(['qwen3-coder:latest']);
    const settings = (driver: 'codex' | 'opencode') => ({ ...DEFAULT_SETTINGS, agents: { ollama: { host, driver, path: FAKE_AGENT } } });
    const [viaCodex, viaOpencode] = await Promise.all([detectPreset(ollamaPreset, settings('codex'), {}), detectPreset(ollamaPreset, settings('opencode'), {})]);
    expect(viaCodex.locks).toBe('enforced');
    expect(viaOpencode.locks).toBe('advisory');
  });

  it('detection reports the driver and the server in one problem', async () => {
    const dead = await deadServerUrl();
    const found = await ollamaPreset.detect({ env: { PATH: '/nowhere', COUNCIL_APP_BIN: '' }, override: { host: dead }, customTemplate: null });
    expect(found.problem).toMatch(/^Ollama \(preset ollama\) runs through codex: Codex.*not on PATH/);
  });
});

describe('command lines', () => {
  const line = async (preset: AgentPreset, mode: RunMode, override: AgentOverride = {}) => {
    const launch = await preset.launch(ctx(mode, { path: FAKE_AGENT, ...override }));
    return { args: launch.args, initialInput: launch.initialInput, cwd: launch.cwd, env: launch.env };
  };

  it('opencode: `run --format json <task>` headless, its TUI on the worktree interactive', async () => {
    expect((await line(opencodePreset, 'headless')).args).toEqual(['run', '--format', 'json', 'add auth; "quoted" & $HOME']);
    expect((await line(opencodePreset, 'interactive', { model: 'x/y' })).args).toEqual([session.worktreePath, '--prompt', 'add auth; "quoted" & $HOME', '--model', 'x/y']);
  });

  it("opencode: council's MCP server in the `mcp` key of OPENCODE_CONFIG_CONTENT, beside the user's own", async () => {
    const council = [process.execPath, path.join(REPO_ROOT, 'bin', 'council.cjs'), '--repo', ctx('headless').repoRoot, 'mcp', '--session', session.id];
    const ours = { type: 'local', command: council, environment: { COUNCIL_SESSION_ID: session.id }, enabled: true };
    expect(JSON.parse((await line(opencodePreset, 'headless')).env.OPENCODE_CONFIG_CONTENT as string)).toEqual({ mcp: { council: ours } });
    const theirs = { model: 'a/b', mcp: { docs: { type: 'remote', url: 'https://docs.example' } } };
    const launch = await opencodePreset.launch({ ...ctx('headless', { path: FAKE_AGENT }), env: { ...ctx('headless').env, OPENCODE_CONFIG_CONTENT: JSON.stringify(theirs) } });
    expect(JSON.parse(launch.env.OPENCODE_CONFIG_CONTENT as string)).toEqual({ model: 'a/b', mcp: { docs: theirs.mcp.docs, council: ours } });
    const off = await line(opencodePreset, 'headless', { env: { COUNCIL_MCP: 'off' } });
    expect(off.env.OPENCODE_CONFIG_CONTENT).toBeUndefined();
  });

  it('presets whose CLI has no MCP say so', async () => {
    for (const preset of [aiderPreset, autoClaudePreset]) expect((await detectPreset(preset, DEFAULT_SETTINGS, {})).noMcp).toMatch(/no MCP/);
    // opencode, Qwen Code and Copilot CLI get council's server (tests/mcp/qwen-copilot-mcp.test.ts).
    for (const preset of [opencodePreset, qwenPreset, copilotPreset]) expect((await detectPreset(preset, DEFAULT_SETTINGS, {})).noMcp).toBeNull();
  });

  it('Aider: --message … --yes-always headless; interactive types the task into its chat', async () => {
    const headless = await line(aiderPreset, 'headless');
    expect(headless.args.slice(0, 4)).toEqual(['--message', 'add auth; "quoted" & $HOME', '--yes-always', '--no-stream']);
    const interactive = await line(aiderPreset, 'interactive', { args: ['--model', 'sonnet'] });
    expect(interactive.args).not.toContain('--message');
    expect(interactive.args.slice(-2)).toEqual(['--model', 'sonnet']);
    expect(interactive.initialInput).toBe('add auth; "quoted" & $HOME\r');
  });

  it('Auto-Claude: its spec runner on the task, in the session worktree, without its own isolation', async () => {
    const launch = await autoClaudePreset.launch(ctx('headless', { path: '/opt/auto-claude/apps/backend/spec_runner.py' }));
    expect(path.basename(launch.command)).toBe('python3');
    expect(launch.args).toEqual(['/opt/auto-claude/apps/backend/spec_runner.py', '--task', 'add auth; "quoted" & $HOME', '--project-dir', session.worktreePath, '--direct', '--auto-continue']);
  });

  it('every preset passes the user environment and the session variables on, with the override env on top', async () => {
    for (const preset of [opencodePreset, aiderPreset, autoClaudePreset]) {
      const { env } = await line(preset, 'headless', { env: { EXTRA: '1', HOME: '/home/u' } });
      expect(env).toMatchObject({ PATH: '/usr/bin:/bin', HOME: '/home/u', COUNCIL_SESSION_ID: 'abc123', EXTRA: '1' });
    }
  });
});

describe('detection of every preset', () => {
  it('answers for all eleven at once without hanging, each missing one naming its install command', async () => {
    const presets = await detectPresets({ ...DEFAULT_SETTINGS, agents: { ollama: { host: await deadServerUrl() } } }, { PATH: '/nowhere', COUNCIL_APP_BIN: '' });
    expect(presets.filter((p) => p.available)).toEqual([]);
    const problems = Object.fromEntries(presets.map((p) => [p.id, p.problem]));
    expect(problems.claude).toContain('npm i -g @anthropic-ai/claude-code');
    expect(problems.gemini).toContain('npm i -g @google/gemini-cli');
    expect(problems.opencode).toContain('npm i -g opencode-ai');
    expect(problems.qwen).toContain('npm i -g @qwen-code/qwen-code');
    expect(problems.copilot).toContain('npm i -g @github/copilot');
    expect(problems.kilo).toContain('npm i -g @kilocode/cli');
    expect(problems.aider).toContain('pipx install aider-chat');
    expect(problems['auto-claude']).toContain('github.com/AndyMik90/Auto-Claude');
    expect(presets.map((p) => [p.id, p.locks])).toEqual([
      ['claude', 'enforced'],
      ['codex', 'enforced'],
      ['gemini', 'enforced'],
      ['opencode', 'advisory'],
      ['qwen', 'enforced'],
      ['copilot', 'enforced'],
      ['kilo', 'enforced'],
      ['aider', 'advisory'],
      ['ollama', 'enforced'],
      ['auto-claude', 'advisory'],
      ['custom', 'advisory'],
    ]);
  });

  it('reports the version of a program that is there', async () => {
    const bin = path.join(REPO_ROOT, 'node_modules', '.bin');
    const presets = await detectPresets({ ...DEFAULT_SETTINGS, agents: { claude: { path: path.join(bin, 'claude') } } }, { PATH: `${bin}:/usr/bin:/bin`, HOME: tempDir() });
    expect(presets.find((p) => p.id === 'claude')).toMatchObject({ available: true, version: expect.stringMatching(/^2\.\d+\.\d+/), problem: null });
    expect(presets.find((p) => p.id === 'codex')).toMatchObject({ available: true, version: expect.stringMatching(/^0\.\d+\.\d+/) });
  });
});
