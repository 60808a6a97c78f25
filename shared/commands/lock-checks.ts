import { arrayOf, boolean, checkOf, FILE_LOCK, integer, nullable, objectOf, optional, text, type RecordCheck } from '../record-checks';
import type { LockCommandName } from './locks';

/**
 * The lock domain's commands (locks.ts) checked without zod, for the CLI's `council lock …` verbs:
 * a process that runs one lock verb would otherwise spend more time building zod's schemas than
 * doing its work. Only a verdict of "valid" is taken from here: anything these checks refuse goes
 * through the zod schemas of locks.ts, which word the refusal exactly as for every other face
 * (electron/core/dispatch-in.ts, dispatchChecked). tests/contract/record-checks.test.ts holds each
 * check to its schema on inputs generated from the schema itself.
 */

/** Waiting for a busy lock: at most a day, like the CLI's --timeout. */
export const TIMEOUT_MAX_MS = 86_400_000;

const path = text(1, 4096);
const repo = path;
const id = text(1, 12);
const strict = { strict: true };

export type CommandChecks = { readonly [C in LockCommandName]: { input: RecordCheck<unknown>; output: RecordCheck<unknown> } };

export const lockChecks: CommandChecks = {
  'locks.acquire': {
    input: checkOf(objectOf({ repo, id, path, timeoutMs: optional(integer(0, TIMEOUT_MAX_MS)), cwd: optional(path) }, strict), 'input'),
    output: checkOf(FILE_LOCK, 'result'),
  },
  'locks.release': {
    input: checkOf(objectOf({ repo, id, path, cwd: optional(path) }, strict), 'input'),
    output: checkOf(objectOf({ released: boolean, path: text(0, Infinity) }, { strict: false }), 'result'),
  },
  'locks.releaseAll': {
    input: checkOf(objectOf({ repo, id }, strict), 'input'),
    output: checkOf(arrayOf(text(0, Infinity)), 'result'),
  },
  'locks.who': {
    input: checkOf(objectOf({ repo, path, cwd: optional(path) }, strict), 'input'),
    output: checkOf(nullable(FILE_LOCK), 'result'),
  },
  'locks.list': {
    input: checkOf(objectOf({ repo }, strict), 'input'),
    output: checkOf(arrayOf(FILE_LOCK), 'result'),
  },
};
