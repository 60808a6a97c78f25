import type { FileLock, RegistryFile, Session } from './models';

/*
 * The records read before every agent edit (the lock hook: the registry, a lock file), checked
 * without zod, and the few field checks the lock domain's commands are made of
 * (commands/lock-checks.ts). Building zod's schemas and compiling its parser was most of what a
 * hook or `council lock …` process paid on top of Node's own start-up (bench/measure-lock-cli.ts),
 * for a few small records. The zod schemas stay the definition:
 * tests/contract/record-checks.test.ts holds each check here to its schema on generated inputs
 * (same verdict, same output, keys in the same order), so the two cannot drift apart unnoticed.
 *
 * A check answers what zod's safeParse answers: the value (unknown keys dropped, as zod's object
 * does), or the first field that is wrong.
 */

/** What json-store reads records with: a zod schema or one of the checks below (error: what is wrong). */
export interface RecordCheck<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown };
}

class Invalid extends Error {}

const fail = (at: string, what: string): never => {
  throw new Invalid(`${at}: ${what}`);
};
/** Refuses the value at `at` (for field checks made elsewhere, e.g. state-checks.ts). */
export const invalid = fail;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function object(value: unknown, at: string): Record<string, unknown> {
  return isObject(value) ? value : fail(at, 'expected an object');
}

function string(value: unknown, at: string, pattern?: RegExp): string {
  if (typeof value !== 'string') return fail(at, 'expected a string');
  if (pattern !== undefined && !pattern.test(value)) fail(at, `does not match ${String(pattern)}`);
  return value;
}

function nonEmpty(value: unknown, at: string): string {
  const text = string(value, at);
  if (text.length === 0) fail(at, 'expected at least one character');
  return text;
}

const SESSION_ID = /^[0-9a-f]{4,12}$/;
const COMMIT = /^[0-9a-f]{40,64}$/;
const SESSION_STATES: readonly string[] = ['creating', 'ready', 'removing'] satisfies Session['state'][];

function sessionState(value: unknown, at: string): Session['state'] {
  const state = string(value, at);
  return SESSION_STATES.includes(state) ? (state as Session['state']) : fail(at, `expected one of ${SESSION_STATES.join(', ')}`);
}

function session(value: unknown, at: string): Session {
  const s = object(value, at);
  const out: Session = {
    id: string(s.id, `${at}.id`, SESSION_ID),
    task: nonEmpty(s.task, `${at}.task`),
    agent: s.agent === null ? null : string(s.agent, `${at}.agent`),
    branch: nonEmpty(s.branch, `${at}.branch`),
    worktreePath: nonEmpty(s.worktreePath, `${at}.worktreePath`),
    baseBranch: nonEmpty(s.baseBranch, `${at}.baseBranch`),
    baseCommit: string(s.baseCommit, `${at}.baseCommit`, COMMIT),
    createdAt: string(s.createdAt, `${at}.createdAt`),
    state: sessionState(s.state, `${at}.state`),
  };
  if (s.busy !== undefined) {
    const busy = object(s.busy, `${at}.busy`);
    if (typeof busy.pid !== 'number' || !Number.isSafeInteger(busy.pid)) fail(`${at}.busy.pid`, 'expected an integer');
    out.busy = { pid: busy.pid as number, since: string(busy.since, `${at}.busy.since`) };
  }
  if (s.host !== undefined) {
    const host = object(s.host, `${at}.host`);
    out.host = { name: nonEmpty(host.name, `${at}.host.name`), path: nonEmpty(host.path, `${at}.host.path`), repo: nonEmpty(host.repo, `${at}.host.repo`) };
  }
  return out;
}

function registryFile(value: unknown): RegistryFile {
  const file = object(value, 'registry');
  if (file.version !== 1) fail('registry.version', 'expected 1');
  const records = object(file.sessions, 'registry.sessions');
  const sessions: Record<string, Session> = {};
  for (const [id, record] of Object.entries(records)) sessions[id] = session(record, `registry.sessions.${id}`);
  return { version: 1, sessions };
}

function fileLock(value: unknown): FileLock {
  const lock = object(value, 'lock');
  return { path: nonEmpty(lock.path, 'lock.path'), sessionId: string(lock.sessionId, 'lock.sessionId', SESSION_ID), acquiredAt: string(lock.acquiredAt, 'lock.acquiredAt') };
}

/** One value of a checked object: checks it, answers what the output holds (or throws Invalid). */
export type FieldCheck = (value: unknown, at: string) => unknown;
/** An object's field that may be absent (or undefined). */
export interface Optional {
  optional: FieldCheck;
}

/** Unicode code points, as zod measures a string's length (a lone surrogate counts as one). */
function codePoints(s: string): number {
  let count = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}

/** A string of `min` to `max` characters (zod's minLength/maxLength: code points). */
export const text =
  (min: number, max: number): FieldCheck =>
  (value, at) => {
    const s = string(value, at);
    // a code point is one or two UTF-16 units: count them only when the units leave it in doubt
    const length = s.length > max || (s.length >= min && s.length < min * 2) ? codePoints(s) : s.length;
    if (length < min || length > max) fail(at, `expected ${min} to ${max} characters`);
    return s;
  };
/** A safe integer from `min` to `max` (zod's int with gte/lte). */
export const integer =
  (min: number, max: number): FieldCheck =>
  (value, at) =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max ? value : fail(at, `expected an integer from ${min} to ${max}`);
export const boolean: FieldCheck = (value, at) => (typeof value === 'boolean' ? value : fail(at, 'expected true or false'));
export const optional = (field: FieldCheck): Optional => ({ optional: field });
export const nullable =
  (field: FieldCheck): FieldCheck =>
  (value, at) =>
    value === null ? null : field(value, at);
export const arrayOf =
  (field: FieldCheck): FieldCheck =>
  (value, at) =>
    Array.isArray(value) ? value.map((item, i) => field(item, `${at}.${i}`)) : fail(at, 'expected an array');
/** An object of these fields, unknown keys dropped (zod's object) or refused (`strict`, zod's strictObject). */
export function objectOf(fields: Record<string, FieldCheck | Optional>, options: { strict: boolean }): FieldCheck {
  return (value, at) => {
    const input = object(value, at);
    if (options.strict) for (const key of Object.keys(input)) if (!Object.hasOwn(fields, key)) fail(at, `unknown field ${JSON.stringify(key)}`);
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(fields)) {
      if (typeof field === 'function') out[key] = field(input[key], `${at}.${key}`);
      else if (input[key] !== undefined) out[key] = field.optional(input[key], `${at}.${key}`);
    }
    return out;
  };
}
export const FILE_LOCK: FieldCheck = (value) => fileLock(value);

/** A check of a whole value made of the field checks above. */
export const checkOf = <T>(field: FieldCheck, what: string): RecordCheck<T> => check((value) => field(value, what) as T);

function check<T>(read: (value: unknown) => T): RecordCheck<T> {
  return {
    safeParse(value) {
      try {
        return { success: true, data: read(value) };
      } catch (err) {
        if (err instanceof Invalid) return { success: false, error: err.message };
        throw err;
      }
    },
  };
}

/** models.ts SessionSchema, checked without zod. */
export const SessionCheck: RecordCheck<Session> = check((value) => session(value, 'session'));
/** models.ts RegistryFileSchema, checked without zod. */
export const RegistryFileCheck: RecordCheck<RegistryFile> = check(registryFile);
/** models.ts FileLockSchema, checked without zod. */
export const FileLockCheck: RecordCheck<FileLock> = check(fileLock);
