import type { AgentPreset } from '../types';
import { detectProgram } from './detect';
import { launchEnv, programPath } from './shared-launch';

/**
 * Aider (a Python program: `pipx install aider-chat`). Headless: `aider --message "<task>"
 * --yes-always`, which does the task and exits; plain text output (no structured events: the
 * watcher reports its edits). Interactive: its chat, with the task typed in as the first message.
 * Aider commits its own edits by default; on a session's branch that is what we want. Locks are
 * advisory: Aider has no pre-edit hook.
 */
export const aiderPreset: AgentPreset = {
  id: 'aider',
  label: 'Aider',
  binary: 'aider',
  locks: 'advisory',
  modes: ['interactive', 'headless'],
  detect: ({ env, override }) => detectProgram({ id: 'aider', label: 'Aider', binary: 'aider', install: 'pipx install aider-chat' }, { env, override }),
  launch(ctx) {
    const model = ctx.override.model ? ['--model', ctx.override.model] : [];
    const common = ['--no-pretty', '--no-check-update', '--no-show-release-notes', ...model, ...(ctx.override.args ?? [])];
    const args = ctx.mode === 'headless' ? ['--message', ctx.task, '--yes-always', '--no-stream', ...common] : [...common];
    return Promise.resolve({
      command: programPath('aider', ctx.override, ctx.env),
      args,
      env: launchEnv(ctx),
      cwd: ctx.session.worktreePath,
      parser: null,
      ...(ctx.mode === 'interactive' ? { initialInput: `${ctx.task}\r` } : {}),
    });
  },
};
