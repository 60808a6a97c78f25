import { claudeHookArgs } from '../hooks/claude';
import { claudeMcpArgs, councilMcpServer } from '../hooks/mcp';
import { claudeConfigFile, claudeStartupPrompt } from './claude-startup';
import { hookCommandLine } from '../hooks/command';
import { programPreset, agentEnv, modelArgs, modelTimeoutMs, overrideArgs, resolveProgram, resumeId, taskText } from './launch';
import type { AgentPreset, Launch, LaunchContext } from '../types';
import type { ProgramSpec } from './detect';

/**
 * Claude Code (`claude`). Interactive: its TUI with the task as the first prompt. Headless:
 * `claude -p … --output-format stream-json --verbose --permission-mode acceptEdits`. Our hooks come
 * in with `--settings '<json>'` (see ../hooks/claude.ts), council's MCP server with `--mcp-config
 * '<json>'` (../hooks/mcp.ts): nothing is written to the user's
 * configuration, and their ~/.claude settings, CLAUDE_CONFIG_DIR, ANTHROPIC_BASE_URL and keys apply
 * as they would in their own terminal.
 *
 * The task goes after `--`, so a task that starts with "-" is not read as an option and a variadic
 * option in the settings' extra arguments (`--add-dir a b`) cannot swallow it.
 */

/** Claude Code's retries of a failing model request when council bounds them (its own default: 10, ~9 minutes on a dead server). */
export const CLAUDE_MAX_RETRIES = 2;

/**
 * Claude Code with a dead model server and its default retries fails only after about 9 minutes
 * (issue 12, item 13). Unless the user set them (in their environment or the preset's), its retries
 * and per-request timeout are set so a server that refuses, or never answers, fails the run within
 * agents.claude.modelTimeoutSeconds (default 60 s): CLAUDE_MAX_RETRIES + 1 attempts, each with an
 * equal share of that time (the timeout runs until the answer starts streaming, not through it).
 * Measured (tests/agents/model-timeouts.test.ts): a refused connection fails in ~5 s, a server that
 * never answers in ~20 s with a 15 s limit.
 */
function retryBounds(ctx: LaunchContext): Record<string, string> {
  const set = { ...ctx.env, ...(ctx.override.env ?? {}) };
  const bounds: Record<string, string> = {};
  if (set.CLAUDE_CODE_MAX_RETRIES === undefined) bounds.CLAUDE_CODE_MAX_RETRIES = String(CLAUDE_MAX_RETRIES);
  // 5 s of the budget are left for Claude Code's start and its backoff between attempts (~2 s).
  if (set.API_TIMEOUT_MS === undefined) bounds.API_TIMEOUT_MS = String(Math.floor((modelTimeoutMs(ctx) - 5000) / (CLAUDE_MAX_RETRIES + 1)));
  return bounds;
}

const SPEC: ProgramSpec = { label: 'Claude Code', id: 'claude', binary: 'claude', install: 'npm i -g @anthropic-ai/claude-code' };

export const claudePreset: AgentPreset = programPreset(SPEC, {
  resumes: true,
  locks: 'enforced',
  async launch(ctx: LaunchContext): Promise<Launch> {
    const command = resolveProgram(SPEC, ctx);
    const task = taskText(ctx);
    const args: string[] = [];
    if (ctx.mode === 'headless') args.push('-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits');
    const resume = resumeId(ctx);
    if (resume) args.push(`--resume=${resume}`);
    // council's MCP server for this session beside the user's own (hooks/mcp.ts), its tools allowed.
    const mcp = councilMcpServer(ctx);
    args.push(...claudeHookArgs(ctx.council, { mcp: mcp !== null, digest: ctx.override.digest !== false }), ...claudeMcpArgs(mcp), ...modelArgs(ctx), ...overrideArgs(ctx));
    if (task !== null) args.push('--', task);
    const env = agentEnv(ctx, retryBounds(ctx));
    const cwd = ctx.session.worktreePath;
    // Interactive: a new worktree is a new folder, which Claude asks to trust before anything else.
    const startupPrompt = ctx.mode === 'interactive' ? claudeStartupPrompt(claudeConfigFile(env, ctx.userHome), cwd, { bypass: args.includes('--dangerously-skip-permissions') }) : null;
    return { command, args, env, cwd, parser: null, lockHook: hookCommandLine(ctx.council, 'pre-tool', 'claude'), ...(startupPrompt ? { startupPrompt } : {}) };
  },
});
