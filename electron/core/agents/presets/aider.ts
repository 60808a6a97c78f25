import type { AgentPreset } from '../types';
import type { ProgramSpec } from './detect';
import { agentEnv, overrideArgs, programPreset, resolveProgram } from './launch';

/**
 * Aider (a Python program: `pipx install aider-chat`). Headless: `aider --message "<task>"
 * --yes-always --no-analytics`, which does the task and exits; plain text output, shown as it is
 * and read for its verdict (parsers/aider.ts: it exits 0 even after giving up on its model server);
 * the watcher reports its edits. Interactive: its chat, with the task typed in as the first message.
 * Aider commits its own edits by default; on a session's branch that is what we want. Locks are
 * advisory: Aider has no pre-edit hook.
 */

const SPEC: ProgramSpec = { id: 'aider', label: 'Aider', binary: 'aider', install: 'pipx install aider-chat' };

export const aiderPreset: AgentPreset = programPreset(SPEC, {
  locks: 'advisory',
  noMcp: "Aider has no MCP client: its agent does not get council's tools (peers, claims, conflicts, messages)",
  unverified: 'Aider is a Python program and PyPI cannot be reached where council is tested: its command line and failure paths are tested with a stand-in (tests/support/aider-stand-in.mjs), never the real Aider',
  async launch(ctx) {
    const model = ctx.override.model ? ['--model', ctx.override.model] : [];
    // --no-analytics: --yes-always would otherwise also answer Aider's analytics opt-in "yes".
    const common = ['--no-pretty', '--no-check-update', '--no-show-release-notes', '--no-analytics', ...model, ...overrideArgs(ctx)];
    const args = ctx.mode === 'headless' ? ['--message', ctx.task, '--yes-always', '--no-stream', ...common] : common;
    return {
      command: resolveProgram(SPEC, ctx),
      args,
      env: agentEnv(ctx),
      cwd: ctx.session.worktreePath,
      parser: null,
      ...(ctx.mode === 'interactive' ? { initialInput: `${ctx.task}\r` } : {}),
    };
  },
});
