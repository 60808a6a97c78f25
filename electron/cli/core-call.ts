import type { CommandInput, CommandName, CommandOutput } from '../../shared/contract';
import { dispatch, type HandlerTable } from '../core/dispatch';
import { CouncilError } from '../core/errors';

/**
 * A CLI verb as a face over the contract: its input goes through the real dispatch() (validated by
 * the command's schema, run by the core's handler), and a failure comes back as the same typed
 * error every face gets, so the exit status follows its code.
 */
export async function callCore<C extends CommandName>(handlers: HandlerTable, command: C, input: CommandInput<C>): Promise<CommandOutput<C>> {
  const result = await dispatch(command, input, handlers);
  if (!result.ok) throw new CouncilError(result.error.code, result.error.message, result.error.details);
  return result.value as CommandOutput<C>;
}
