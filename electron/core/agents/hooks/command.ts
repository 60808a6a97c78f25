import { invalidInput } from '../../errors';
import type { HookAgent } from '../hook-payload';
import type { CouncilCommand } from '../types';

/**
 * The command lines agent CLIs run for our hooks. The CLIs run a hook's command through a shell
 * (sh -c on Unix), so the command line is the one place a shell string cannot be avoided: every
 * argument is single-quoted, and environment assignments are `NAME='value'` with a checked name.
 */

/** `council hook <kind>`: pre-tool decides (fails closed); the others only report status (fail open). */
export const HOOK_KINDS = ['pre-tool', 'post-tool', 'notify', 'stop', 'prompt'] as const;
export type HookKind = (typeof HOOK_KINDS)[number];
export type StatusHookKind = Exclude<HookKind, 'pre-tool'>;

export function isHookKind(value: string): value is HookKind {
  return (HOOK_KINDS as readonly string[]).includes(value);
}

/**
 * The CLI's own time limit for the lock hook, in seconds: above the hook's own 10 s deadline (after
 * which it denies by itself), because every CLI treats a hook it had to kill as "allow".
 */
export const PRE_TOOL_TIMEOUT_SECONDS = 15;
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
 */
export function hookCommandLine(council: CouncilCommand, kind: HookKind, agent: HookAgent): string {
  if (council.argv.length === 0) throw invalidInput('the council command for hooks is empty');
  const assignments = Object.entries(council.env).map(([name, value]) => {
    if (!ENV_NAME.test(name)) throw invalidInput(`the council command's environment has a name sh cannot assign: ${JSON.stringify(name)}`);
    return `${name}=${shellQuote(value)}`;
  });
  const argv = [...council.argv, 'hook', kind, '--agent', agent].map(shellQuote);
  return [...assignments, ...argv].join(' ');
}
