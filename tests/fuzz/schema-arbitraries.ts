import fc from 'fast-check';
import * as z from 'zod/mini';

/**
 * fast-check arbitraries derived from the contract's own zod/mini input schemas: a valid params
 * object for a command, and mutations of it that the schema must refuse (a field of the wrong type
 * or out of range, a required field dropped, an unknown field added, the whole input replaced).
 * Derived rather than written per command, so a new command, or a new field, is fuzzed the day it
 * is added. A schema construct this file does not know throws UnsupportedSchema, which fails the
 * fuzz test for that command instead of quietly fuzzing less.
 */

export type SchemaNode = z.core.$ZodType;

export class UnsupportedSchema extends Error {}

/** What this file understands of a schema node. */
export type Shape =
  | { kind: 'object'; fields: Record<string, SchemaNode>; strict: boolean }
  | { kind: 'string'; min: number; max: number; pattern: RegExp | null }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: string[] }
  | { kind: 'array'; element: SchemaNode; min: number; max: number }
  | { kind: 'record'; key: SchemaNode; value: SchemaNode }
  | { kind: 'unknown' }
  | { kind: 'optional'; inner: SchemaNode }
  | { kind: 'nullable'; inner: SchemaNode };

interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
  format?: string;
  pattern?: RegExp;
}

interface NodeDef {
  type: string;
  format?: string;
  checks?: { _zod: { def: CheckDef } }[];
  shape?: Record<string, SchemaNode>;
  catchall?: SchemaNode;
  innerType?: SchemaNode;
  element?: SchemaNode;
  entries?: Record<string, string | number>;
  keyType?: SchemaNode;
  valueType?: SchemaNode;
}

const defOf = (node: SchemaNode): NodeDef => (node as unknown as { _zod: { def: NodeDef } })._zod.def;

export function shapeOf(node: SchemaNode): Shape {
  const def = defOf(node);
  const checks = (def.checks ?? []).map((c) => c._zod.def);
  const known = (allowed: string[]): void => {
    const odd = checks.filter((c) => !allowed.includes(c.check) || (c.check === 'string_format' && c.format !== 'regex'));
    if (odd.length) throw new UnsupportedSchema(`${def.type} check(s) ${odd.map((c) => c.format ?? c.check).join(', ')} are not known to the fuzzer`);
  };
  switch (def.type) {
    case 'object':
      return { kind: 'object', fields: def.shape ?? {}, strict: def.catchall !== undefined && defOf(def.catchall).type === 'never' };
    case 'string': {
      known(['min_length', 'max_length', 'string_format']);
      const min = Math.max(0, ...checks.filter((c) => c.check === 'min_length').map((c) => c.minimum ?? 0));
      const max = Math.min(Number.MAX_SAFE_INTEGER, ...checks.filter((c) => c.check === 'max_length').map((c) => c.maximum ?? Infinity));
      const pattern = checks.find((c) => c.check === 'string_format')?.pattern ?? null;
      return { kind: 'string', min, max, pattern };
    }
    case 'number': {
      if (def.format !== 'safeint') throw new UnsupportedSchema(`number format ${def.format ?? '(float)'} is not known to the fuzzer`);
      known(['greater_than', 'less_than']);
      const bound = (check: string, fallback: number): number => {
        const c = checks.find((x) => x.check === check);
        if (!c) return fallback;
        if (!c.inclusive) throw new UnsupportedSchema('exclusive number bounds are not known to the fuzzer');
        return c.value ?? fallback;
      };
      return { kind: 'int', min: bound('greater_than', Number.MIN_SAFE_INTEGER), max: bound('less_than', Number.MAX_SAFE_INTEGER) };
    }
    case 'boolean':
      known([]);
      return { kind: 'boolean' };
    case 'enum': {
      const values = Object.values(def.entries ?? {});
      if (!values.every((v): v is string => typeof v === 'string')) throw new UnsupportedSchema('non-string enums are not known to the fuzzer');
      return { kind: 'enum', values };
    }
    case 'array': {
      known(['min_length', 'max_length']);
      if (!def.element) throw new UnsupportedSchema('array without an element schema');
      const min = Math.max(0, ...checks.filter((c) => c.check === 'min_length').map((c) => c.minimum ?? 0));
      const max = Math.min(100_000, ...checks.filter((c) => c.check === 'max_length').map((c) => c.maximum ?? Infinity));
      return { kind: 'array', element: def.element, min, max };
    }
    case 'record':
      known([]);
      if (!def.keyType || !def.valueType) throw new UnsupportedSchema('record without key and value schemas');
      return { kind: 'record', key: def.keyType, value: def.valueType };
    case 'unknown':
      return { kind: 'unknown' };
    case 'optional':
    case 'nullable':
      if (!def.innerType) throw new UnsupportedSchema(`${def.type} without an inner schema`);
      return { kind: def.type, inner: def.innerType };
    default:
      throw new UnsupportedSchema(`schema type "${def.type}" is not known to the fuzzer`);
  }
}

export const accepts = (node: SchemaNode, value: unknown): boolean => z.safeParse(node, value).success;

/** The fields of a command's input: it must be a strict object (the contract's rule: an unknown field is refused). */
export function inputFields(node: SchemaNode): Record<string, SchemaNode> {
  const shape = shapeOf(node);
  if (shape.kind !== 'object') throw new UnsupportedSchema(`the input is a ${shape.kind}, not an object`);
  if (!shape.strict) throw new UnsupportedSchema('the input is not a strict object: an unknown field would be silently dropped');
  return shape.fields;
}

export const isOptional = (node: SchemaNode): boolean => shapeOf(node).kind === 'optional';

/** Characters that have tripped path, shell, git and JSON handling somewhere. */
const NASTY = ['../', '..\\', '/', '\0', '\n', '\r', '\t', ' ', '"', "'", '`', '$(', '%00', '%2e%2e/', '~', '*', '?', ':', '-', '--', '\u202e', '\ufeff', '\u00a0', 'é', 'ｆ', '\u0130', '\u212a', '𝌆', '\ud800', '\udfff', '💥'];

/** A string of exactly `length` UTF-16 units made of nasty pieces. */
export const nastyString = (length: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...NASTY), { minLength: 1, maxLength: 12 }).map((pieces) => {
    const unit = pieces.join('');
    return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  });

/** A string within [min, max] that is odd in every other way: NUL bytes, traversal, RTL marks, lone surrogates. */
export function oddStringWithin(min: number, max: number): fc.Arbitrary<string> {
  const cap = Math.min(max, 300);
  return fc.oneof(
    fc.integer({ min, max: Math.max(min, cap) }).chain(nastyString),
    fc.string({ unit: 'binary', minLength: min, maxLength: Math.max(min, Math.min(cap, 40)) }),
    ...(max >= 1000 ? [fc.constant('x'.repeat(max))] : []),
  );
}

/** Anything structured-clone can carry (what IPC delivers), of every type. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 2 ** 53, -(2 ** 53), 2 ** 31, -(2 ** 31) - 1),
  fc.boolean(),
  fc.constant(null),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  fc.bigInt(),
  fc.date(),
  fc.constant(new Map([['repo', '/']])),
  fc.constant(new Set(['x'])),
  fc.uint8Array({ maxLength: 4 }),
  fc.constant(Object.create(null) as object),
);

const notAccepted = (node: SchemaNode) => (value: unknown) => !accepts(node, value);

/** Values the node must refuse, of its own type (out of range, too long, not in the list…) and of every other. */
export function invalidValue(node: SchemaNode): fc.Arbitrary<unknown> {
  const shape = shapeOf(node);
  const wrongType = anyValue.filter(notAccepted(node));
  let own: fc.Arbitrary<unknown>[] = [];
  switch (shape.kind) {
    case 'string': {
      // Too long (just over, and a megabyte); strings without a maximum cannot be.
      own = shape.max < 1 << 20 ? [fc.integer({ min: shape.max + 1, max: shape.max + 64 }).chain(nastyString), fc.constant('A'.repeat(1 << 20))] : [];
      if (shape.min > 0) own.push(fc.constant(''));
      if (shape.pattern) {
        own.push(
          fc.oneof(
            fc.constantFrom('../../../', 'ABCDEF12', 'abcdef1', 'abcdef0123456789a', 'abcdef12\0', ' abcdef12', 'abcdef12\n', '__proto__', 'ｆｆｆｆｆｆｆｆ', '-abcdef12', '--force'),
            fc.string({ unit: 'binary', maxLength: 24 }),
          ),
        );
      }
      break;
    }
    case 'int':
      own = [
        fc.constantFrom(shape.min - 1, shape.max + 1, shape.min - 2 ** 31, shape.max + 2 ** 31, shape.min + 0.5, Number.NaN, Infinity, -Infinity, 2 ** 53 + 2, -(2 ** 53) - 2, String(shape.min), `${shape.max}`),
        fc.double({ min: shape.min, max: shape.max, noInteger: true, noNaN: true }),
        fc.integer({ min: Math.max(Number.MIN_SAFE_INTEGER, shape.min - 2 ** 31), max: Math.max(Number.MIN_SAFE_INTEGER, shape.min - 1) }),
        fc.integer({ min: Math.min(Number.MAX_SAFE_INTEGER, shape.max + 1), max: Math.min(Number.MAX_SAFE_INTEGER, shape.max + 2 ** 31) }),
      ];
      break;
    case 'boolean':
      own = [fc.constantFrom('true', 'false', 0, 1, 'yes', '', [])];
      break;
    case 'enum': {
      const first = shape.values[0] ?? '';
      own = [
        fc.constantFrom('', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', first.toUpperCase(), ` ${first}`, `${first}\0`, `${first}s`, `${first}\u200b`),
        fc.string({ unit: 'binary', maxLength: 16 }),
      ];
      break;
    }
    case 'array': {
      const element = validValue(shape.element);
      own = [
        fc.constant(Array.from({ length: shape.max + 1 }, () => element)),
        fc.constant(new Array(Math.max(shape.min, 1))),
        fc.tuple(invalidValue(shape.element), fc.nat(shape.max - 1)).map(([bad, at]) => {
          const list: unknown[] = Array.from({ length: Math.max(shape.min, at + 1) }, () => element);
          list[at] = bad;
          return list;
        }),
        fc.constantFrom('a', { length: 1, 0: element }),
      ];
      if (shape.min > 0) own.push(fc.constant([]));
      break;
    }
    case 'optional':
    case 'nullable':
      own = [invalidValue(shape.inner)];
      break;
    case 'object':
      own = [fc.constantFrom(null, [], 'object')];
      break;
    case 'record':
      // Not an object, or an object with a key its key schema refuses.
      own = [fc.constantFrom(null, [], 'record'), invalidValue(shape.key).filter((k): k is string => typeof k === 'string').map((k) => Object.fromEntries([[k, validValue(shape.value)]]))];
      break;
    case 'unknown':
      throw new UnsupportedSchema('an unknown value takes anything: there is no invalid one');
  }
  return fc.oneof(wrongType, ...own).filter(notAccepted(node));
}

/** One plain valid value of the node (the smallest it takes); string patterns need a hint. */
export function validValue(node: SchemaNode): unknown {
  const shape = shapeOf(node);
  switch (shape.kind) {
    case 'string':
      if (shape.pattern) throw new UnsupportedSchema(`a string matching ${String(shape.pattern)} needs a hint (a real value) to be valid`);
      return 'x'.repeat(Math.max(shape.min, 1));
    case 'int':
      return shape.min;
    case 'boolean':
      return false;
    case 'enum':
      return shape.values[0];
    case 'array':
      return Array.from({ length: Math.max(shape.min, 1) }, () => validValue(shape.element));
    case 'optional':
      return validValue(shape.inner);
    case 'nullable':
      return null;
    case 'object':
      return Object.fromEntries(Object.entries(shape.fields).map(([k, v]) => [k, validValue(v)]));
    case 'record':
      return {};
    case 'unknown':
      return null;
  }
}

/** Valid values of every kind the node takes, the odd ones first: extremes, NUL bytes, traversal, RTL marks. */
export function oddValidValue(node: SchemaNode): fc.Arbitrary<unknown> {
  const shape = shapeOf(node);
  let arb: fc.Arbitrary<unknown>;
  switch (shape.kind) {
    case 'string':
      if (shape.pattern) throw new UnsupportedSchema(`a string matching ${String(shape.pattern)} needs a hint`);
      arb = oddStringWithin(shape.min, shape.max);
      break;
    case 'int':
      arb = fc.oneof(fc.constantFrom(shape.min, shape.max), fc.integer({ min: shape.min, max: shape.max }));
      break;
    case 'boolean':
      arb = fc.boolean();
      break;
    case 'enum':
      arb = fc.constantFrom(...shape.values);
      break;
    case 'array':
      arb = fc.array(oddValidValue(shape.element), { minLength: shape.min, maxLength: Math.min(shape.max, 5) });
      break;
    case 'optional':
      arb = oddValidValue(shape.inner);
      break;
    case 'nullable':
      arb = fc.oneof(fc.constant(null), oddValidValue(shape.inner));
      break;
    case 'object':
      arb = fc.constant(validValue(node));
      break;
    case 'record':
      arb = fc.dictionary(oddValidValue(shape.key).filter((k): k is string => typeof k === 'string'), oddValidValue(shape.value), { maxKeys: 4 });
      break;
    case 'unknown':
      arb = fc.jsonValue({ maxDepth: 2 });
      break;
  }
  return arb.filter((v) => accepts(node, v));
}

/** Field names a strict object must refuse: prototype keys first, then near-misses of its own fields. */
export function unknownKey(fields: readonly string[]): fc.Arbitrary<string> {
  const nearMisses = fields.flatMap((f) => [f.toUpperCase(), `${f[0]?.toUpperCase() ?? ''}${f.slice(1)}`, `${f} `, `${f}\0`, `../${f}`]);
  return fc
    .oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf', 'then', '', ' ', '\0', '$where', 'x'.repeat(10_000), ...nearMisses),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }),
    )
    .filter((k) => !fields.includes(k));
}

/** Sets an own, enumerable property even for `__proto__` (an assignment or a literal would set the prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export interface Mutation {
  label: string;
  apply(target: Record<string, unknown>): void;
}

/** One change to a valid params object that makes the schema refuse it. */
export function breakingMutation(fields: Record<string, SchemaNode>): fc.Arbitrary<Mutation> {
  const keys = Object.keys(fields);
  const required = keys.filter((k) => !isOptional(fields[k] as SchemaNode));
  const options: fc.Arbitrary<Mutation>[] = [
    fc.tuple(unknownKey(keys), anyValue).map(([key, value]) => ({ label: 'unknown field', apply: (t: Record<string, unknown>) => setOwn(t, key, value) })),
  ];
  if (keys.length) {
    options.push(
      fc
        .constantFrom(...keys)
        .chain((key) => invalidValue(fields[key] as SchemaNode).map((value) => ({ key, value })))
        .map(({ key, value }) => ({ label: 'bad value', apply: (t: Record<string, unknown>) => setOwn(t, key, value) })),
    );
  }
  if (required.length) {
    options.push(fc.constantFrom(...required).map((key) => ({ label: 'missing field', apply: (t: Record<string, unknown>) => void delete t[key] })));
  }
  return fc.oneof(...options);
}
