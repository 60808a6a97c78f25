import * as z from 'zod/mini';
import { commands, type CommandName, type CommandOutput } from '../../shared/contract';
import type { Result } from '../../shared/errors';
import { describeIssue } from '../../shared/validation';
import { dispatchIn, invalidInput, type HandlerContext } from './dispatch-in';

/**
 * The one place a command is validated and run, against the whole contract. Electron-free: every
 * way in (main's IPC handler, the browser host, each `council` verb through cli/core-call.ts)
 * passes plain values in and gets a `Result` back, so the contract can be tested in plain Node
 * without the Electron binary. The handlers are the core's (core/handlers/, one file per domain).
 * The running itself is dispatch-in.ts, which takes the command table as an argument: a process
 * serving a few commands (the CLI's lock verbs) loads only their part of the contract.
 */

/** What a handler receives: the command's input after its schema parsed it. */
export type ParsedInput<C extends CommandName> = z.output<(typeof commands)[C]['input']>;

/**
 * A handler returns the command's output, or throws. A `CouncilError` (electron/core/errors.ts)
 * keeps its code; anything else becomes `internal`.
 */
export type CommandHandler<C extends CommandName> = (
  input: ParsedInput<C>,
  context: HandlerContext,
) => CommandOutput<C> | Promise<CommandOutput<C>>;

export type { HandlerContext } from './dispatch-in';

const NO_CLIENT: HandlerContext = { clientId: '' };

/** Commands a process actually serves. Not every contract command has to be registered. */
export type HandlerTable = { readonly [C in CommandName]?: CommandHandler<C> };

/** What travels over IPC and the browser host's HTTP invoke: one command and its input. */
export const InvokeMessageSchema = z.strictObject({ command: z.string(), input: z.optional(z.unknown()) });
export type InvokeMessage = z.infer<typeof InvokeMessageSchema>;

/** Validates the `{ command, input }` envelope, then dispatches it. */
export async function dispatchMessage(message: unknown, handlers: HandlerTable, context: HandlerContext = NO_CLIENT): Promise<Result<unknown>> {
  const envelope = InvokeMessageSchema.safeParse(message);
  if (!envelope.success) {
    return invalidInput(`malformed message: ${describeIssue(envelope.error, 'message')}`, envelope.error.issues);
  }
  return dispatch(envelope.data.command, envelope.data.input, handlers, context);
}

/**
 * Runs `command` with `input` against `handlers`. Never throws: unknown or unregistered commands and
 * malformed input are `invalid-input`; a handler's failure is mapped by the core's `toErrorData`; a
 * handler returning something its output schema rejects is `internal` (a bug on our side).
 */
export async function dispatch(command: string, input: unknown, handlers: HandlerTable, context: HandlerContext = NO_CLIENT): Promise<Result<unknown>> {
  return dispatchIn(commands, command, input, handlers, context);
}

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commands, name);
}
