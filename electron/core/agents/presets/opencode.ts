import type { AgentPreset } from '../types';
import { detectProgram } from './detect';
import { launchEnv, programPath } from './shared-launch';

/**
 * opencode (`opencode-ai` on npm). Headless: `opencode run --format json "<task>"` (JSON events,
 * parsed by parsers/opencode.ts); interactive: its TUI on the worktree with the task as prompt.
 * Locks are advisory: opencode's hook mechanism is a JS plugin that needs `@opencode-ai/plugin`
 * installed in its config folder (offline it hangs at start-up), so the watcher flags its edits.
 */
export const opencodePreset: AgentPreset = {
  id: 'opencode',
  label: 'opencode',
  binary: 'opencode',
  locks: 'advisory',
  modes: ['interactive', 'headless'],
  detect: ({ env, override }) => detectProgram({ id: 'opencode', label: 'opencode', binary: 'opencode', install: 'npm i -g opencode-ai' }, { env, override }),
  launch(ctx) {
    const worktree = ctx.session.worktreePath;
    const args =
      ctx.mode === 'headless'
        ? ['run', '--format', 'json', ...(ctx.resume?.agentSessionId ? ['--session', ctx.resume.agentSessionId] : []), ...(ctx.override.model ? ['--model', ctx.override.model] : []), ...(ctx.override.args ?? []), ctx.task]
        : [worktree, '--prompt', ctx.task, ...(ctx.override.model ? ['--model', ctx.override.model] : []), ...(ctx.override.args ?? [])];
    return Promise.resolve({ command: programPath('opencode', ctx.override, ctx.env), args, env: launchEnv(ctx), cwd: worktree, parser: null });
  },
};
