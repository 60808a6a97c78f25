import type { SessionContext } from '../../../shared/models';
import type { StoredRadar } from '../radar/stored';
import { arrayOf, checkOf, integer, invalid, nullable, objectOf, text, type FieldCheck, type RecordCheck } from '../../../shared/record-checks';

/**
 * The records the digest hook reads besides the lock hook's (record-checks.ts): each session's
 * context (models.ts SessionContextSchema, as context.ts reads it: records from before issue 12
 * may say `waiting`) and the stored radar (core/radar/stored.ts StoredRadarSchema), checked without
 * zod. The hook runs before every prompt of every agent, and building the zod schemas of the peers
 * view was most of what a digest cost on top of Node's start-up (bench/measure-digest-hook.ts).
 * The zod schemas stay their definition: tests/contract/state-checks.test.ts holds each check to
 * its schema on generated records (same verdict, same output), and the lists below to theirs.
 */

/** models.ts CONTEXT_STATUSES (the test holds them equal), and the legacy `waiting`. */
export const CONTEXT_STATUS_LIST = ['working', 'needs-input', 'blocked', 'idle', 'done', 'failed'] as const;
/** merge.ts CONFLICT_KINDS. */
export const CONFLICT_KIND_LIST = ['content', 'add/add', 'modify/delete', 'rename', 'other'] as const;
/** council.ts FILE_CHANGES. */
export const FILE_CHANGE_LIST = ['added', 'modified', 'deleted', 'type-changed'] as const;

const SESSION_ID = /^[0-9a-f]{4,12}$/;

const string = text(0, Infinity);
const sessionId: FieldCheck = (value, at) => (typeof value === 'string' && SESSION_ID.test(value) ? value : invalid(at, 'expected a session id'));
const oneOf =
  (values: readonly string[]): FieldCheck =>
  (value, at) =>
    typeof value === 'string' && values.includes(value) ? value : invalid(at, `expected one of ${values.join(', ')}`);
/** zod's number(): finite (JSON holds no other). */
const number: FieldCheck = (value, at) => (typeof value === 'number' && Number.isFinite(value) ? value : invalid(at, 'expected a number'));
/** zod's record(string, value): every own key kept, each value checked. */
const recordOf =
  (field: FieldCheck): FieldCheck =>
  (value, at) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid(at, 'expected an object');
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = field((value as Record<string, unknown>)[key], `${at}.${key}`);
    return out;
  };
/** zod's _default(inner, []): absent (undefined) is an empty array. */
const orEmpty =
  (field: FieldCheck): FieldCheck =>
  (value, at) =>
    value === undefined ? [] : field(value, at);

const legacyStatus = oneOf([...CONTEXT_STATUS_LIST, 'waiting']);

/** context.ts LegacyContextSchema: a context record, `waiting` allowed where a status is. */
const legacyContext = objectOf(
  {
    sessionId,
    agent: nullable(string),
    task: string,
    status: legacyStatus,
    currentFile: nullable(string),
    progress: nullable(string),
    message: nullable(string),
    blockedReason: nullable(string),
    blockedOn: nullable(string),
    updatedAt: string,
    history: arrayOf(objectOf({ status: legacyStatus, at: string, message: nullable(string) }, { strict: false })),
    clashes: orEmpty(arrayOf(objectOf({ path: text(1, Infinity), holder: sessionId, at: string }, { strict: false }))),
  },
  { strict: false },
);

type Legacy<T> = Omit<T, 'status' | 'history'> & { status: SessionContext['status'] | 'waiting'; history: (Omit<SessionContext['history'][number], 'status'> & { status: SessionContext['status'] | 'waiting' })[] };
export const LegacyContextCheck: RecordCheck<Legacy<SessionContext>> = checkOf(legacyContext, 'context');

/** A context record as context.ts reads it: `waiting` (before issue 12) reads as `idle`. */
export function contextOf(raw: Legacy<SessionContext>): SessionContext {
  const status = (s: SessionContext['status'] | 'waiting'): SessionContext['status'] => (s === 'waiting' ? 'idle' : s);
  return { ...raw, status: status(raw.status), history: raw.history.map((h) => ({ ...h, status: status(h.status) })) };
}

const radar = objectOf(
  {
    computedAt: string,
    base: objectOf({ branch: string, commit: string }, { strict: false }),
    sessions: arrayOf(objectOf({ sessionId, snapshot: string, files: arrayOf(string), merged: (v, at) => (typeof v === 'boolean' ? v : invalid(at, 'expected true or false')) }, { strict: false })),
    pairs: arrayOf(
      objectOf(
        { a: sessionId, b: string, overlap: arrayOf(string), conflicts: arrayOf(objectOf({ path: string, kind: oneOf(CONFLICT_KIND_LIST), message: string }, { strict: false })) },
        { strict: false },
      ),
    ),
    lockOwners: recordOf(sessionId),
    durationMs: number,
    computedPairs: integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  },
  { strict: false },
);

/** core/radar/stored.ts StoredRadarSchema, checked without zod. */
export const StoredRadarCheck: RecordCheck<StoredRadar> = checkOf(
  objectOf({ version: (v, at) => (v === 1 ? 1 : invalid(at, 'expected 1')), radar, changes: recordOf(recordOf(oneOf(FILE_CHANGE_LIST))) }, { strict: false }),
  'stored radar',
);
