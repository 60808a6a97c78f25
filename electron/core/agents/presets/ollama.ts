import type { AgentOverride } from '../../../../shared/agents';
import { CouncilError } from '../../errors';
import type { AgentPreset, Detection, LaunchContext } from '../types';
import { detectProgram, type ProgramSpec } from './detect';
import { resolveProgram } from './launch';
import { codexPreset } from './codex';
import { opencodePreset } from './opencode';

/**
 * A coding agent running a local model through Ollama: Codex with `--oss --local-provider ollama`
 * (default), or opencode with an OpenAI-compatible provider at the Ollama server. Before it starts
 * we ask the server for its models (3 s timeout): an unreachable server or a model that was never
 * pulled is a clear error naming the fix, never a hang inside the agent.
 */

const DEFAULT_MODEL = 'qwen3-coder';
const PROBE_TIMEOUT_MS = 3000;

export function ollamaHost(override: AgentOverride, env: Record<string, string | undefined>): string {
  const raw = override.host ?? env.OLLAMA_HOST ?? 'http://127.0.0.1:11434';
  const withScheme = /^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`;
  return withScheme.replace(/\/+$/, '');
}

const modelOf = (override: AgentOverride): string => override.model ?? DEFAULT_MODEL;

/** Asks the Ollama server for its models; the problem in words, or null when the model is there. */
export async function probeOllama(host: string, model: string): Promise<string | null> {
  return (await resolveOllamaModel(host, model)).problem;
}

/**
 * Asks the Ollama server for its models and finds `model` among them the way Ollama names them:
 * `qwen3-coder` is `qwen3-coder:latest`. The name the server lists is the one to pass on — Codex
 * compares names exactly, and for `qwen3-coder` beside a listed `qwen3-coder:latest` it tries to
 * pull the model (which fails offline). `problem` says what is wrong, naming the fix; null when
 * the model is there.
 */
export async function resolveOllamaModel(host: string, model: string): Promise<{ problem: string | null; model: string }> {
  const fail = (problem: string) => ({ problem, model });
  let response: Response;
  try {
    response = await fetch(`${host}/api/tags`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    const why = cause === 'TimeoutError' ? `it did not answer within ${PROBE_TIMEOUT_MS / 1000} s` : `it cannot be reached (${cause})`;
    return fail(`Ollama (preset ollama): no Ollama server at ${host}: ${why}. Start it with \`ollama serve\`, or set agents.ollama.host (or OLLAMA_HOST) to where it runs.`);
  }
  if (!response.ok) return fail(`Ollama (preset ollama): ${host}/api/tags answered HTTP ${response.status}; is that an Ollama server?`);
  let names: string[];
  try {
    const body = (await response.json()) as { models?: { name?: string; model?: string }[] };
    names = [...new Set((body.models ?? []).flatMap((m) => [m.name, m.model]).filter((n): n is string => typeof n === 'string'))];
  } catch {
    return fail(`Ollama (preset ollama): ${host}/api/tags did not answer JSON; is that an Ollama server?`);
  }
  const base = model.endsWith(':latest') ? model.slice(0, -':latest'.length) : model;
  const listed = [model, `${base}:latest`, base].find((name) => names.includes(name));
  if (!listed) {
    return fail(`Ollama (preset ollama): the model "${model}" is not on the Ollama server at ${host} (it has: ${names.length ? names.join(', ') : 'none'}). Pull it with \`ollama pull ${model}\`, or set agents.ollama.model.`);
  }
  return { problem: null, model: listed };
}

/** Codex as the Ollama preset's program: found at agents.ollama.path (the key this preset reads) or on PATH. */
const CODEX_DRIVER: ProgramSpec = { id: 'ollama', label: 'Codex', binary: 'codex', install: 'npm i -g @openai/codex', settingsLabel: 'Ollama (local model)' };
const OPENCODE_DRIVER: ProgramSpec = { id: 'ollama', label: 'opencode', binary: 'opencode', install: 'npm i -g opencode-ai', settingsLabel: 'Ollama (local model)' };

function driverLaunch(ctx: LaunchContext, model: string): ReturnType<AgentPreset['launch']> {
  const host = ollamaHost(ctx.override, ctx.env);
  const { driver = 'codex', host: _host, model: _model, ...rest } = ctx.override;
  // The program is found here, so a missing one names agents.ollama.path (the driver's own preset
  // would name agents.codex.path, which this preset does not read).
  const program = resolveProgram(driver === 'opencode' ? OPENCODE_DRIVER : CODEX_DRIVER, ctx);
  if (driver === 'opencode') {
    const config = {
      $schema: 'https://opencode.ai/config.json',
      provider: { ollama: { npm: '@ai-sdk/openai-compatible', name: 'Ollama', options: { baseURL: `${host}/v1` }, models: { [model]: { name: model } } } },
      model: `ollama/${model}`,
    };
    return opencodePreset.launch({ ...ctx, override: { ...rest, path: program }, env: { ...ctx.env, OPENCODE_CONFIG_CONTENT: JSON.stringify(config) } });
  }
  const args = ['--oss', '--local-provider', 'ollama', '-m', model, ...(rest.args ?? [])];
  return codexPreset.launch({ ...ctx, override: { ...rest, path: program, args }, env: { ...ctx.env, CODEX_OSS_BASE_URL: `${host}/v1` } });
}

export const ollamaPreset: AgentPreset = {
  id: 'ollama',
  label: 'Ollama (local model)',
  binary: 'codex',
  locks: 'enforced',
  // Codex's hooks hold for its shell writes too (tests/agents/preset-ollama.test.ts); opencode has none.
  locksFor: (override) => (override.driver === 'opencode' ? 'advisory' : 'enforced'),
  modes: ['interactive', 'headless'],
  async detect({ env, override, locateOnly }): Promise<Detection> {
    const driver = override.driver ?? 'codex';
    const { host: _host, model: _model, driver: _driver, ...driverOverride } = override;
    // Found here, not through the driver's own preset: a missing program names agents.ollama.path.
    const found = await detectProgram(driver === 'opencode' ? OPENCODE_DRIVER : CODEX_DRIVER, { env: { ...env, ...driverOverride.env }, override: driverOverride, locateOnly });
    if (found.problem) return { ...found, problem: `Ollama (preset ollama) runs through ${driver}: ${found.problem}` };
    const problem = await probeOllama(ollamaHost(override, env), modelOf(override));
    return { ...found, problem };
  },
  async launch(ctx) {
    const { problem, model } = await resolveOllamaModel(ollamaHost(ctx.override, ctx.env), modelOf(ctx.override));
    if (problem) throw new CouncilError('invalid-input', problem);
    return driverLaunch(ctx, model);
  },
};
