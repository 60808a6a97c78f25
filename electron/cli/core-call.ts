import path from 'node:path';
import type { CommandInput, CommandName, CommandOutput } from '../../shared/contract';
import type { HandlerContext, HandlerTable } from '../core/dispatch';
import { CouncilError } from '../core/errors';
import { repoStart } from './inputs';
import type { Output } from './output';

/**
 * The CLI's front door: a verb parses its arguments into one contract command, calls it here —
 * through the real dispatch() (validated by the command's schema, run by the core's handler, where
 * every policy lives) — and renders the Result. A failure comes back as the same typed error every
 * face gets, so the exit status follows its code. Verbs that are only local plumbing are listed in
 * plumbing.ts.
 */

/** Progress lines (stderr) and Ctrl+C for a long command run in this process. */
export type CallContext = Pick<HandlerContext, 'progress' | 'signal'>;

export type Call = <C extends CommandName>(command: C, input: CommandInput<C>, context?: CallContext) => Promise<CommandOutput<C>>;

/** Where the handlers come from: the core's, by default (cli-handlers.ts, loaded on first use). */
export type HandlerSource = () => Promise<HandlerTable>;

const coreHandlers: HandlerSource = async () => (await import('./cli-handlers')).cliHandlers();

export function coreCaller(source: HandlerSource = coreHandlers): Call {
  return async function call<C extends CommandName>(command: C, input: CommandInput<C>, context: CallContext = {}): Promise<CommandOutput<C>> {
    const [{ dispatch }, handlers] = await Promise.all([import('../core/dispatch'), source()]);
    const result = await dispatch(command, input, handlers, { clientId: '', ...context });
    if (!result.ok) throw new CouncilError(result.error.code, result.error.message, result.error.details);
    return result.value as CommandOutput<C>;
  };
}

/** What a verb's body gets: where its answer goes, the door, and the repository it names. */
export interface Face {
  out: Output;
  call: Call;
  /** The repository as the contract names it: --repo, or this folder, made absolute. */
  repo(): string;
  /** --repo as given (undefined: none was). */
  repoOption: string | undefined;
}

export type DoorAction = (face: Face, ...args: unknown[]) => Promise<void> | void;
export type Door = (action: DoorAction) => (...args: unknown[]) => Promise<void>;

export const repoPath = (repo: string | undefined): string => path.resolve(repoStart(repo));
