import type * as z from 'zod/mini';
import type { RecordCheck } from '../../shared/record-checks';
import { dispatchChecked, type CommandSpec } from '../core/dispatch-in';
import { CouncilError } from '../core/errors';

/** One domain of the contract as a lean process calls it: zod-free checks of its commands, and its zod schemas when they refuse something. */
export interface CheckedDomain<S extends Readonly<Record<string, CommandSpec>>> {
  checks: { readonly [C in keyof S]: { input: RecordCheck<unknown>; output: RecordCheck<unknown> } };
  specs: () => Promise<S>;
}

/**
 * A CLI verb as a face over one domain of the contract: its input goes through dispatchChecked()
 * with that domain's checks and command table (validated as the command's schema would, run by the
 * core's handler), and a failure comes back as the typed error every face gets, so the exit status
 * follows its code. A process that serves one domain (the lock verbs, electron/cli/hot.ts) loads
 * only that domain, and builds its zod schemas only to word a refusal.
 */
export async function callIn<S extends Readonly<Record<string, CommandSpec>>, C extends keyof S & string>(
  domain: CheckedDomain<S>,
  handlers: object,
  command: C,
  input: z.input<S[C]['input']>,
): Promise<z.output<S[C]['output']>> {
  const result = await dispatchChecked(domain.checks, domain.specs, command, input, handlers, { clientId: '' });
  if (!result.ok) throw new CouncilError(result.error.code, result.error.message, result.error.details);
  return result.value as z.output<S[C]['output']>;
}
