import type { AgentPreset } from '../types';
import type { ProgramSpec } from './detect';
import { agentEnv, overrideArgs, programPreset, resolveProgram, resumeId } from './launch';

/**
 * opencode (`opencode-ai` on npm). Headless: `opencode run --format json "<task>"` (JSON events,
 * parsed by parsers/opencode.ts); interactive: its TUI on the worktree with the task as prompt.
 * Locks are advisory: opencode's hook mechanism is a JS plugin that needs `@opencode-ai/plugin`
 * installed in its config folder (offline it hangs at start-up), so the watcher flags its edits.
 * A dead model endpoint takes opencode about 70 s of its own retries to report.
 */

const SPEC: ProgramSpec = { id: 'opencode', label: 'opencode', binary: 'opencode', install: 'npm i -g opencode-ai' };

export const opencodePreset: AgentPreset = programPreset(SPEC, {
  locks: 'advisory',
  async launch(ctx) {
    const worktree = ctx.session.worktreePath;
    const model = ctx.override.model ? ['--model', ctx.override.model] : [];
    const resume = resumeId(ctx);
    const args =
      ctx.mode === 'headless'
        ? ['run', '--format', 'json', ...(resume ? ['--session', resume] : []), ...model, ...overrideArgs(ctx), ctx.task]
        : [worktree, '--prompt', ctx.task, ...model, ...overrideArgs(ctx)];
    return { command: resolveProgram(SPEC, ctx), args, env: agentEnv(ctx), cwd: worktree, parser: null };
  },
});
