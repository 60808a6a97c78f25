import { invalidInput } from '../../errors';
import type { HookAgent } from '../hook-payload';
import type { CouncilCommand } from '../types';

/**
 * The command lines agent CLIs run for our hooks. The CLIs run a hook's command through a shell
 * (sh -c on Unix), so the command line is the one place a shell string cannot be avoided: every
 * argument is single-quoted, and environment assignments are `NAME='value'` with a checked name.
 */

/**
 * `council hook <kind>`: pre-tool decides (fails closed); digest adds the session's digest of its
 * peers to the agent's context (fails open, council/digest.ts); the others only report status (fail open).
 */
export const HOOK_KINDS = ['pre-tool', 'post-tool', 'notify', 'stop', 'prompt', 'digest', 'notice'] as const;
export type HookKind = (typeof HOOK_KINDS)[number];
export type StatusHookKind = Exclude<HookKind, 'pre-tool' | 'digest' | 'notice'>;

export function isHookKind(value: string): value is HookKind {
  return (HOOK_KINDS as readonly string[]).includes(value);
}

/**
 * The lock hook's own deadline: past it, `council hook pre-tool` denies the edit by itself
 * (COUNCIL_HOOK_DEADLINE_MS can shorten it, never lengthen it).
 */
export const PRE_TOOL_DEADLINE_MS = 10_000;
/**
 * The CLI's own time limit for the lock hook, in seconds: above the hook's own deadline by more
 * than a slow start of Node and the bundle takes (the CLI's clock starts at the spawn, ours once
 * the bundle has loaded), because every CLI treats a hook it had to kill as "allow".
 * tests/security/lock-hook-process.test.ts checks each preset's configured value against it.
 */
export const PRE_TOOL_TIMEOUT_SECONDS = 15;
/** How much of the CLI's limit is left for starting the hook process before its deadline counts. */
export const HOOK_START_ALLOWANCE_MS = PRE_TOOL_TIMEOUT_SECONDS * 1000 - PRE_TOOL_DEADLINE_MS;
/** The CLI's limit for a status hook, in seconds (the hook gives up by itself after 5 s). */
export const STATUS_TIMEOUT_SECONDS = 10;

/** One argument quoted for sh: inside single quotes nothing is special but the quote itself. */
export function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `NAME='value' … 'argv0' 'argv1' … 'hook' '<kind>' '--agent' '<agent>'`: how an agent CLI starts
 * `council hook <kind>`. The name of an assignment cannot be quoted (sh would then take it for the
 * command), so it is checked instead.
 *
 * The lock hook's line ends in ` || exit 2`: whatever keeps `council hook pre-tool` from answering
 * (its program or bundle gone — say a rebuild rewriting out/cli mid-run —, a crash before its own
 * guards are in place, a signal) makes the shell exit 2, which every CLI reads as "deny", where the
 * exit status 127, 1 or 128+n it would otherwise see counts as "allow". The digest's line ends in
 * ` || true`: whatever keeps it from running, the prompt goes on. The status hooks fail open and
 * keep their plain line.
 */
export function hookCommandLine(council: CouncilCommand, kind: HookKind, agent: HookAgent): string {
  if (council.argv.length === 0) throw invalidInput('the council command for hooks is empty');
  const assignments = Object.entries(council.env).map(([name, value]) => {
    if (!ENV_NAME.test(name)) throw invalidInput(`the council command's environment has a name sh cannot assign: ${JSON.stringify(name)}`);
    return `${name}=${shellQuote(value)}`;
  });
  const argv = [...council.argv, 'hook', kind, '--agent', agent].map(shellQuote);
  const line = [...assignments, ...argv].join(' ');
  if (kind === 'pre-tool') return `${line} || exit 2`;
  // The digest fails open even when it cannot start (its bundle gone or older than the app):
  // Claude Code refuses the user's prompt when a UserPromptSubmit hook exits non-zero that way.
  if (kind === 'digest' || kind === 'notice') return `${line} || true`;
  return line;
}
