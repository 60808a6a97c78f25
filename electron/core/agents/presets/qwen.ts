import path from 'node:path';
import { checkQwenHooksStayOn, prepareQwenHome } from '../hooks/qwen';
import { hookCommandLine } from '../hooks/command';
import { councilMcpServer, qwenMcpServers } from '../hooks/mcp';
import { createParser } from '../parsers/index';
import { programPreset, agentEnv, modelArgs, modelTimeoutMs, overrideArgs, resolveProgram, resumeId, taskText } from './launch';
import type { AgentPreset, Launch, LaunchContext } from '../types';
import type { ProgramSpec } from './detect';

/**
 * Qwen Code (`qwen`, npm `@qwen-code/qwen-code`; a Gemini CLI fork). Interactive: `qwen
 * --prompt-interactive=<task>` (its TUI, the task as the first prompt). Headless: `qwen
 * --prompt=<task> --output-format stream-json --yolo` (Claude Code's stream-json format, parsed by
 * parsers/qwen.ts). Resume: `--resume=<id>` (the `session_id` of its init event, or of its hooks'
 * payloads in the TUI).
 *
 * Locks are enforced: Qwen takes hooks only from settings files, so each launch (re)builds the
 * session's own QWEN_HOME under ctx.privateDir — links to everything in the user's ~/.qwen (or
 * their QWEN_HOME) and their settings.json with our hooks merged in (../hooks/qwen.ts). A start
 * that would switch the hooks off (`--bare`, the repository's `disableAllHooks`) is refused.
 *
 * Its model: whatever the user configured (an OpenAI-compatible server through OPENAI_BASE_URL,
 * OPENAI_API_KEY, OPENAI_MODEL, or their settings). A request that fails is no error to Qwen (exit
 * 0, its notice as the answer): the parser fails the run naming the server; a server that never
 * answers is stopped after agents.qwen.modelTimeoutSeconds (default 60 s).
 *
 * council's MCP server (`council mcp`, ../hooks/mcp.ts) is in the same settings.json's
 * `mcpServers`, beside the user's own (off with COUNCIL_MCP=off in agents.qwen.env); the digest of
 * the session's peers comes in through its SessionStart and UserPromptSubmit hooks (off with
 * agents.qwen.digest false).
 */

// Its --version loads the whole 26 MB bundle: 1–2 s idle, 4–7 s measured on a busy 2-core machine.
const SPEC: ProgramSpec = { label: 'Qwen Code', id: 'qwen', binary: 'qwen', install: 'npm i -g @qwen-code/qwen-code', versionTimeoutMs: 15_000 };

/** The OpenAI-compatible server Qwen will call, when the environment or the arguments say it. */
export function qwenModelServer(env: Record<string, string>, args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--openai-base-url') return args[i + 1] ?? null;
    if (arg.startsWith('--openai-base-url=')) return arg.slice('--openai-base-url='.length);
  }
  return env.OPENAI_BASE_URL?.trim() || null;
}

export const qwenPreset: AgentPreset = programPreset(SPEC, {
  resumes: true,
  locks: 'enforced',
  async launch(ctx: LaunchContext): Promise<Launch> {
    const command = resolveProgram(SPEC, ctx);
    const task = taskText(ctx);
    const worktree = ctx.session.worktreePath;
    checkQwenHooksStayOn(worktree, overrideArgs(ctx));
    const inherited = agentEnv(ctx);
    const userQwenDir = inherited.QWEN_HOME?.trim() ? path.resolve(inherited.QWEN_HOME.trim()) : path.join(ctx.userHome, '.qwen');
    const qwenHome = prepareQwenHome({ privateDir: ctx.privateDir, userQwenDir, council: ctx.council, mcpServers: qwenMcpServers(councilMcpServer(ctx)), choices: { digest: ctx.override.digest !== false } });
    const args: string[] = [];
    if (ctx.mode === 'headless') args.push(`--prompt=${task ?? ''}`, '--output-format', 'stream-json', '--yolo');
    else if (task !== null) args.push(`--prompt-interactive=${task}`);
    const resume = resumeId(ctx);
    if (resume) args.push(`--resume=${resume}`);
    args.push(...modelArgs(ctx), ...overrideArgs(ctx));
    const env = agentEnv(ctx, { QWEN_HOME: qwenHome });
    const modelServer = qwenModelServer(env, args);
    return {
      command,
      args,
      env,
      cwd: worktree,
      parser: ctx.mode === 'headless' ? createParser('qwen', { worktree, modelServer }) : null,
      lockHook: hookCommandLine(ctx.council, 'pre-tool', 'qwen'),
      answerDeadlineMs: modelTimeoutMs(ctx),
      modelServer,
    };
  },
});
