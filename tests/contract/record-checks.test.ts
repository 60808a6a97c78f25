import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileLockSchema, RegistryFileSchema, SessionSchema } from '../../shared/models';
import { FileLockCheck, RegistryFileCheck, SessionCheck, type RecordCheck } from '../../shared/record-checks';
import { lockChecks } from '../../shared/commands/lock-checks';
import { lockCommands } from '../../shared/commands/locks';
import { anyValue, breakingMutation, inputFields, isOptional, oddValidValue, validValue, type SchemaNode } from '../fuzz/schema-arbitraries';

/**
 * shared/record-checks.ts checks the records the lock hook reads (the registry, a lock file)
 * without zod, for start-up time. The zod schemas of models.ts stay their definition: on JSON
 * inputs near and far from valid records, each check must give zod's verdict and, when it accepts,
 * zod's output exactly (unknown keys dropped, keys in the schema's order, as the registry is
 * written back from it).
 */

const RUNS = 5000;

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
/** Strings that sit on the edges of the records' rules. */
const edgeString = fc.oneof(
  fc.constantFrom('', ' ', 'a', 'ABCD', 'abc', 'abcd', 'abcdef123456', 'abcdef1234567', 'g000', '0000\n', '\u{1F600}', '\ud800', 'ready', 'waiting', 'Ready'),
  hex(3),
  hex(4),
  hex(12),
  hex(13),
  hex(39),
  hex(40),
  hex(64),
  hex(65),
  fc.string(),
);
const anyJson = fc.jsonValue({ maxDepth: 2 });
/** A value where a field is expected: an edge string, null, an empty object or array, a number, anything. */
const edgeValue = fc.oneof({ weight: 4, arbitrary: edgeString }, fc.constantFrom(null, {}, [], 0, 1.5, true), anyJson);
const fieldValue = (valid: fc.Arbitrary<unknown>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: edgeValue });

const validSession = fc.record({
  id: hex(6),
  task: fc.string({ minLength: 1 }),
  agent: fc.option(fc.constantFrom('claude', 'codex', ''), { nil: null }),
  branch: fc.string({ minLength: 1 }),
  worktreePath: fc.string({ minLength: 1 }),
  baseBranch: fc.constantFrom('main', 'master', 'release/1.0'),
  baseCommit: fc.oneof(hex(40), hex(64)),
  createdAt: fc.constant('2026-12-06T16:00:00.000Z'),
  state: fc.constantFrom('creating', 'ready', 'removing'),
});
const busy = fc.record({ pid: fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 53), edgeString), since: fieldValue(fc.constant('2026-12-06T16:00:00.000Z')) }, { requiredKeys: [] });

/** A session record with some fields broken, dropped, or added, or busy set. */
const nearSession = fc
  .tuple(
    validSession,
    fc.dictionary(fc.constantFrom('id', 'task', 'agent', 'branch', 'worktreePath', 'baseBranch', 'baseCommit', 'createdAt', 'state', 'busy', 'extra', 'Id'), edgeValue, { maxKeys: 3 }),
    fc.subarray(['id', 'task', 'agent', 'state', 'busy'], { maxLength: 1 }),
    fc.option(busy, { nil: undefined }),
  )
  .map(([session, changes, dropped, busyValue]) => {
    const out: Record<string, unknown> = { ...session, ...(busyValue === undefined ? {} : { busy: busyValue }), ...changes };
    for (const key of dropped) delete out[key];
    return out;
  });

const nearRegistry = fc
  .tuple(fc.oneof({ weight: 8, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constantFrom(0, 2, 1.5, '1', null) }, { weight: 1, arbitrary: anyJson }), fc.array(fc.oneof({ weight: 6, arbitrary: validSession }, { weight: 1, arbitrary: nearSession }), { maxLength: 4 }), fc.boolean())
  .map(([version, sessions, asArray]) => ({ version, sessions: asArray ? sessions : Object.fromEntries(sessions.map((s, i) => [typeof s.id === 'string' ? s.id : String(i), s])) }));

const nearLock = fc
  .tuple(fc.record({ path: fieldValue(fc.string({ minLength: 1 })), sessionId: fieldValue(hex(6)), acquiredAt: fieldValue(fc.constant('2026-12-06T16:00:00.000Z')) }, { requiredKeys: [] }), fc.option(anyJson))
  .map(([lock, extra]) => (extra === null ? lock : { ...lock, extra }));

/** As a record comes off disk: JSON text parsed. */
const asRead = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null');

interface Tally {
  accepted: number;
  refused: number;
}

function sameAsZod<T>(check: RecordCheck<T>, schema: { safeParse(value: unknown): { success: boolean; data?: unknown } }, input: unknown, tally: Tally): void {
  const ours = check.safeParse(input);
  const theirs = schema.safeParse(input);
  expect(ours.success, JSON.stringify(input)).toBe(theirs.success);
  if (ours.success) {
    tally.accepted++;
    expect(JSON.stringify(ours.data)).toBe(JSON.stringify(theirs.data));
  } else {
    tally.refused++;
    expect(typeof ours.error).toBe('string');
  }
}

function holds<T>(check: RecordCheck<T>, schema: Parameters<typeof sameAsZod>[1], inputs: fc.Arbitrary<unknown>): Tally {
  const tally: Tally = { accepted: 0, refused: 0 };
  fc.assert(
    fc.property(inputs, (value) => sameAsZod(check, schema, asRead(value), tally)),
    { numRuns: RUNS, seed: 13 },
  );
  return tally;
}

describe('zod-free record checks give zod’s answers', () => {
  it('a session record', () => {
    const tally = holds(SessionCheck, SessionSchema, fc.oneof(nearSession, validSession, anyJson));
    // the inputs reach both verdicts often, so a check that always accepts (or refuses) fails here
    expect(tally.accepted).toBeGreaterThan(RUNS / 5);
    expect(tally.refused).toBeGreaterThan(RUNS / 5);
  });

  it('the registry file', () => {
    const tally = holds(RegistryFileCheck, RegistryFileSchema, fc.oneof(nearRegistry, anyJson));
    expect(tally.accepted).toBeGreaterThan(RUNS / 10);
    expect(tally.refused).toBeGreaterThan(RUNS / 5);
  });

  it('a lock file', () => {
    const tally = holds(FileLockCheck, FileLockSchema, fc.oneof(nearLock, anyJson));
    expect(tally.accepted).toBeGreaterThan(RUNS / 10);
    expect(tally.refused).toBeGreaterThan(RUNS / 5);
  });

  it('keys a JSON file can hold that an object literal cannot (__proto__, constructor)', () => {
    const session = JSON.stringify({ id: 'abcd12', task: 't', agent: null, branch: 'b', worktreePath: '/w', baseBranch: 'main', baseCommit: 'a'.repeat(40), createdAt: 'x', state: 'ready' });
    for (const text of [
      `{"version":1,"sessions":{"__proto__":${session}}}`,
      `{"version":1,"sessions":{"constructor":${session},"abcd12":${session}}}`,
      `{"version":1,"sessions":{"abcd12":${session}},"__proto__":{"version":2}}`,
      session.replace('{', '{"__proto__":{"state":"ready"},'),
    ]) {
      const tally = { accepted: 0, refused: 0 };
      sameAsZod(RegistryFileCheck, RegistryFileSchema, JSON.parse(text), tally);
      sameAsZod(SessionCheck, SessionSchema, JSON.parse(text), tally);
    }
  });

  it('name the field that is wrong', () => {
    const result = RegistryFileCheck.safeParse({ version: 1, sessions: { abcd12: { id: 'abcd12' } } });
    expect(result).toEqual({ success: false, error: 'registry.sessions.abcd12.task: expected a string' });
    expect(FileLockCheck.safeParse({ path: '', sessionId: 'abcd12', acquiredAt: 'x' })).toEqual({ success: false, error: 'lock.path: expected at least one character' });
  });
});

describe('the lock domain’s zod-free checks give the contract’s answers', () => {
  const RUNS = 2000;
  const lockValue = fc.record({ path: fc.string({ minLength: 1 }), sessionId: hex(6), acquiredAt: fc.string() });
  /** Results a lock handler could return, and near misses of them. */
  const results = fc.oneof(
    lockValue,
    nearLock,
    fc.array(fc.oneof(lockValue, nearLock), { maxLength: 3 }),
    fc.array(fc.oneof(fc.string(), edgeValue), { maxLength: 3 }),
    fc.record({ released: fc.oneof(fc.boolean(), edgeValue), path: fc.oneof(fc.string(), edgeValue), extra: anyJson }, { requiredKeys: [] }),
    edgeValue,
  );

  for (const [command, spec] of Object.entries(lockCommands)) {
    it(command, () => {
      const check = lockChecks[command as keyof typeof lockChecks];
      const fields = inputFields(spec.input as SchemaNode);
      // valid inputs with odd values in every field (optional ones present or not), and each broken by one to three mutations
      const valid = fc.record(Object.fromEntries(Object.entries(fields).map(([key, node]) => [key, oddValidValue(node)])), {
        requiredKeys: Object.keys(fields).filter((key) => !isOptional(fields[key] as SchemaNode)),
      });
      const broken = fc.tuple(valid, fc.array(breakingMutation(fields), { minLength: 1, maxLength: 3 })).map(([input, mutations]) => {
        const out = { ...input };
        for (const m of mutations) m.apply(out);
        return out;
      });
      const inputs: Tally = { accepted: 0, refused: 0 };
      fc.assert(
        fc.property(fc.oneof(valid, broken, anyValue), (input) => {
          const ours = check.input.safeParse(input);
          expect(ours.success, fc.stringify(input).slice(0, 300)).toBe(spec.input.safeParse(input).success);
          inputs[ours.success ? 'accepted' : 'refused']++;
        }),
        { numRuns: RUNS, seed: 13 },
      );
      expect(inputs.accepted).toBeGreaterThan(RUNS / 5);
      expect(inputs.refused).toBeGreaterThan(RUNS / 5);
      expect(check.input.safeParse(validValue(spec.input as SchemaNode)).success).toBe(true);

      const outputs: Tally = { accepted: 0, refused: 0 };
      fc.assert(
        fc.property(results, (value) => sameAsZod(check.output, spec.output, asRead(value), outputs)),
        { numRuns: RUNS, seed: 13 },
      );
      expect(outputs.accepted).toBeGreaterThan(RUNS / 40);
      expect(outputs.refused).toBeGreaterThan(RUNS / 5);
    });
  }
});
