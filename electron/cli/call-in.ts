import type * as z from 'zod/mini';
import { dispatchIn, type CommandSpec } from '../core/dispatch-in';
import { CouncilError } from '../core/errors';

/**
 * A CLI verb as a face over one domain of the contract: its input goes through dispatchIn() with
 * that domain's command table (validated by the command's schema, run by the core's handler), and a
 * failure comes back as the typed error every face gets, so the exit status follows its code. A
 * process that serves one domain (the lock verbs, electron/cli/hot.ts) loads only that domain.
 */
export async function callIn<S extends Readonly<Record<string, CommandSpec>>, C extends keyof S & string>(
  specs: S,
  handlers: object,
  command: C,
  input: z.input<S[C]['input']>,
): Promise<z.output<S[C]['output']>> {
  const result = await dispatchIn(specs, command, input, handlers, { clientId: '' });
  if (!result.ok) throw new CouncilError(result.error.code, result.error.message, result.error.details);
  return result.value as z.output<S[C]['output']>;
}
