import type { Command } from 'commander';
import type { Door } from './core-call';

/**
 * `council digest on|off|show ID`: one session's digest switch. Its agent is told, when it starts
 * and on a prompt after something changed, who else works on what, which files are taken and which
 * conflicts are predicted with it (electron/core/coordination/digest.ts); off, it is told nothing.
 * Per preset: `council settings set agents.<preset>.digest false`.
 */
export function digestCommand(program: Command, door: Door): void {
  const digest = program.command('digest').description("a session's digest of its peers, added to its agent's context (on by default)");
  for (const [verb, enabled, about] of [
    ['on', true, "tell the session's agent its digest again (at its next prompt, if anything changed)"],
    ['off', false, "tell the session's agent no digest from now on"],
    ['show', undefined, 'whether the session gets digests'],
  ] as const) {
    digest
      .command(verb)
      .description(about)
      .argument('<id>', 'session id or prefix')
      .action(
        door(async ({ out, call, repo }, id) => {
          const state = await call('digest.set', { repo: repo(), id: String(id), ...(enabled !== undefined ? { enabled } : {}) });
          out.done(state, () => `session ${state.sessionId}: digest ${state.enabled ? 'on' : 'off'}`);
        }),
      );
  }
}
