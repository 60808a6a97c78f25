import * as z from 'zod/mini';
import { commands, type CommandName, type CommandOutput } from '../../shared/contract';
import type { Result } from '../../shared/errors';
import { describeIssue } from '../../shared/validation';
import { toErrorData } from './errors';

/**
 * The one place a command is validated and run. Electron-free: main's IPC handler (and, once they
 * move to it, the CLI and the browser host) pass plain values in and get a `Result` back, so the
 * contract can be tested in plain Node without the Electron binary.
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

/** Who is asking: the window (Electron) or socket (browser host) that events go back to. */
export interface HandlerContext {
  clientId: string;
}

const NO_CLIENT: HandlerContext = { clientId: '' };

/** Commands a process actually serves. Not every contract command has to be registered. */
export type HandlerTable = { readonly [C in CommandName]?: CommandHandler<C> };

/** What travels over IPC (and, later, the browser host's socket): one command and its input. */
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
  if (!isCommandName(command)) return unknownCommand(command);
  const handler = Object.hasOwn(handlers, command) ? (handlers[command] as ((input: unknown, context: HandlerContext) => unknown) | undefined) : undefined;
  if (typeof handler !== 'function') return unknownCommand(command);

  const spec = commands[command];
  const parsed = spec.input.safeParse(input);
  if (!parsed.success) {
    return invalidInput(`invalid input for "${command}": ${describeIssue(parsed.error)}`, parsed.error.issues);
  }
  let value: unknown;
  try {
    value = await handler(parsed.data, context);
  } catch (error) {
    return { ok: false, error: toErrorData(error) };
  }
  const output = spec.output.safeParse(value);
  if (!output.success) {
    return {
      ok: false,
      error: { code: 'internal', message: `"${command}" produced a malformed result: ${describeIssue(output.error, 'result')}` },
    };
  }
  return { ok: true, value: output.data };
}

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commands, name);
}

function unknownCommand(command: string): Result<never> {
  return { ok: false, error: { code: 'invalid-input', message: `unknown command ${JSON.stringify(command)}`, details: { command } } };
}

/** `details.issues` lets a form point at every bad field, not only the first one the message names. */
function invalidInput(message: string, issues: readonly z.core.$ZodIssue[]): Result<never> {
  const fields = issues.flatMap((issue): { path: string; code: string }[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key].map(String).join('.'), code: issue.code }))
      : [{ path: issue.path.map(String).join('.'), code: issue.code }],
  );
  return { ok: false, error: { code: 'invalid-input', message, details: { issues: fields } } };
}
