import type * as z from 'zod/mini';
import type { Result } from '../../shared/errors';
import type { RecordCheck } from '../../shared/record-checks';
import { describeIssue } from '../../shared/validation';
import { toErrorData } from './errors';

/** What a command is: the schema of its input and of its output (one entry of shared/commands/*). */
export interface CommandSpec {
  input: z.ZodMiniType;
  output: z.ZodMiniType;
}

/** Who is asking: the window (Electron) or socket (browser host) that events go back to. */
export interface HandlerContext {
  clientId: string;
  /**
   * Where a long command (a merge or agents waited for) tells its progress as lines of text while
   * it runs: the CLI's stderr. Nowhere when absent (the app follows state events instead).
   */
  progress?: (text: string) => void;
  /** Aborts a long command that runs in this process (the CLI's Ctrl+C). */
  signal?: AbortSignal;
}

type AnyHandler = (input: unknown, context: HandlerContext) => unknown;

/**
 * Runs `command` with `input` against `handlers`, with the command's schemas taken from `specs`
 * (the whole contract, or one domain of it). Never throws: unknown or unregistered commands and
 * malformed input are `invalid-input`; a handler's failure is mapped by the core's `toErrorData`; a
 * handler returning something its output schema rejects is `internal` (a bug on our side).
 */
export async function dispatchIn(
  specs: Readonly<Record<string, CommandSpec>>,
  command: string,
  input: unknown,
  handlers: object,
  context: HandlerContext,
): Promise<Result<unknown>> {
  if (!Object.hasOwn(specs, command)) return unknownCommand(command);
  const handler = Object.hasOwn(handlers, command) ? (handlers as Record<string, AnyHandler | undefined>)[command] : undefined;
  if (typeof handler !== 'function') return unknownCommand(command);

  const spec = specs[command] as CommandSpec;
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
  return checkOutput(spec, command, value);
}

/** A handler's value as its output schema has it, or `internal` (a bug on our side). */
function checkOutput(spec: CommandSpec, command: string, value: unknown): Result<unknown> {
  const output = spec.output.safeParse(value);
  if (!output.success) {
    return {
      ok: false,
      error: { code: 'internal', message: `"${command}" produced a malformed result: ${describeIssue(output.error, 'result')}` },
    };
  }
  return { ok: true, value: output.data };
}

/**
 * dispatchIn for a domain that also has zod-free checks of its commands (shared/commands/lock-checks.ts):
 * what they accept runs without building a zod schema; whatever they refuse (input or result) is
 * judged and worded by the domain's zod schemas, loaded then by `loadSpecs`, so every answer is the
 * one dispatchIn gives. The handler runs once either way.
 */
export async function dispatchChecked(
  checks: Readonly<Record<string, { input: RecordCheck<unknown>; output: RecordCheck<unknown> }>>,
  loadSpecs: () => Promise<Readonly<Record<string, CommandSpec>>>,
  command: string,
  input: unknown,
  handlers: object,
  context: HandlerContext,
): Promise<Result<unknown>> {
  const check = Object.hasOwn(checks, command) ? checks[command] : undefined;
  const handler = Object.hasOwn(handlers, command) ? (handlers as Record<string, AnyHandler | undefined>)[command] : undefined;
  const parsed = check?.input.safeParse(input);
  if (!check || typeof handler !== 'function' || !parsed?.success) return dispatchIn(await loadSpecs(), command, input, handlers, context);
  let value: unknown;
  try {
    value = await handler(parsed.data, context);
  } catch (error) {
    return { ok: false, error: toErrorData(error) };
  }
  const output = check.output.safeParse(value);
  if (output.success) return { ok: true, value: output.data };
  const spec = (await loadSpecs())[command];
  return spec ? checkOutput(spec, command, value) : unknownCommand(command);
}

export function unknownCommand(command: string): Result<never> {
  return { ok: false, error: { code: 'invalid-input', message: `unknown command ${JSON.stringify(command)}`, details: { command } } };
}

/** `details.issues` lets a form point at every bad field, not only the first one the message names. */
export function invalidInput(message: string, issues: readonly z.core.$ZodIssue[]): Result<never> {
  const fields = issues.flatMap((issue): { path: string; code: string }[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key].map(String).join('.'), code: issue.code }))
      : [{ path: issue.path.map(String).join('.'), code: issue.code }],
  );
  return { ok: false, error: { code: 'invalid-input', message, details: { issues: fields } } };
}
