import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command, Option } from 'commander';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_PRESET_IDS } from '../../shared/agents';
import { EXIT_CODE_BY_ERROR, type ErrorCode } from '../../shared/errors';
import type { Session } from '../../shared/models';
import { buildProgram, main } from '../../electron/cli/main';
import { Council } from '../../electron/core/council';
import { COUNCIL_BIN } from '../helpers/cli';
import { makeRepo, tempDir, writeIn, type TestRepo } from '../helpers/repo';
import { fingerprint, fullRun, fuzzRuns, fuzzSeed, show, timeLimit, watchForCrashes, withDeadline, writeSummary, type SummaryRow } from './fuzz-support';

/**
 * Issue 6, fuzzing: every verb of the `council` CLI, enumerated from the commander program itself
 * (so a new verb is fuzzed the day it is added), gets COUNCIL_FUZZ_RUNS generated malformed argv
 * (default 30; 1,000 for the published figures, scripts/reliability/fuzz.ts). Each argv is a valid
 * one (real session ids, real files, the real repository) with one or two defects: an unknown
 * option (another verb's, a near miss, a random one), a missing or an extra argument, a mandatory
 * option left out or left without its value, a bad number, choice, duration or port, an odd or
 * unknown session id, a path outside the repository, a bad `--repo` (empty, `-x`, outside any
 * repository, 100,000 characters). Expected: exit 2, no throw, no hang, nothing on stdout but the
 * one JSON error object `--json` promises, something said on stderr, and the state unchanged.
 *
 * `main(argv)` runs in this process (a thousand processes per verb would take hours). The verbs
 * that cannot (they end the process themselves, or run until a signal when given valid input) run
 * as real processes, fewer of them, named so in the test titles: `serve`, the hidden
 * `agent-host`, and the agents' hooks, whose stdin payloads are fuzzed (`hook pre-tool` must fail
 * closed on each: exit 2 and a "block" decision; the status hooks fail open, silently, by design).
 */

const RUNS = fuzzRuns(30);
/** Real processes per verb: a few in `npm test`, as many as the in-process verbs get (1,000) for
 * the published figures. */
const PROCESS_RUNS = fullRun() ? RUNS : 3;
/** The status hooks fail open by design: fewer of them in `npm test`. */
const STATUS_HOOK_RUNS = fullRun() ? RUNS : 2;
/** `hook pre-tool` must fail closed: twice the small count in `npm test`. */
const PRE_TOOL_RUNS = fullRun() ? RUNS : 6;
const SEED = fuzzSeed();
const CALL_DEADLINE_MS = 20_000;
const PROCESS_DEADLINE_MS = 15_000;

interface Fixture {
  repo: TestRepo;
  a: Session;
  b: Session;
  /** Not inside any repository: the current folder while fuzzing, so a missing --repo finds nothing. */
  cwd: string;
  outside: string;
}

let fx: Fixture;
const rows: SummaryRow[] = [];
const startCwd = process.cwd();

beforeAll(async () => {
  const repo = makeRepo();
  const council = Council.open(repo.root);
  const [a, b] = await council.createSessions({ task: 'fuzz target', count: 2 });
  writeIn(a!.worktreePath, 'src/a.ts', 'export const a = "changed";\n');
  await council.locks.acquire('README.md', a!.id, { cwd: repo.root });
  await council.context.update(a!.id, { status: 'working', message: 'being fuzzed' });
  const outside = tempDir('council-fuzz-outside-');
  writeFileSync(path.join(outside, 'secret.txt'), 'not yours\n');
  fx = { repo, a: a!, b: b!, cwd: tempDir('council-fuzz-cwd-'), outside };
  process.chdir(fx.cwd);
  // Loads what the first real command loads (proper-lockfile's exit handlers among it) before any count is taken.
  expect(await quietMain(['--repo', repo.root, 'lock', 'list'])).toMatchObject({ code: 0 });
});

afterAll(() => {
  process.chdir(startCwd);
  writeSummary('cli', SEED, rows);
});

// ── The verbs ─────────────────────────────────────────────────────────────────────────────────

interface Verb {
  /** e.g. ['session', 'create']. */
  path: string[];
  command: Command;
  /** Has subcommands. */
  group: boolean;
}

/** commander keeps the default subcommand (`queue` → `queue list`) in a private field. */
const defaultSubcommand = (command: Command): string | undefined => (command as unknown as { _defaultCommandName?: string })._defaultCommandName;

function verbsOf(command: Command, prefix: string[] = []): Verb[] {
  return command.commands.flatMap((sub) => {
    const here = [...prefix, sub.name()];
    return [{ path: here, command: sub, group: sub.commands.length > 0 }, ...verbsOf(sub, here)];
  });
}

const PROGRAM = buildProgram();
const VERBS = verbsOf(PROGRAM);
const key = (verb: Verb): string => verb.path.join(' ');

/** Verbs that must not run in this process, and why. Each has its own real-process test below. */
const REAL_PROCESS: Record<string, string> = {
  serve: 'serves until a signal once its input is valid',
  'agent-host': 'hosts agents until they end once its input is valid',
  'hook pre-tool': 'ends the process itself (process.exit)',
  'hook post-tool': 'ends the process itself (process.exit)',
  'hook notify': 'ends the process itself (process.exit)',
  'hook stop': 'ends the process itself (process.exit)',
  'hook prompt': 'ends the process itself (process.exit)',
  'hook digest': 'ends the process itself (process.exit)',
  'hook notice': 'ends the process itself (process.exit)',
};

/** Verbs that never open the repository, so a bad --repo is no defect for them (serve takes any, in the page). */
const IGNORES_REPO = new Set(['serve', 'hook pre-tool', 'hook post-tool', 'hook notify', 'hook stop', 'hook prompt', 'hook digest', 'hook notice', 'host add', 'host list', 'host check', 'host remove']);

// ── Bad values ────────────────────────────────────────────────────────────────────────────────

const LONG = 'x'.repeat(100_000);
const CLIMB = `${'../'.repeat(30_000)}x`;

/** Whether the registry would resolve this (trimmed, lower-cased prefix) to a fixture session. */
const resolvesToSession = (id: string): boolean => {
  const wanted = id.trim().toLowerCase();
  return /^[0-9a-f]{1,12}$/.test(wanted) && [fx.a.id, fx.b.id].some((real) => real.startsWith(wanted));
};

/** No NUL: a real command line cannot carry one. */
const argString = (min: number, max: number): fc.Arbitrary<string> => fc.string({ unit: 'binary', minLength: min, maxLength: max }).filter((s) => !s.includes('\0'));

const badSessionId = (): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.constantFrom('ffffff', '000000', '..', '../x', '.', '/', '*', '__proto__', 'constructor', 'toString', ' ', 'İ', '\u212a', 'ａｂｃ', '\ufeffabc', 'abc\n', '$(id)', '`id`', '%2e%2e', '', LONG),
      argString(1, 12),
      fc.stringMatching(/^[0-9a-f]{1,12}$/),
    )
    .filter((id) => !resolvesToSession(id));

const outsidePath = (): fc.Arbitrary<string> =>
  fc.constantFrom('/etc/passwd', '../../x', '../..', path.join(fx.outside, 'secret.txt'), '.git/config', '.git/council/locks.json', '/', CLIMB, `${fx.repo.root}/../outside.txt`);

/** Values each option (by its long flag) and each argument (by name) must refuse. */
const BAD_OPTION_VALUES: Record<string, () => fc.Arbitrary<string>> = {
  '--count': () => fc.constantFrom('0', '51', '-1', '1.5', 'x', '', ' 1', '1e3', '0x10', 'NaN', 'Infinity', '99999999999999999999', '+1', '١', LONG),
  '--concurrency': () => fc.constantFrom('0', '51', '-1', '1.5', 'x', '', '1e3', 'NaN', LONG),
  '--timeout': () => fc.constantFrom('-1', 'x', '86401', 'NaN', 'Infinity', '-Infinity', '1e309', '-0.5', '1,5', '1s', LONG),
  '--older-than': () => fc.constantFrom('abc', '-5m', '5y', '1e5m', '', 'm', '5 m s', '∞', '٣m', LONG),
  '--port': () => fc.constantFrom('70000', '-1', 'x', '0x10', '', '1e3', '123456', '65536', ' 80', LONG),
  '--host': () => fc.constantFrom('', '   '),
  '--strategy': () => fc.constantFrom('octopus', '', 'MERGE', 'merge ', 'Squash', 'ours', '__proto__', LONG),
  '--status': () => fc.constantFrom('sleeping', '', 'WORKING', 'done ', 'constructor', '__proto__', LONG),
  '--agent': () =>
    fc
      .oneof(fc.constantFrom('', 'nobody', 'Claude', 'claude ', 'CODEX', '../../bin/sh', '/bin/sh', '__proto__', 'constructor', LONG), argString(1, 64))
      .filter((agent) => !(AGENT_PRESET_IDS as readonly string[]).includes(agent)),
  '--task': () => fc.constantFrom('', '   ', '\t\n', 'x'.repeat(4001), LONG),
  '--base': () =>
    fc
      .oneof(fc.constantFrom('', '   ', '--orphan', '-b', '../x', 'x..y', 'nope~1', '.lock', '/', 'refs/heads/nope', '-', LONG), argString(1, 60))
      .filter((base) => !/main|council|head|@/i.test(base)),
  '--session': badSessionId,
  '--sessions': () => fc.oneof(fc.constantFrom('', ',', ' , ', ',,,', LONG), badSessionId()),
  '--file': outsidePath,
  '--on': outsidePath,
  '--reason': () => fc.constantFrom('', '   ', '\n'),
  // A commit needs a message; a context's message may be anything, even spaces.
  'session commit --message': () => fc.constantFrom('', '   ', '\n'),
};

/** The bad values of one verb's option: its own entry (`session commit --message`), else the flag's. */
const badOptionValues = (verb: Verb, flag: string): (() => fc.Arbitrary<string>) | undefined =>
  BAD_OPTION_VALUES[`${key(verb)} ${flag}`] ?? (flag.startsWith('--') ? BAD_OPTION_VALUES[flag] : undefined);

const BAD_ARGUMENT_VALUES: Record<string, () => fc.Arbitrary<string>> = {
  id: badSessionId,
  entry: () => fc.oneof(fc.stringMatching(/^[0-9a-f]{6,16}$/), fc.constantFrom('zzz', '../x', '__proto__', '', LONG)),
  index: () => fc.constantFrom('-1', 'x', '1.5', '', '1e3', ' 1', '+1', LONG),
  path: outsidePath,
};

const badRepo = (): fc.Arbitrary<string> =>
  fc.constantFrom('', '   ', '/nonexistent-council-fuzz', fx.outside, path.join(fx.outside, 'secret.txt'), '-x', '--json', 'not-here', '.', LONG, CLIMB);

/** A valid value for an option or argument, the fixture's real one where it matters. */
function goodValue(name: string): string {
  const values: Record<string, string> = {
    '--task': 'fuzz',
    '--message': 'fuzz commit',
    '--agent': 'claude',
    '--base': 'main',
    '--count': '1',
    '--concurrency': '2',
    '--session': fx.a.id,
    '--sessions': fx.a.id,
    '--timeout': '0',
    '--status': 'working',
    '--file': 'src/a.ts',
    '--progress': '1/2',
    '--reason': 'waiting for a review',
    '--on': 'src/a.ts',
    '--strategy': 'merge',
    '--gate': 'true',
    '--older-than': '30m',
    '--port': '0',
    '--host': '127.0.0.1',
    id: fx.a.id,
    entry: '0123abcd',
    index: '0',
    path: 'README.md',
  };
  return values[name] ?? 'x';
}

// ── Malformed argv ────────────────────────────────────────────────────────────────────────────

interface Parts {
  json: boolean;
  repo: string;
  options: string[][];
  positionals: string[];
  /** Appended last (an option left without its value). */
  tail: string[];
  defects: string[];
}

// --version (-V) is global like --help: it prints the version wherever it appears.
const GLOBAL_FLAGS = ['--repo', '--json', '--version', '-V'];
const ALL_FLAGS = [...new Set(VERBS.flatMap((v) => v.command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)))))];

function knownFlags(verb: Verb): Set<string> {
  return new Set([...GLOBAL_FLAGS, '-h', '--help', ...verb.command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)))]);
}

const unknownOption = (verb: Verb): fc.Arbitrary<string> => {
  const known = knownFlags(verb);
  return fc
    .oneof(
      fc.constantFrom('--bogus', '-Z', '--no-such-thing', '--repo-x', '---x', '--JSON', '--Json', '--forcee', '--=x', '--tas', ...ALL_FLAGS),
      fc.stringMatching(/^--[a-z][a-z-]{0,15}$/),
      fc.stringMatching(/^-[A-Za-z]$/),
    )
    .filter((flag) => !known.has(flag.split('=')[0] as string));
};

/** Token written so commander cannot take a value starting with "-" for an option. */
const optionTokens = (flag: string, value: string | undefined): string[] => (value === undefined ? [flag] : value.startsWith('-') || value === '' ? [`${flag}=${value}`] : [flag, value]);

const takesValue = (o: Option): boolean => o.required || o.optional;

function skeleton(verb: Verb): fc.Arbitrary<Parts> {
  const options = verb.command.options.filter((o) => o.long && !o.negate);
  const mandatory = options.filter((o) => o.mandatory);
  const optional = options.filter((o) => !o.mandatory);
  const chosen = fc.subarray(optional, { maxLength: Math.min(3, optional.length) });
  return fc.tuple(fc.boolean(), chosen).map(([json, extra]) => ({
    json,
    repo: fx.repo.root,
    options: [...mandatory, ...extra].map((o) => (takesValue(o) ? [o.long as string, goodValue(o.long as string)] : [o.long as string])),
    positionals: verb.command.registeredArguments.filter((a) => a.required).map((a) => goodValue(a.name())),
    tail: [],
    defects: [],
  }));
}

type Defect = (verb: Verb) => fc.Arbitrary<(parts: Parts) => void> | null;

const DEFECTS: Record<string, Defect> = {
  'unknown option': (verb) =>
    fc.tuple(unknownOption(verb), fc.option(fc.constantFrom('1', 'x', fx.a.id), { nil: undefined })).map(([flag, value]) => (p: Parts) => void p.options.push(value === undefined ? [flag] : [flag, value])),
  'extra argument': (verb) => {
    if (verb.command.registeredArguments.some((a) => a.variadic)) return null;
    const names = new Set(['help', ...verb.command.commands.flatMap((c) => [c.name(), ...c.aliases()])]);
    const extra = fc.constantFrom('extra', 'ffffff', '../x', '*', 'lst').filter((x) => !names.has(x));
    return extra.map((x) => (p: Parts) => {
      const optionalArgs = verb.command.registeredArguments.filter((a) => !a.required).map((a) => goodValue(a.name()));
      p.positionals.push(...optionalArgs, x);
    });
  },
  'missing argument': (verb) => (verb.command.registeredArguments.some((a) => a.required) ? fc.constant((p: Parts) => void p.positionals.pop()) : null),
  'missing mandatory option': (verb) => {
    const mandatory = verb.command.options.filter((o) => o.mandatory).map((o) => o.long as string);
    return mandatory.length ? fc.constantFrom(...mandatory).map((flag) => (p: Parts) => void (p.options = p.options.filter(([f]) => f !== flag))) : null;
  },
  'option without its value': (verb) => {
    const flags = verb.command.options.filter((o) => o.required && o.long).map((o) => o.long as string);
    return flags.length ? fc.constantFrom(...flags).map((flag) => (p: Parts) => void (p.tail = [flag])) : null;
  },
  'bad option value': (verb) => {
    const flags = verb.command.options.map((o) => o.long as string).filter((flag) => badOptionValues(verb, flag) !== undefined);
    if (!flags.length) return null;
    return fc
      .constantFrom(...flags)
      .chain((flag) => (badOptionValues(verb, flag) as () => fc.Arbitrary<string>)().map((value) => ({ flag, value })))
      .map(({ flag, value }) => (p: Parts) => void (p.options = [...p.options.filter(([f]) => f !== flag), [flag, value]]));
  },
  'bad argument value': (verb) => {
    const args = verb.command.registeredArguments.filter((a) => a.required && a.name() in BAD_ARGUMENT_VALUES);
    if (!args.length) return null;
    return fc
      .constantFrom(...args.map((a) => a.name()))
      .chain((name) => (BAD_ARGUMENT_VALUES[name] as () => fc.Arbitrary<string>)().map((value) => ({ name, value })))
      .map(({ name, value }) => (p: Parts) => {
        const at = verb.command.registeredArguments.findIndex((a) => a.name() === name);
        p.positionals[at] = value;
      });
  },
  'bad --repo': (verb) => ((verb.group && !defaultSubcommand(verb.command)) || IGNORES_REPO.has(key(verb)) ? null : badRepo().map((repo) => (p: Parts) => void (p.repo = repo))),
};

function serialize(verb: Verb, p: Parts): string[] {
  return [
    ...optionTokens('--repo', p.repo),
    ...(p.json ? ['--json'] : []),
    ...verb.path,
    ...p.options.flatMap(([flag, value]) => optionTokens(flag as string, value)),
    // After "--" a positional that starts with "-" stays a positional (an id like "-rf").
    ...(p.positionals.some((x) => x.startsWith('-')) ? ['--'] : []),
    ...p.positionals,
    ...p.tail,
  ];
}

interface Argv {
  argv: string[];
  defects: string;
}

function malformedArgv(verb: Verb): fc.Arbitrary<Argv> {
  const applicable = Object.entries(DEFECTS).flatMap(([name, defect]) => {
    const arb = defect(verb);
    return arb ? [arb.map((apply) => ({ name, apply }))] : [];
  });
  // One or two different defects, never a missing and an extra argument together (they would cancel out).
  const defects = fc
    .uniqueArray(fc.oneof(...applicable), { minLength: 1, maxLength: 2, selector: (d) => d.name })
    .filter((list) => !(list.some((d) => d.name === 'missing argument') && list.some((d) => d.name === 'extra argument')));
  return fc.tuple(skeleton(verb), defects).map(([parts, defects]) => {
    for (const d of defects) d.apply(parts);
    // The tail (an option without its value) must stay last, so positionals cannot follow it.
    const argv = serialize(verb, parts);
    return { argv, defects: `${verb.group && !defaultSubcommand(verb.command) ? 'no subcommand + ' : ''}${defects.map((d) => d.name).join(' + ')}` };
  });
}

// ── Running main() in this process ────────────────────────────────────────────────────────────

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** main(argv) with stdout and stderr captured. */
async function quietMain(argv: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const capture =
    (append: (text: string) => void) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r): r is () => void => typeof r === 'function');
      done?.();
      return true;
    };
  process.stdout.write = capture((t) => (stdout += t)) as typeof process.stdout.write;
  process.stderr.write = capture((t) => (stderr += t)) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** What is wrong with one outcome of a malformed argv, or null. */
function problemWith(argv: string[], outcome: Outcome): string | null {
  if (outcome.code !== 2) return `exit ${outcome.code}, not 2`;
  const json = argv.includes('--json');
  if (!json) {
    if (outcome.stdout !== '') return `printed on stdout: ${show(outcome.stdout)}`;
    if (outcome.stderr.trim() === '') return 'said nothing on stderr';
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(outcome.stdout);
  } catch {
    return `--json, but stdout is not one JSON object: ${show(outcome.stdout)}`;
  }
  const error = (parsed as { ok?: unknown; error?: { code?: unknown } }).error;
  if ((parsed as { ok?: unknown }).ok !== false || typeof error?.code !== 'string') return `--json, but not an error object: ${show(parsed)}`;
  if (EXIT_CODE_BY_ERROR[error.code as ErrorCode] !== 2) return `--json error code ${String(error.code)} does not mean exit 2`;
  return null;
}

const listenerCounts = (): string => ['SIGINT', 'SIGTERM', 'exit', 'uncaughtException', 'unhandledRejection'].map((e) => `${e}:${process.listenerCount(e)}`).join(' ');

describe('fuzz: every CLI verb, malformed argv through main() in this process', () => {
  it('finds the verbs in the program, and knows how to run each', () => {
    expect(VERBS.length).toBeGreaterThan(30);
    for (const verb of VERBS) expect(fc.sample(malformedArgv(verb), { numRuns: 2, seed: 1 }), key(verb)).toHaveLength(2);
    const hidden = VERBS.filter((v) => (v.command as unknown as { _hidden?: boolean })._hidden).map(key);
    expect(hidden.sort(), 'a new hidden verb: decide whether it may run in this process (else add it to REAL_PROCESS)').toEqual(['agent-host', 'queue run']);
    for (const name of Object.keys(REAL_PROCESS)) expect(VERBS.map(key), name).toContain(name);
  });

  for (const verb of VERBS.filter((v) => !(key(v) in REAL_PROCESS))) {
    it(`council ${key(verb)}: ${RUNS} malformed argv → exit 2, no throw, no hang, state unchanged (seed ${SEED})`, async () => {
      // Each verb its own stream (the same SEED replays them all).
      const inputs = fc.sample(malformedArgv(verb), { numRuns: RUNS, seed: SEED + VERBS.indexOf(verb) });
      const watched = { outside: fx.outside, cwd: fx.cwd };
      const before = fingerprint(fx.repo.root, watched);
      const listenersBefore = listenerCounts();
      const crashWatch = watchForCrashes();
      const started = Date.now();
      const problems: string[] = [];
      let thrown = 0;
      let typed = 0;
      for (const input of inputs) {
        let outcome: Outcome;
        try {
          outcome = await withDeadline(quietMain(input.argv), CALL_DEADLINE_MS, `council ${key(verb)}`);
        } catch (err) {
          thrown += 1;
          problems.push(`${input.defects}: main threw or hung: ${String(err)}\n    argv: ${show(input.argv)}`);
          continue;
        }
        if (outcome.code === 2) typed += 1;
        const problem = problemWith(input.argv, outcome);
        if (problem) problems.push(`${input.defects}: ${problem}\n    argv: ${show(input.argv)}\n    stderr: ${show(outcome.stderr, 200)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      crashWatch.stop();
      const after = fingerprint(fx.repo.root, watched);
      rows.push({
        target: `council ${key(verb)}`,
        how: 'main() in-process',
        inputs: inputs.length,
        malformed: inputs.length,
        hostile: 0,
        typedErrors: typed,
        answered: 0,
        crashes: thrown + crashWatch.crashes.length,
        stateChanges: JSON.stringify(after) === JSON.stringify(before) ? 0 : 1,
        ms: Date.now() - started,
      });

      expect(inputs).toHaveLength(RUNS);
      expect(problems.slice(0, 5), `${problems.length} problem(s); replay with COUNCIL_FUZZ_SEED=${SEED} COUNCIL_FUZZ_RUNS=${RUNS}`).toEqual([]);
      expect(crashWatch.crashes).toEqual([]);
      expect(listenerCounts(), 'signal or exit handlers left behind').toBe(listenersBefore);
      expect(process.exitCode ?? 0).toBe(0);
      expect(after).toEqual(before);
    }, timeLimit(RUNS, 100));
  }
});

// ── Real processes ────────────────────────────────────────────────────────────────────────────

interface ProcessOutcome extends Outcome {
  /** Killed at the deadline. */
  hung: boolean;
}

function runCouncil(argv: string[], options: { cwd: string; stdin?: string; env?: Record<string, string> }): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COUNCIL_BIN, ...argv], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, PROCESS_DEADLINE_MS);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined); // a process that exits before reading all of stdin
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, hung });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** Runs `inputs` two at a time (this machine has two cores). */
async function inPairs<T, R>(inputs: T[], run: (input: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < inputs.length; i += 2) results.push(...(await Promise.all(inputs.slice(i, i + 2).map(run))));
  return results;
}

async function processBatch<T>(
  target: string,
  inputs: T[],
  run: (input: T) => Promise<ProcessOutcome>,
  check: (input: T, outcome: ProcessOutcome) => string | null,
  expectedCode: number,
): Promise<void> {
  const watched = { outside: fx.outside, cwd: fx.cwd };
  const before = fingerprint(fx.repo.root, watched);
  const started = Date.now();
  const outcomes = await inPairs(inputs, run);
  const after = fingerprint(fx.repo.root, watched);
  const problems = outcomes.flatMap((outcome, i) => {
    const problem = outcome.hung ? `still running after ${PROCESS_DEADLINE_MS} ms (killed)` : check(inputs[i] as T, outcome);
    return problem ? [`${problem}\n    input: ${show(inputs[i])}\n    stdout: ${show(outcome.stdout, 200)}\n    stderr: ${show(outcome.stderr, 200)}`] : [];
  });
  rows.push({
    target,
    how: 'real processes',
    inputs: inputs.length,
    malformed: inputs.length,
    hostile: 0,
    typedErrors: outcomes.filter((o) => !o.hung && o.code === expectedCode).length,
    answered: 0,
    crashes: outcomes.filter((o) => o.hung || o.code !== expectedCode).length,
    stateChanges: JSON.stringify(after) === JSON.stringify(before) ? 0 : 1,
    ms: Date.now() - started,
  });
  expect(inputs.length).toBeGreaterThan(0);
  expect(problems.slice(0, 5), `${problems.length} problem(s); replay with COUNCIL_FUZZ_SEED=${SEED}`).toEqual([]);
  expect(after).toEqual(before);
}

const verbNamed = (name: string): Verb => {
  const verb = VERBS.find((v) => key(v) === name);
  if (!verb) throw new Error(`no verb ${name}`);
  return verb;
};

/** serve's and agent-host's malformed argv: the same generator, in real processes. */
const argvCheck = (_input: Argv, outcome: ProcessOutcome): string | null => problemWith(_input.argv, outcome);

describe('fuzz: the verbs that cannot run in this process, as real processes', () => {
  for (const name of ['serve', 'agent-host']) {
    it(`council ${name}: ${PROCESS_RUNS} malformed argv as REAL PROCESSES (${REAL_PROCESS[name]}) → exit 2, no hang, state unchanged`, async () => {
      const inputs = fc.sample(malformedArgv(verbNamed(name)), { numRuns: PROCESS_RUNS, seed: SEED });
      await processBatch(`council ${name}`, inputs, (input) => runCouncil(input.argv, { cwd: fx.cwd }), argvCheck, 2);
    }, timeLimit(PROCESS_RUNS, 1000));
  }

  it(`council hook pre-tool: ${PRE_TOOL_RUNS} malformed stdin payloads and argv as REAL PROCESSES → fails closed every time (exit 2 and a block decision), state unchanged`, async () => {
    const inputs = fc.sample(hookInput('pre-tool'), { numRuns: PRE_TOOL_RUNS, seed: SEED });
    await processBatch('council hook pre-tool', inputs, runHook, (input, outcome) => {
      if (outcome.code !== 2) return `exit ${outcome.code}: the edit was NOT denied`;
      if (input.usageError) return outcome.stderr.trim() ? null : 'denied without saying why';
      let decision: unknown;
      try {
        decision = JSON.parse(outcome.stdout);
      } catch {
        return `stdout is not the block decision: ${show(outcome.stdout)}`;
      }
      const d = decision as { decision?: unknown; reason?: unknown };
      if (d.decision !== 'block' || typeof d.reason !== 'string' || !d.reason.trim()) return `not a block decision with a reason: ${show(decision)}`;
      return outcome.stderr.trim() ? null : 'nothing on stderr';
    }, 2);
  }, timeLimit(PRE_TOOL_RUNS, 1000));

  for (const kind of ['post-tool', 'notify', 'stop', 'prompt', 'notice']) {
    it(`council hook ${kind}: ${STATUS_HOOK_RUNS} malformed stdin payloads as REAL PROCESSES → fails open, silently, by design (exit 0, no output), state unchanged`, async () => {
      const inputs = fc.sample(hookInput(kind).filter((i) => !i.usageError), { numRuns: STATUS_HOOK_RUNS, seed: SEED });
      await processBatch(`council hook ${kind}`, inputs, runHook, (_input, outcome) => {
        if (outcome.code !== 0) return `exit ${outcome.code}: a status hook must never stop the agent`;
        return outcome.stdout === '' ? null : `printed on stdout (the agent CLI reads it): ${show(outcome.stdout)}`;
      }, 0);
    }, timeLimit(STATUS_HOOK_RUNS, 1000));
  }
});

// ── Hook payloads ─────────────────────────────────────────────────────────────────────────────

/** The places in hookInput's list of the two defects only an edit has (its tool_name, its tool_input). */
const EDIT_DEFECTS = [3, 4] as const;

interface HookInput {
  argv: string[];
  stdin: string;
  env: Record<string, string>;
  /** The defect is in the argv, refused by the argument parser (exit 2 with usage on stderr). */
  usageError: boolean;
  defect: string;
}

const EDIT_TOOLS: Record<string, string[]> = { claude: ['Write', 'Edit', 'MultiEdit', 'NotebookEdit'], gemini: ['write_file', 'replace'], codex: ['apply_patch'] };

/** A well-formed edit of `file` by `agent`, as that CLI sends it. */
function editPayload(agent: string, tool: string, cwd: string, file: string): Record<string, unknown> {
  if (agent === 'codex') return { cwd, tool_name: tool, tool_input: { command: ['apply_patch', `*** Begin Patch\n*** Update File: ${file}\n@@\n-a\n+b\n*** End Patch\n`] } };
  if (tool === 'NotebookEdit') return { cwd, tool_name: tool, tool_input: { notebook_path: file, new_source: 'x' } };
  return { cwd, tool_name: tool, tool_input: { file_path: file, content: 'x' } };
}

function hookInput(kind: string): fc.Arbitrary<HookInput> {
  const agent = fc.constantFrom('claude', 'gemini', 'codex');
  const agentTool = agent.chain((a) => fc.constantFrom(...(EDIT_TOOLS[a] as string[])).map((tool) => ({ agent: a, tool })));
  const worktree = fx.a.worktreePath;
  const good = agentTool.map(({ agent: a, tool }) => ({ agent: a, tool, payload: editPayload(a, tool, worktree, 'src/b.ts') }));
  const json = (value: unknown): string => JSON.stringify(value);
  const stdinDefects: fc.Arbitrary<Omit<HookInput, 'argv' | 'usageError'> & { agent: string }>[] = [
    // Not JSON at all.
    fc.tuple(agent, fc.oneof(fc.constantFrom('', '{', '{"cwd":', 'undefined', '\0', '\ufeff{}', 'x'.repeat(2_000_000)), fc.string({ unit: 'binary', maxLength: 200 }))).filter(([, text]) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    }).map(([a, stdin]) => ({ agent: a, stdin, env: {}, defect: 'not JSON' })),
    // JSON, not an object.
    fc.tuple(agent, fc.constantFrom('null', '42', '"Write"', '[]', 'true', '[{"cwd":"/"}]')).map(([a, stdin]) => ({ agent: a, stdin, env: {}, defect: 'not an object' })),
    // An edit whose cwd is missing, not a string, relative or empty.
    fc.tuple(good, fc.constantFrom(undefined, 42, null, '', '  ', 'relative/dir', '.', ['/'], { path: '/' })).map(([g, cwd]) => {
      const payload: Record<string, unknown> = { ...g.payload, cwd };
      if (cwd === undefined) delete payload.cwd;
      return { agent: g.agent, stdin: json(payload), env: {}, defect: 'bad cwd' };
    }),
    // An edit tool with no tool_name, or one that is not a string (EDIT_DEFECTS[0]).
    fc.tuple(good, fc.constantFrom(undefined, 42, null, '', '   ', ['Write'])).map(([g, tool]) => {
      const payload: Record<string, unknown> = { ...g.payload, tool_name: tool };
      if (tool === undefined) delete payload.tool_name;
      return { agent: g.agent, stdin: json(payload), env: {}, defect: 'bad tool_name' };
    }),
    // An edit tool whose input is not an object, or names no file (EDIT_DEFECTS[1]).
    fc.tuple(good, fc.constantFrom('src/b.ts', 42, [], ['src/b.ts'], true, {}, { file_path: 42 }, { file_path: '' }, { file_path: '  ' }, { notebook_path: null }, { command: 'apply_patch' }, { command: ['apply_patch', 42] })).map(([g, input]) => ({
      agent: g.agent,
      stdin: json({ ...g.payload, tool_input: input }),
      env: {},
      defect: 'bad tool_input',
    })),
    // A well-formed edit, from a folder outside every repository.
    good.map((g) => ({ agent: g.agent, stdin: json({ ...editPayload(g.agent, g.tool, fx.outside, 'secret.txt') }), env: {}, defect: 'cwd outside any repository' })),
    // A well-formed edit in the session's worktree, for a session that does not exist.
    fc.tuple(good, badSessionId().filter((id) => id.trim() !== '')).map(([g, id]) => ({ agent: g.agent, stdin: json(g.payload), env: { COUNCIL_SESSION_ID: id }, defect: 'unknown COUNCIL_SESSION_ID' })),
  ];
  // A status hook needs only a cwd in a session: an edit's missing tool or file is still activity to record.
  const usable = kind === 'pre-tool' ? stdinDefects : stdinDefects.filter((_d, i) => i !== EDIT_DEFECTS[0] && i !== EDIT_DEFECTS[1]);
  const fromStdin = fc.oneof(...usable).map((i) => ({ ...i, argv: ['hook', kind, '--agent', i.agent], usageError: false }));
  // Argv defects with a well-formed payload: no agent, an unknown one, an unknown option.
  const fromArgv = fc
    .tuple(good, fc.constantFrom<[string[], boolean, string]>([[], false, 'no --agent'], [['--agent', 'nobody'], false, 'unknown agent'], [['--agent', 'Claude'], false, 'unknown agent'], [['--agent=--json'], false, 'unknown agent'], [['--bogus'], true, 'unknown option'], [['--agent'], true, 'option without its value'], [['extra'], true, 'extra argument']))
    .map(([g, [args, usageError, defect]]) => ({ argv: ['hook', kind, ...args], stdin: json(g.payload), env: {}, usageError, defect }));
  return fc.oneof({ arbitrary: fromStdin, weight: 4 }, { arbitrary: fromArgv, weight: 1 });
}

function runHook(input: HookInput): Promise<ProcessOutcome> {
  return runCouncil(input.argv, { cwd: fx.a.worktreePath, stdin: input.stdin, env: { COUNCIL_SESSION_ID: '', ...input.env } });
}

// ── What the fuzzing found, pinned ────────────────────────────────────────────────────────────

describe('malformed input the fuzzing found accepted (fixed): refused now, exit 2, nothing changed', () => {
  const cases: [string, () => string[], string?][] = [
    ['an empty --repo (it meant "the repository of the current folder")', () => ['--repo=', 'session', 'list'], 'repo'],
    ['no command at all (usage on stderr, but exit 0)', () => ['--repo', fx.repo.root]],
    ['a group without its verb (`council session`: exit 0)', () => ['--repo', fx.repo.root, 'session']],
    ['an empty --older-than (it meant "the stale setting")', () => ['--repo', fx.repo.root, 'session', 'cleanup', '--older-than=']],
    ['an empty --concurrency (it meant "the setting": the agent ran)', () => ['--repo', fx.repo.root, 'run', '--agent', 'claude', '--task', 'x', '--wait', '--concurrency=']],
    ['a blank --base (it meant "the current branch": a session was created)', () => ['--repo', fx.repo.root, 'session', 'create', '--task', 'x', '--base=   ']],
  ];
  for (const [what, argv, cwd] of cases) {
    it(what, async () => {
      const before = fingerprint(fx.repo.root);
      // From inside the repository, where an empty --repo used to land.
      if (cwd === 'repo') process.chdir(fx.repo.root);
      try {
        const outcome = await quietMain(argv());
        expect(outcome.code, outcome.stderr).toBe(2);
        expect(outcome.stdout).toBe('');
        expect(outcome.stderr).not.toBe('');
      } finally {
        process.chdir(fx.cwd);
      }
      expect(fingerprint(fx.repo.root)).toEqual(before);
    });
  }

  it('asking for help is still exit 0', async () => {
    expect((await quietMain(['help'])).code).toBe(0);
    expect((await quietMain(['session', '--help'])).code).toBe(0);
  });

  it('--json with a usage error prints the one JSON error object it promises', async () => {
    const outcome = await quietMain(['--repo', fx.repo.root, '--json', 'session', 'list', '--bogus']);
    expect(outcome.code).toBe(2);
    expect(JSON.parse(outcome.stdout)).toEqual({ ok: false, error: { code: 'invalid-input', message: "unknown option '--bogus'" } });
  });

  it('REAL PROCESSES: serve --host "" (it listened on every interface), agent-host naming no or unknown sessions (exit 0, ran nothing)', async () => {
    const before = fingerprint(fx.repo.root);
    const outcomes = await inPairs(
      [['serve', '--host=', '--no-open'], ['--repo', fx.repo.root, 'agent-host', '--sessions', ',', '--agent', 'claude'], ['--repo', fx.repo.root, 'agent-host', '--sessions', 'ffffff', '--agent', 'claude']],
      (argv) => runCouncil(argv, { cwd: fx.cwd }),
    );
    expect(outcomes.map((o) => [o.code, o.hung])).toEqual([
      [2, false],
      [2, false],
      [2, false],
    ]);
    expect(outcomes.map((o) => o.stderr)).toEqual([expect.stringContaining('--host is empty'), expect.stringContaining('--sessions names no session'), expect.stringContaining('no session with id ffffff')]);
    expect(fingerprint(fx.repo.root)).toEqual(before);
  });
});
