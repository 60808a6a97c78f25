import type { FileLock, RegistryFile, Session } from './models';

/*
 * The records read before every agent edit (the lock hook: the registry, a lock file), checked
 * without zod. Building zod's schemas and compiling its parser is most of what a hook process pays
 * on top of Node's own start-up (bench/measure-lock-cli.ts), for three small records. The zod
 * schemas in models.ts stay the definition: tests/shared/record-checks.test.ts holds each check
 * here to its schema on generated inputs (same verdict, same output, keys in the same order), so
 * the two cannot drift apart unnoticed.
 *
 * A check answers what zod's safeParse answers for JSON input: the value with unknown keys
 * dropped, or the first field that is wrong.
 */

/** What json-store reads records with: a zod schema or one of the checks below (error: what is wrong). */
export interface RecordCheck<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown };
}

class Invalid extends Error {}

const fail = (at: string, what: string): never => {
  throw new Invalid(`${at}: ${what}`);
};

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
