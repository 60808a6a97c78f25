import fc from 'fast-check';
import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { CONTEXT_STATUSES, SessionContextSchema, StatusChangeSchema } from '../../shared/models';
import { CONFLICT_KINDS } from '../../shared/merge';
import { FILE_CHANGES } from '../../shared/council';
import { StoredRadarSchema } from '../../electron/core/radar/stored';
import { CONFLICT_KIND_LIST, CONTEXT_STATUS_LIST, contextOf, FILE_CHANGE_LIST, LegacyContextCheck, StoredRadarCheck } from '../../electron/core/state/state-checks';
import type { RecordCheck } from '../../shared/record-checks';

/**
 * electron/core/state/state-checks.ts reads the digest hook's records (each session's context, the
 * stored radar) without zod. The zod schemas stay their definition: on records near and far from
 * valid ones, each check gives zod's verdict and, when it accepts, zod's output exactly.
 */

const RUNS = 3000;

// context.ts reads a record with this schema (records from before issue 12 may say `waiting`), then maps waiting to idle.
const LegacyStatusSchema = z.enum([...CONTEXT_STATUSES, 'waiting']);
const LegacyContextSchema = z.extend(SessionContextSchema, { status: LegacyStatusSchema, history: z.array(z.extend(StatusChangeSchema, { status: LegacyStatusSchema })) });

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const edge = fc.oneof(
  fc.constantFrom('', 'a', 'abc', 'ABCD', 'abcd', 'waiting', 'working', 'idle', 'content', 'added', 'base', 1, 0, 1.5, -1, 2 ** 53, null, true, {}, [], [''], { a: 1 }),
  hex(3),
  hex(13),
  fc.jsonValue({ maxDepth: 1 }),
);
/** A valid record with up to three fields replaced by edge values or dropped, sometimes an unknown key. */
const near = <T extends Record<string, unknown>>(valid: fc.Arbitrary<T>, keys: string[]) =>
  fc.tuple(valid, fc.dictionary(fc.constantFrom(...keys, 'extra'), edge, { maxKeys: 3 }), fc.subarray(keys, { maxLength: 1 }), fc.nat(3)).map(([record, changes, dropped, mode]) => {
    if (mode === 0) return record; // as written
    const out: Record<string, unknown> = { ...record, ...changes };
    for (const key of dropped) delete out[key];
    return out;
  });
const maybeNear = <T extends Record<string, unknown>>(valid: fc.Arbitrary<T>, keys: string[], weight = 3) => fc.oneof({ weight, arbitrary: valid }, { weight: 1, arbitrary: near(valid, keys) });

const status = fc.constantFrom(...CONTEXT_STATUSES, 'waiting');
const change = fc.record({ status, at: fc.string(), message: fc.option(fc.string(), { nil: null }) });
const clash = fc.record({ path: fc.string({ minLength: 1 }), holder: hex(6), at: fc.string() });
const validContext = fc.record(
  {
    sessionId: hex(6),
    agent: fc.option(fc.constantFrom('claude', 'codex', ''), { nil: null }),
    task: fc.string(),
    status,
    currentFile: fc.option(fc.string(), { nil: null }),
    progress: fc.option(fc.string(), { nil: null }),
    message: fc.option(fc.string(), { nil: null }),
    blockedReason: fc.option(fc.string(), { nil: null }),
    blockedOn: fc.option(fc.string(), { nil: null }),
    updatedAt: fc.string(),
    history: fc.array(maybeNear(change, ['status', 'at', 'message']), { maxLength: 3 }),
    clashes: fc.array(maybeNear(clash, ['path', 'holder', 'at']), { maxLength: 2 }),
  },
  { requiredKeys: ['sessionId', 'agent', 'task', 'status', 'currentFile', 'progress', 'message', 'blockedReason', 'blockedOn', 'updatedAt', 'history'] },
);
const contextKeys = ['sessionId', 'agent', 'task', 'status', 'currentFile', 'progress', 'message', 'blockedReason', 'blockedOn', 'updatedAt', 'history', 'clashes'];

const conflict = fc.record({ path: fc.string(), kind: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...CONFLICT_KINDS) }, { weight: 1, arbitrary: fc.constant('overlap') }), message: fc.string() });
const pair = fc.record({ a: hex(6), b: fc.oneof(hex(6), fc.constant('base')), overlap: fc.array(fc.string(), { maxLength: 3 }), conflicts: fc.array(maybeNear(conflict, ['path', 'kind', 'message'], 12), { maxLength: 2 }) });
const radarSession = fc.record({ sessionId: hex(6), snapshot: hex(40), files: fc.array(fc.string(), { maxLength: 3 }), merged: fc.boolean() });
const radar = fc.record({
  computedAt: fc.string(),
  base: maybeNear(fc.record({ branch: fc.string(), commit: hex(40) }), ['branch', 'commit'], 12),
  sessions: fc.array(maybeNear(radarSession, ['sessionId', 'snapshot', 'files', 'merged'], 12), { maxLength: 3 }),
  pairs: fc.array(maybeNear(pair, ['a', 'b', 'overlap', 'conflicts'], 12), { maxLength: 3 }),
  lockOwners: fc.dictionary(fc.string(), fc.oneof({ weight: 12, arbitrary: hex(6) }, { weight: 1, arbitrary: edge }), { maxKeys: 3 }),
  durationMs: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()),
  computedPairs: fc.oneof({ weight: 12, arbitrary: fc.integer() }, { weight: 1, arbitrary: fc.constant(1.5) }),
});
const changes = fc.dictionary(hex(6), fc.dictionary(fc.string(), fc.oneof({ weight: 15, arbitrary: fc.constantFrom(...FILE_CHANGES) }, { weight: 1, arbitrary: edge }), { maxKeys: 3 }), { maxKeys: 3 });
const storedRadar = fc.record({ version: fc.oneof({ weight: 12, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: edge }), radar: maybeNear(radar, ['computedAt', 'base', 'sessions', 'pairs', 'lockOwners', 'durationMs', 'computedPairs'], 8), changes });

/** As a record comes off disk: JSON text parsed. */
const asRead = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null');

function holds<T>(check: RecordCheck<T>, schema: { safeParse(value: unknown): { success: boolean; data?: unknown } }, inputs: fc.Arbitrary<unknown>, map: (value: T) => unknown = (v) => v) {
  const tally = { accepted: 0, refused: 0 };
  fc.assert(
    fc.property(inputs, (input) => {
      const value = asRead(input);
      const ours = check.safeParse(value);
      const theirs = schema.safeParse(value);
      expect(ours.success, JSON.stringify(value)).toBe(theirs.success);
      if (ours.success) {
        tally.accepted++;
        expect(JSON.stringify(map(ours.data))).toBe(JSON.stringify(map(theirs.data as T)));
      } else tally.refused++;
    }),
    { numRuns: RUNS, seed: 15 },
  );
  // both verdicts are reached often, so a check that always accepts (or refuses) fails here
  expect(tally.accepted).toBeGreaterThan(RUNS / 5);
  expect(tally.refused).toBeGreaterThan(RUNS / 10);
}

describe('zod-free state checks give zod’s answers', () => {
  it('their lists are the schemas’ lists', () => {
    expect([...CONTEXT_STATUS_LIST]).toEqual([...CONTEXT_STATUSES]);
    expect([...CONFLICT_KIND_LIST]).toEqual([...CONFLICT_KINDS]);
    expect([...FILE_CHANGE_LIST]).toEqual([...FILE_CHANGES]);
  });

  it('a context record (as context.ts reads it, waiting read as idle)', () => {
    holds(LegacyContextCheck, LegacyContextSchema, fc.oneof(near(validContext, contextKeys), validContext, fc.jsonValue({ maxDepth: 2 })));
    // and what the store makes of it: the same record
    holds(LegacyContextCheck, LegacyContextSchema, validContext, (v) => SessionContextSchema.parse(contextOf(v as never)));
  });

  it('the stored radar', () => {
    holds(StoredRadarCheck, StoredRadarSchema, fc.oneof({ weight: 5, arbitrary: storedRadar }, { weight: 2, arbitrary: near(storedRadar, ['version', 'radar', 'changes']) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }));
  });
});
