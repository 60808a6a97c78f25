import { claudeHookArgs } from '../hooks/claude';
import { hookCommandLine } from '../hooks/command';
import { programPreset, agentEnv, modelArgs, overrideArgs, resolveProgram, resumeId, taskText } from './launch';
import type { AgentPreset, Launch, LaunchContext } from '../types';
import type { ProgramSpec } from './detect';

/**
 * Claude Code (`claude`). Interactive: its TUI with the task as the first prompt. Headless:
 * `claude -p … --output-format stream-json --verbose --permission-mode acceptEdits`. Our hooks come
 * in with `--settings '<json>'` (see ../hooks/claude.ts): nothing is written to the user's
 * configuration, and their ~/.claude settings, CLAUDE_CONFIG_DIR, ANTHROPIC_BASE_URL and keys apply
 * as they would in their own terminal.
 *
 * The task goes after `--`, so a task that starts with "-" is not read as an option and a variadic
 * option in the settings' extra arguments (`--add-dir a b`) cannot swallow it.
 */

const SPEC: ProgramSpec = { label: 'Claude Code', id: 'claude', binary: 'claude', install: 'npm i -g @anthropic-ai/claude-code' };

export const claudePreset: AgentPreset = programPreset(SPEC, {
  locks: 'enforced',
  async launch(ctx: LaunchContext): Promise<Launch> {
    const command = resolveProgram(SPEC, ctx);
    const task = taskText(ctx);
    const args: string[] = [];
    if (ctx.mode === 'headless') args.push('-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits');
    const resume = resumeId(ctx);
    if (resume) args.push(`--resume=${resume}`);
    args.push(...claudeHookArgs(ctx.council), ...modelArgs(ctx), ...overrideArgs(ctx));
    if (task !== null) args.push('--', task);
    return { command, args, env: agentEnv(ctx), cwd: ctx.session.worktreePath, parser: null, lockHook: hookCommandLine(ctx.council, 'pre-tool', 'claude') };
  },
});
