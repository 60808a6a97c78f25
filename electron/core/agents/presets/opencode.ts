import type { AgentPreset } from '../types';
import type { ProgramSpec } from './detect';
import { councilMcpServer, opencodeMcp } from '../hooks/mcp';
import { agentEnv, modelTimeoutMs, overrideArgs, programPreset, resolveProgram, resumeId } from './launch';

/**
 * opencode (`opencode-ai` on npm). Headless: `opencode run --format json "<task>"` (JSON events,
 * parsed by parsers/opencode.ts); interactive: its TUI on the worktree with the task as prompt.
 * Locks are advisory: opencode's hook mechanism is a JS plugin that needs `@opencode-ai/plugin`
 * installed in its config folder (offline it hangs at start-up), so the watcher flags its edits.
 * A dead model endpoint takes opencode about 70 s of its own retries to report, without saying
 * which server: the run has agents.opencode.modelTimeoutSeconds (default 60 s) to show the model's
 * first answer, or it is stopped and fails naming the server (the manager's answer watchdog).
 */

const SPEC: ProgramSpec = { id: 'opencode', label: 'opencode', binary: 'opencode', install: 'npm i -g opencode-ai' };

export const opencodePreset: AgentPreset = programPreset(SPEC, {
  resumes: true,
  locks: 'advisory',
  async launch(ctx) {
    const worktree = ctx.session.worktreePath;
    const model = ctx.override.model ? ['--model', ctx.override.model] : [];
    const resume = resumeId(ctx);
    const args =
      ctx.mode === 'headless'
        ? ['run', '--format', 'json', ...(resume ? ['--session', resume] : []), ...model, ...overrideArgs(ctx), ctx.task]
        : [worktree, ...(resume ? ['--session', resume] : []), '--prompt', ctx.task, ...model, ...overrideArgs(ctx)];
    const env = withCouncilMcp(agentEnv(ctx), opencodeMcp(councilMcpServer(ctx)));
    return { command: resolveProgram(SPEC, ctx), args, env, cwd: worktree, parser: null, answerDeadlineMs: modelTimeoutMs(ctx), modelServer: opencodeModelServer(env) };
  },
});

/**
 * The base URL of the provider of the model opencode will use, from OPENCODE_CONFIG_CONTENT (the
 * user's, or the Ollama preset's; Kilo Code's KILO_CONFIG_CONTENT, same shape, with `key`); null
 * when it is configured elsewhere (its config files).
 */
export function opencodeModelServer(env: Record<string, string>, key: 'OPENCODE_CONFIG_CONTENT' | 'KILO_CONFIG_CONTENT' = 'OPENCODE_CONFIG_CONTENT'): string | null {
  try {
    const config = JSON.parse(env[key] ?? '') as { model?: unknown; provider?: Record<string, { options?: { baseURL?: unknown } }> };
    const provider = typeof config.model === 'string' ? config.model.split('/')[0] : undefined;
    const url = provider ? config.provider?.[provider]?.options?.baseURL : undefined;
    return typeof url === 'string' ? url : null;
  } catch {
    return null;
  }
}

/**
 * council's MCP server (hooks/mcp.ts) in the `mcp` key of the config opencode gets in
 * OPENCODE_CONFIG_CONTENT (merged by opencode over the user's config files, whose own servers stay):
 * added to the user's own inline config when they set one, which is otherwise kept as it is.
 * Kilo Code (an opencode fork) takes the same config in KILO_CONFIG_CONTENT (`key`).
 */
export function withCouncilMcp(env: Record<string, string>, mcp: Record<string, unknown>, key: 'OPENCODE_CONFIG_CONTENT' | 'KILO_CONFIG_CONTENT' = 'OPENCODE_CONFIG_CONTENT'): Record<string, string> {
  if (Object.keys(mcp).length === 0) return env;
  let config: Record<string, unknown> = {};
  const inline = env[key];
  if (inline?.trim()) {
    try {
      const parsed = JSON.parse(inline) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return env;
      config = parsed as Record<string, unknown>;
    } catch {
      return env; // not JSON we can extend: left as the user wrote it (opencode says what is wrong)
    }
  }
  const own = config.mcp !== null && typeof config.mcp === 'object' && !Array.isArray(config.mcp) ? (config.mcp as Record<string, unknown>) : {};
  return { ...env, [key]: JSON.stringify({ ...config, mcp: { ...own, ...mcp } }) };
}
