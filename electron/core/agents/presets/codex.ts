import { codexHookArgs } from '../hooks/codex';
import { codexConfigFile, codexStartupPrompt } from './codex-startup';
import { codexMcpArgs, councilMcpServer } from '../hooks/mcp';
import { hookCommandLine } from '../hooks/command';
import { programPreset, agentEnv, modelArgs, overrideArgs, resolveProgram, resumeId, taskText } from './launch';
import type { AgentPreset, Launch, LaunchContext } from '../types';
import type { ProgramSpec } from './detect';

/**
 * Codex (`codex`). Interactive: its TUI with the task as the first prompt (`codex resume <id>` to
 * go on with a conversation). Headless: `codex exec --json --dangerously-bypass-approvals-and-sandbox`
 * (`codex exec resume <id>`). The runner must start it with stdin CLOSED (not a pipe left open):
 * `codex exec` reads stdin to the end and appends it to the prompt, and waits for it until then.
 *
 * Our hooks come in as `-c hooks.…` overrides plus `--dangerously-bypass-hook-trust` (see
 * ../hooks/codex.ts); the user's CODEX_HOME / ~/.codex/config.toml (their provider, model, keys)
 * applies as it would in their own terminal.
 */

const SPEC: ProgramSpec = { label: 'Codex', id: 'codex', binary: 'codex', install: 'npm i -g @openai/codex' };

export const codexPreset: AgentPreset = programPreset(SPEC, {
  resumes: true,
  locks: 'enforced',
  async launch(ctx: LaunchContext): Promise<Launch> {
    const command = resolveProgram(SPEC, ctx);
    const task = taskText(ctx);
    const resume = resumeId(ctx);
    const args: string[] = [];
    if (ctx.mode === 'headless') args.push('exec', ...(resume ? ['resume'] : []), '--json', '--dangerously-bypass-approvals-and-sandbox');
    else if (resume) args.push('resume');
    // council's MCP server for this session beside the user's own (hooks/mcp.ts).
    args.push(...codexHookArgs(ctx.council, { digest: ctx.override.digest !== false }), ...codexMcpArgs(councilMcpServer(ctx)), ...modelArgs(ctx), ...overrideArgs(ctx));
    // Positionals after `--`: [SESSION_ID] [PROMPT].
    const positionals = [...(resume ? [resume] : []), ...(task !== null ? [task] : [])];
    if (positionals.length > 0) args.push('--', ...positionals);
    const env = agentEnv(ctx);
    // Its "Trust this folder?" question comes first in a repository it was never trusted in (codex-startup.ts).
    const startupPrompt = ctx.mode === 'interactive' ? codexStartupPrompt(codexConfigFile(env, ctx.userHome), ctx.session.worktreePath, ctx.repoRoot) : null;
    return { command, args, env, cwd: ctx.session.worktreePath, parser: null, lockHook: hookCommandLine(ctx.council, 'pre-tool', 'codex'), ...(startupPrompt ? { startupPrompt } : {}) };
  },
});
