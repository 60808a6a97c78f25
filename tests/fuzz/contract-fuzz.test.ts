import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_PRESET_IDS } from '../../shared/agents';
import { COMMAND_NAMES, commands, type CommandName } from '../../shared/contract';
import { CouncilErrorDataSchema, ErrorCodeSchema, type Result } from '../../shared/errors';
import type { Session } from '../../shared/models';
import { AppCore } from '../../electron/core/app/app-core';
import { dispatch, dispatchMessage, type HandlerTable } from '../../electron/core/dispatch';
import { MAX_BODY_BYTES } from '../../electron/host/invoke';
import type { RunningHost } from '../../electron/host/server';
import { origin, startTestHost } from '../host/host-helpers';
import { discoverRepo } from '../../electron/core/git/repo';
import { gitSync, makeRepo, tempDir, writeIn, type TestRepo } from '../helpers/repo';
import { freePort } from '../helpers/sshd';
import { fingerprint, fuzzRuns, fuzzSeed, show, timeLimit, watchForCrashes, withDeadline, writeSummary, type SummaryRow } from './fuzz-support';
import {
  accepts,
  anyValue,
  oddStringWithin as oddText,
  breakingMutation,
  inputFields,
  isOptional,
  oddStringWithin,
  oddValidValue,
  type SchemaNode,
} from './schema-arbitraries';

/**
 * Issue 6, fuzzing: every command of the contract (enumerated from the contract itself) gets
 * COUNCIL_FUZZ_RUNS generated malformed inputs (default 30; 1,000 for the published figures,
 * scripts/reliability/fuzz.ts), through the real dispatch() and the real core on a real repository
 * with two sessions, a lock and a context. Two kinds of input:
 *
 * - malformed: a valid params object broken in a way the schema must refuse (a field of the wrong
 *   type or out of range, NaN, a 1 MB string, a required field dropped, `__proto__` or
 *   `constructor` added, the whole input not an object). Each is checked to really fail the schema;
 *   the answer must be a typed `invalid-input` from dispatch, and the handler must never run.
 * - hostile: well-typed values the schema cannot judge (a repository path that is relative, outside
 *   every repository, holds a NUL byte or `../`; a session id that does not exist, or is `..`,
 *   `__proto__`, a Kelvin sign; a file path that climbs out of the worktree or injects a git option;
 *   an unknown base branch or agent). These reach the handler; the answer must be a typed error
 *   other than `internal` (read-only commands may also answer). For commands that change state, at
 *   least one field is always one that must make it fail, so success is a finding too.
 *
 * No input may crash (throw out of dispatch, leave an unhandled rejection) or hang, and after each
 * command's batch the state fingerprint (refs, worktree list, every worktree's status, every file
 * under .git/council, the folder outside the repository the paths aim at) must be what it was.
 */

const RUNS = fuzzRuns(30);
const SEED = fuzzSeed();
/** How long one call may take before it counts as a hang. */
const CALL_DEADLINE_MS = 20_000;

interface Fixture {
  repo: TestRepo;
  core: AppCore;
  a: Session;
  b: Session;
  /** A folder outside every repository, with a file in it: where traversal would land. */
  outside: string;
  /** Folders that look a little like repositories and are not usable ones. */
  broken: string[];
  /** A symlink to the repository. */
  link: string;
}

let fx: Fixture;
const CLIENT = { clientId: 'fuzz-client' };
const handlerCalls = new Map<string, number>();
let counted: HandlerTable;
const rows: SummaryRow[] = [];

beforeAll(async () => {
  const repo = makeRepo();
  const core = new AppCore({ userDataDir: tempDir(), host: 'browser', version: '0.0.0-fuzz' });
  core.addClient(CLIENT.clientId, () => true);
  const council = await core.council(repo.root);
  const [a, b] = await council.createSessions({ task: 'fuzz target', count: 2 });
  writeIn(a!.worktreePath, 'src/a.ts', 'export const a = "changed";\n');
  writeIn(a!.worktreePath, 'new.txt', 'new\n');
  await council.locks.acquire('README.md', a!.id, { cwd: repo.root });
  await council.context.update(a!.id, { status: 'working', message: 'being fuzzed' });

  const outside = tempDir('council-fuzz-outside-');
  writeFileSync(path.join(outside, 'secret.txt'), 'not yours\n');
  const brokenRoot = tempDir('council-fuzz-broken-');
  const broken = ['dotgit-garbage', 'dotgit-dangling', 'dotgit-empty-dir', 'bare.git'].map((name) => path.join(brokenRoot, name));
  mkdirSync(broken[0]!);
  writeFileSync(path.join(broken[0]!, '.git'), 'this is not a gitdir line\n');
  mkdirSync(broken[1]!);
  writeFileSync(path.join(broken[1]!, '.git'), 'gitdir: /nonexistent/council/fuzz\n');
  mkdirSync(path.join(broken[2]!, '.git'), { recursive: true });
  gitSync(brokenRoot, 'init', '-q', '--bare', 'bare.git');
  const linkRoot = tempDir('council-fuzz-link-');
  const link = path.join(linkRoot, 'repo-link');
  symlinkSync(repo.root, link);

  fx = { repo, core, a: a!, b: b!, outside, broken, link };
  // host.* commands reach no machine: every SSH name is a closed port of 127.0.0.1.
  const sshConfig = path.join(tempDir('council-fuzz-ssh-'), 'ssh_config');
  writeFileSync(sshConfig, `Host *\n  HostName 127.0.0.1\n  Port ${await freePort()}\n`);
  process.env.COUNCIL_SSH_CONFIG = sshConfig;
  // Every handler counted: a malformed input must never reach one, a hostile one always does.
  counted = Object.fromEntries(
    Object.entries(core.handlers).map(([name, handler]) => [
      name,
      (input: unknown, context: typeof CLIENT) => {
        handlerCalls.set(name, (handlerCalls.get(name) ?? 0) + 1);
        return (handler as (i: unknown, c: typeof CLIENT) => unknown)(input, context);
      },
    ]),
  ) as HandlerTable;
  // Opened once before the first fingerprint (the first open reconciles).
  expect(await dispatch('sessions.list', { repo: repo.root }, counted, CLIENT)).toMatchObject({ ok: true });
});

afterAll(async () => {
  await fx?.core.close();
  writeSummary('contract', SEED, rows);
});

// ── Hostile, well-typed values ────────────────────────────────────────────────────────────────

/** Whether a path names a usable repository (any folder of one). */
function opensRepo(p: string): boolean {
  try {
    discoverRepo(p);
    return true;
  } catch {
    return false;
  }
}

/** Repository paths that must not open the fixture (or any) repository: relative, outside, NUL, broken. */
const failingRepo = (): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.constantFrom(
        '/',
        '/nonexistent-council-fuzz/x',
        fx.outside,
        path.join(fx.outside, 'secret.txt'),
        path.join(fx.outside, 'missing', '..', '..', path.basename(fx.outside)),
        '/dev/null',
        'relative/path',
        '.',
        '..',
        'demo',
        '~',
        '~/repo',
        '$HOME',
        `${fx.repo.root}\0`,
        '\0',
        `${fx.repo.root}\0/../x`,
        `/${'../'.repeat(1300)}`,
        'C:\\Windows',
        '\\\\server\\share',
        'file:///tmp',
        `${fx.repo.root}/nonexistent-folder`,
        ...fx.broken,
      ),
      fc.tuple(fc.constantFrom('', '/', `${fx.outside}/`, '../', './'), oddStringWithin(1, 200)).map(([prefix, rest]) => `${prefix}${rest}`),
    )
    .filter((p) => p.length >= 1 && p.length <= 4096 && (!path.isAbsolute(p) || !opensRepo(p)));

/** Other spellings of the fixture repository: the handler must answer or refuse, never crash. */
const benignRepo = (): fc.Arbitrary<string> =>
  fc.constantFrom(
    fx.repo.root,
    `${fx.repo.root}/`,
    `${fx.repo.root}/.`,
    `${fx.repo.root}//src/..`,
    path.join(fx.repo.root, 'src'),
    path.join(fx.repo.root, 'src', 'a.ts'),
    path.join(fx.repo.root, '.git'),
    path.join(fx.repo.root, '.git', 'council'),
    fx.a.worktreePath,
    fx.link,
  );

const ODD_IDS = ['ffffff', '000000', 'fffffffffff', '..', '../', '.', '/', '*', '?', '-', '--force', '-rf', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', ' ', '\0', '\0abc', 'ÿ', 'İ', '\u212a', 'ａｂｃ', '\ufeffabc', 'abc\n', '%2e%2e', 'a/b', 'a\\b', '~', '$HOME', '`id`', '$(id)', 'x'.repeat(12)];

/** Whether the registry would resolve this (trimmed, lower-cased prefix) to a fixture session. */
const resolvesToSession = (id: string): boolean => {
  const wanted = id.trim().toLowerCase();
  return /^[0-9a-f]{1,12}$/.test(wanted) && [fx.a.id, fx.b.id].some((real) => real.startsWith(wanted));
};

/** Session ids that name no session: unknown hex, traversal, prototype keys, look-alike unicode. */
const failingId = (): fc.Arbitrary<string> =>
  fc
    .oneof(fc.constantFrom(...ODD_IDS), fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), fc.stringMatching(/^[0-9a-f]{1,12}$/))
    .filter((id) => id.length >= 1 && id.length <= 12 && !resolvesToSession(id));

/** The fixture's sessions as users type them: prefixes, upper case, padded. */
const benignId = (): fc.Arbitrary<string> =>
  fc.constantFrom(fx.a.id, fx.b.id, fx.a.id.slice(0, 3), ` ${fx.a.id.toUpperCase()} `, `${fx.b.id}\n`, fx.b.id.slice(0, 1));

/** File paths for sessions.fileDiff: out of the worktree, into .git, git option and pathspec injection. */
const filePath = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      '../../etc/passwd',
      '/etc/passwd',
      path.join(fx.outside, 'secret.txt'),
      '.git/config',
      '.git/council/sessions.json',
      '--output=/tmp/council-fuzz-pwned',
      '-p',
      ':(glob)**',
      ':/',
      '*',
      'src/../../../x',
      'a\0b',
      'README.md',
      'src/a.ts',
      'new.txt',
      'SRC/A.TS',
      'src//a.ts',
      './src/a.ts',
    ),
    oddStringWithin(1, 4096),
  );

/** Base branches that do not exist (none may resolve to main or a session branch, or fall back to the default). */
const failingBase = (): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.constantFrom('--orphan', '-b', '--end-of-options', '../x', 'x..y', 'nope~1', 'nope^{tree}', '.lock', 'a.lock', '/', '//', 'x\0y', 'refs/heads/nope', '-', 'FETCH_ORIG', '\u202enope'),
      oddStringWithin(1, 255),
    )
    .filter((b) => b.trim() !== '' && !/main|council|head|@/i.test(b));

/** Agent names that are no preset (a preset would start a real agent). */
const failingAgent = (): fc.Arbitrary<string> =>
  fc
    .oneof(fc.constantFrom('', 'nobody', 'Claude', 'claude ', ' claude', 'CODEX', '../../bin/sh', '/bin/sh', '__proto__', 'constructor', 'toString', 'claude\0'), oddStringWithin(0, 64))
    .filter((agent) => !(AGENT_PRESET_IDS as readonly string[]).includes(agent));

const hexEntry = (): fc.Arbitrary<string> => fc.stringMatching(/^[0-9a-f]{8,16}$/);

type FieldKind = 'repo' | 'sessionId' | 'sessionIds' | 'entry' | 'filePath' | 'base' | 'agentName' | 'commentId' | 'diffView' | 'hostName';

interface FieldValues {
  /** Values that must make the command fail. */
  failing: () => fc.Arbitrary<unknown>;
  /** Values that may be fine (other spellings of real things). */
  benign: () => fc.Arbitrary<unknown>;
}

const FIELD_VALUES: Record<FieldKind, FieldValues> = {
  repo: { failing: failingRepo, benign: benignRepo },
  sessionId: { failing: failingId, benign: benignId },
  sessionIds: {
    failing: () => fc.array(fc.oneof(failingId(), benignId()), { minLength: 1, maxLength: 5 }).filter((ids) => ids.some((id) => !resolvesToSession(id))),
    benign: () => fc.array(benignId(), { minLength: 1, maxLength: 3 }),
  },
  entry: { failing: hexEntry, benign: hexEntry },
  filePath: { failing: filePath, benign: filePath },
  base: { failing: failingBase, benign: failingBase },
  agentName: { failing: failingAgent, benign: failingAgent },
  // A review comment id (c1, c2…): the fixture's sessions have none, so every one fails.
  commentId: { failing: () => fc.stringMatching(/^c[0-9]{1,6}$/), benign: () => fc.stringMatching(/^c[0-9]{1,6}$/) },
  // An SSH name: every host of the fuzz's ssh config is a closed port (beforeAll), and none is kept.
  hostName: {
    failing: () => fc.oneof(fc.stringMatching(/^[a-z][a-z0-9.-]{0,30}$/), fc.stringMatching(/^[a-z]{1,8}@[a-z0-9.]{1,20}$/), fc.constantFrom('localhost', '127.0.0.1', '[::1]', 'ssh://x:22', '__proto__', 'constructor')),
    benign: () => fc.constantFrom('localhost', 'build-box'),
  },
  diffView: {
    failing: () =>
      fc.constantFrom<unknown>({ kind: 'commit', sha: 'abcdef12' }, { kind: 'commit' }, { kind: 'since', from: '0000000000000000000000000000000000000000' }, { kind: 'base', sha: 'abcd' }, { kind: 'uncommitted', from: 'ffff' }),
    benign: () => fc.constantFrom<unknown>({ kind: 'base' }, { kind: 'uncommitted' }),
  },
};

/** The meaning of a field, by its name (a command can say otherwise: repo.open's `path` is a repository). */
const KIND_BY_NAME: Record<string, FieldKind> = { repo: 'repo', id: 'sessionId', keep: 'sessionId', ids: 'sessionIds', discard: 'sessionIds', entry: 'entry', path: 'filePath', base: 'base', agent: 'agentName', commentId: 'commentId' };

/**
 * What each command does to state, and which fields must make it fail. Every command of the
 * contract needs an entry (checked below): a new command is not fuzzed until someone says what
 * it changes.
 */
interface Plan {
  /** none: no fields to be hostile with; reads: answers without changing the repository's state; writes: changes it. */
  effect: 'none' | 'reads' | 'writes';
  /**
   * Required for writes: at least one of these is always given a failing value, so the command must
   * fail and nothing may change. A read whose answer is too slow to fuzz by the thousand may say so
   * (`slow`) and be fuzzed through its failing values only.
   */
  failVia?: string[];
  slow?: string;
  kinds?: Record<string, FieldKind>;
}

const PLANS: Record<CommandName, Plan> = {
  'app.info': { effect: 'none' },
  'repo.open': { effect: 'reads', kinds: { path: 'repo' } },
  'repo.recent': { effect: 'none' },
  'repo.pickFolder': { effect: 'none' },
  'settings.get': { effect: 'reads' },
  'settings.update': { effect: 'writes', failVia: ['repo'] },
  'settings.list': { effect: 'reads' },
  'settings.key': { effect: 'reads' },
  'settings.change': { effect: 'writes', failVia: ['repo'] },
  'sessions.list': { effect: 'reads' },
  'sessions.removed': { effect: 'reads' },
  'sessions.create': { effect: 'writes', failVia: ['repo', 'agent', 'base'], kinds: { host: 'hostName' } },
  'sessions.work': { effect: 'reads' },
  'sessions.remove': { effect: 'writes', failVia: ['repo', 'id'] },
  'sessions.stats': { effect: 'reads' },
  'sessions.changes': { effect: 'reads' },
  'sessions.fileDiff': { effect: 'reads' },
  'diff.get': { effect: 'reads', kinds: { view: 'diffView' } },
  'diff.file': { effect: 'reads', kinds: { view: 'diffView' } },
  'diff.lines': { effect: 'reads', kinds: { view: 'diffView' } },
  'diff.blob': { effect: 'reads', kinds: { view: 'diffView' } },
  'diff.commits': { effect: 'reads' },
  'sessions.show': { effect: 'reads' },
  'sessions.commit': { effect: 'writes', failVia: ['repo', 'id'] },
  'sessions.discard': { effect: 'writes', failVia: ['repo', 'id'] },
  'sessions.updateFromBase': { effect: 'writes', failVia: ['repo', 'id'] },
  // Starts a program on the host: fuzzed through failing values only, so nothing is ever started.
  'sessions.open': { effect: 'writes', failVia: ['repo', 'id'] },
  'sessions.landing': { effect: 'reads' },
  'sessions.cleanup': { effect: 'writes', failVia: ['repo'] },
  'sessions.reconcile': { effect: 'writes', failVia: ['repo'] },
  'sessions.launch': { effect: 'writes', failVia: ['repo', 'agent', 'base'], kinds: { host: 'hostName' } },
  'context.update': { effect: 'writes', failVia: ['repo', 'id'] },
  'context.show': { effect: 'reads' },
  'context.blocked': { effect: 'writes', failVia: ['repo', 'id'] },
  'status.get': { effect: 'reads' },
  'agents.list': { effect: 'reads', failVia: ['repo'], slow: "answering runs every preset's --version, seconds per call" },
  'agent.start': { effect: 'writes', failVia: ['repo', 'id'] },
  'agent.stop': { effect: 'writes', failVia: ['repo', 'id'] },
  'agent.input': { effect: 'reads' },
  // Resumes or starts an agent when it can: only ever fuzzed with a failing repository or session.
  'agent.followUp': { effect: 'writes', failVia: ['repo', 'id'] },
  'agent.resize': { effect: 'reads' },
  'agent.attach': { effect: 'reads' },
  'agent.detach': { effect: 'reads' },
  // Starts a process: only ever fuzzed with a failing repository or session.
  'shell.start': { effect: 'writes', failVia: ['repo', 'id'] },
  'shell.input': { effect: 'reads' },
  'shell.resize': { effect: 'reads' },
  'shell.stop': { effect: 'reads' },
  'shell.attach': { effect: 'reads' },
  'shell.detach': { effect: 'reads' },
  'agent.runs': { effect: 'reads' },
  'agent.events': { effect: 'reads' },
  'agent.log': { effect: 'reads' },
  'compare.sessions': { effect: 'reads' },
  'compare.pick': { effect: 'writes', failVia: ['repo', 'keep', 'discard'] },
  'radar.get': { effect: 'reads' },
  'radar.fileDetail': { effect: 'reads', kinds: { a: 'sessionId', b: 'sessionId' } },
  'queue.list': { effect: 'reads' },
  'queue.enqueue': { effect: 'writes', failVia: ['repo', 'id'] },
  'queue.merge': { effect: 'writes', failVia: ['repo', 'id'] },
  'queue.remove': { effect: 'writes', failVia: ['repo', 'entry'] },
  'queue.retry': { effect: 'writes', failVia: ['repo', 'entry'] },
  'queue.move': { effect: 'writes', failVia: ['repo', 'entry'] },
  'queue.resolve': { effect: 'writes', failVia: ['repo', 'entry'] },
  'queue.gateLog': { effect: 'reads' },
  'locks.acquire': { effect: 'writes', failVia: ['repo', 'id'] },
  'locks.release': { effect: 'writes', failVia: ['repo', 'id'] },
  'locks.releaseAll': { effect: 'writes', failVia: ['repo', 'id'] },
  'locks.who': { effect: 'reads' },
  'locks.list': { effect: 'reads' },
  'watch.repo': { effect: 'reads' },
  'watch.session': { effect: 'reads' },
  'watch.stop': { effect: 'reads' },
  'review.get': { effect: 'reads' },
  'review.list': { effect: 'reads' },
  'review.comment': { effect: 'writes', failVia: ['repo', 'id'] },
  'review.editComment': { effect: 'writes', failVia: ['repo', 'id'] },
  'review.deleteComment': { effect: 'writes', failVia: ['repo', 'id'] },
  'review.resolve': { effect: 'writes', failVia: ['repo', 'id'] },
  'review.requestChanges': { effect: 'writes', failVia: ['repo', 'id'] },
  'review.approve': { effect: 'writes', failVia: ['repo', 'id'] },
  'council.peers': { effect: 'reads' },
  'council.conflicts': { effect: 'reads' },
  'council.claim': { effect: 'writes', failVia: ['repo', 'id'] },
  // Resumes an agent when it can: only ever fuzzed with a failing repository or sender.
  'council.send': { effect: 'writes', failVia: ['repo', 'from'], kinds: { from: 'sessionId' } },
  'council.inbox': { effect: 'writes', failVia: ['repo', 'id'] },
  'council.read': { effect: 'writes', failVia: ['repo', 'id'] },
  'council.messages': { effect: 'reads' },
  'council.merge': { effect: 'reads' },
  'digest.set': { effect: 'writes', failVia: ['repo', 'id'] },
  // Connects over SSH: fuzzed against the closed port every name of the fuzz's ssh config reaches.
  'host.add': { effect: 'writes', failVia: ['name'], kinds: { name: 'hostName' } },
  'host.list': { effect: 'none' },
  'host.check': { effect: 'reads', kinds: { name: 'hostName' } },
  'host.remove': { effect: 'writes', failVia: ['name'], kinds: { name: 'hostName' } },
};

// ── Inputs ────────────────────────────────────────────────────────────────────────────────────

const kindOf = (name: CommandName, field: string): FieldKind | undefined => PLANS[name].kinds?.[field] ?? KIND_BY_NAME[field];

/** The fixture's real value for a field (repo, session, file), or the schema's plainest valid one. */
function realValue(name: CommandName, field: string, node: SchemaNode): fc.Arbitrary<unknown> {
  switch (kindOf(name, field)) {
    case 'repo':
      return fc.constant(fx.repo.root);
    case 'sessionId':
      return fc.constant(name === 'compare.pick' ? fx.b.id : fx.a.id);
    case 'sessionIds':
      return fc.constant(name === 'compare.pick' ? [fx.a.id] : [fx.a.id, fx.b.id]);
    case 'entry':
      return fc.constant('0123abcd');
    case 'filePath':
      return fc.constant('src/a.ts');
    case 'commentId':
      return fc.constant('c1');
    case 'hostName':
      return fc.constant('build-box');
    case 'diffView':
      return fc.constantFrom<unknown>({ kind: 'base' }, { kind: 'uncommitted' }, { kind: 'commit', sha: 'abcdef12' }, { kind: 'since', from: '0123abcd' });
    default:
      return oddValidValue(node);
  }
}

/** A valid params object (every required field, some optional ones), made of real values. */
function validParams(name: CommandName, fields: Record<string, SchemaNode>): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(fields).map(([field, node]) => {
    const value = realValue(name, field, node);
    return [field, isOptional(node) ? fc.option(value, { nil: undefined }) : value] as const;
  });
  return fc.record(Object.fromEntries(entries)).map((record) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)));
}

interface Input {
  params: unknown;
  how: string;
}

/** Valid params broken by one to three mutations, or something that is not params at all. */
function malformedInput(name: CommandName, fields: Record<string, SchemaNode>): fc.Arbitrary<Input> {
  const broken = fc.tuple(validParams(name, fields), fc.array(breakingMutation(fields), { minLength: 1, maxLength: 3 })).map(([params, mutations]) => {
    const copy: Record<string, unknown> = { ...params };
    for (const m of mutations) m.apply(copy);
    return { params: copy, how: mutations.map((m) => m.label).join(' + ') };
  });
  const notParams = fc
    .oneof(anyValue, fc.constant(undefined), validParams(name, fields).map((p) => [p]), validParams(name, fields).map((p) => JSON.stringify(p)))
    .map((params) => ({ params, how: 'not an object' }));
  return fc.oneof({ arbitrary: broken, weight: 5 }, { arbitrary: notParams, weight: 1 });
}

/** Well-typed params with hostile values in the fields the schema cannot judge. */
function hostileInput(name: CommandName, fields: Record<string, SchemaNode>): fc.Arbitrary<Input> {
  const plan = PLANS[name];
  const special = Object.keys(fields).filter((field) => kindOf(name, field) !== undefined);
  const failVia = plan.failVia ?? [];
  const forced = failVia.length ? fc.subarray(failVia, { minLength: 1 }) : fc.constant([] as string[]);
  return fc.tuple(forced, validParams(name, fields)).chain(([mustFail, base]) => {
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [field, node] of Object.entries(fields)) {
      const kind = kindOf(name, field);
      const values = kind ? FIELD_VALUES[kind] : undefined;
      let arb: fc.Arbitrary<unknown>;
      if (mustFail.includes(field) && values) arb = values.failing();
      else if (failVia.length) arb = special.includes(field) ? fc.constant(base[field]) : oddValidValue(node);
      else arb = values ? fc.oneof(values.failing(), values.benign()) : oddValidValue(node);
      if (isOptional(node) && !mustFail.includes(field)) arb = fc.option(arb, { nil: undefined });
      record[field] = arb;
    }
    return fc.record(record).map((params) => ({
      params: Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)),
      how: mustFail.length ? `hostile ${mustFail.join('+')}` : 'hostile',
    }));
  });
}

function inputsFor(name: CommandName): fc.Arbitrary<Input> {
  const fields = inputFields(commands[name].input as SchemaNode);
  if (PLANS[name].effect === 'none') return malformedInput(name, fields);
  return fc.oneof({ arbitrary: malformedInput(name, fields), weight: 7 }, { arbitrary: hostileInput(name, fields), weight: 3 });
}

// ── The batches ───────────────────────────────────────────────────────────────────────────────

const KNOWN_CODES = new Set<string>(ErrorCodeSchema.options);

/** What is wrong with one answer, or null. */
function problemWith(name: CommandName, input: Input, schemaOk: boolean, result: Result<unknown>): string | null {
  try {
    JSON.stringify(result);
  } catch (err) {
    return `the answer cannot be sent over IPC or HTTP (${String(err)})`;
  }
  if (!schemaOk) {
    if (result.ok) return 'a malformed input was answered as if valid';
    if (result.error.code !== 'invalid-input') return `a malformed input failed with ${result.error.code}, not invalid-input: ${result.error.message}`;
    if (!result.error.message.startsWith(`invalid input for "${name}": `)) return `not refused by dispatch's validation: ${result.error.message}`;
    return null;
  }
  if (result.ok) return PLANS[name].failVia ? `a hostile ${input.how} input SUCCEEDED, where a field had to make it fail` : null;
  if (!CouncilErrorDataSchema.safeParse(result.error).success || !KNOWN_CODES.has(result.error.code)) return `an untyped error: ${show(result.error)}`;
  if (result.error.code === 'internal') return `an internal error (a bug): ${result.error.message}`;
  return null;
}

describe('fuzz: every contract command, malformed and hostile inputs through dispatch()', () => {
  it('has a plan for every command of the contract, and understands every input schema', () => {
    expect(Object.keys(PLANS).sort()).toEqual([...COMMAND_NAMES].sort());
    for (const name of COMMAND_NAMES) {
      const fields = inputFields(commands[name].input as SchemaNode);
      expect(fc.sample(inputsFor(name), { numRuns: 3, seed: 1 })).toHaveLength(3);
      for (const field of PLANS[name].failVia ?? []) expect(kindOf(name, field), `${name}.${field}`).toBeDefined();
      expect(PLANS[name].effect === 'none', `${name} has fields, so it needs hostile inputs`).toBe(Object.keys(fields).length === 0);
      const failFields = PLANS[name].failVia?.length ?? 0;
      expect(PLANS[name].effect !== 'writes' || failFields > 0, `${name} changes state: which fields make it fail?`).toBe(true);
      expect(!PLANS[name].slow || failFields > 0, `${name} is slow: which fields make it fail?`).toBe(true);
    }
  });

  for (const name of COMMAND_NAMES) {
    it(`${name}: ${RUNS} generated inputs → a typed error, no crash, no hang, state unchanged (seed ${SEED})`, async () => {
      // Each command its own stream (the same SEED replays them all).
      const inputs = fc.sample(inputsFor(name), { numRuns: RUNS, seed: SEED + COMMAND_NAMES.indexOf(name) });
      const watched = { outside: fx.outside };
      const before = fingerprint(fx.repo.root, watched);
      const callsBefore = handlerCalls.get(name) ?? 0;
      const crashWatch = watchForCrashes();
      const started = Date.now();
      const problems: string[] = [];
      let malformed = 0;
      let typedErrors = 0;
      let answered = 0;
      let thrown = 0;
      for (const input of inputs) {
        const schemaOk = accepts(commands[name].input as SchemaNode, input.params);
        if (!schemaOk) malformed += 1;
        let result: Result<unknown>;
        try {
          result = await withDeadline(dispatch(name, input.params, counted, CLIENT), CALL_DEADLINE_MS, name);
        } catch (err) {
          thrown += 1;
          problems.push(`${input.how}: dispatch threw or hung: ${String(err)}\n    input: ${show(input.params)}`);
          continue;
        }
        if (result.ok) answered += 1;
        else if (result.error.code !== 'internal') typedErrors += 1;
        const problem = problemWith(name, input, schemaOk, result);
        if (problem) problems.push(`${input.how}: ${problem}\n    input: ${show(input.params)}`);
      }
      // Let stray promises settle, so an unhandled rejection is seen here and not in the next batch.
      await new Promise((resolve) => setTimeout(resolve, 50));
      crashWatch.stop();
      const after = fingerprint(fx.repo.root, watched);
      const hostile = RUNS - malformed;
      const handlerRuns = (handlerCalls.get(name) ?? 0) - callsBefore;
      const stateChanged = JSON.stringify(after) !== JSON.stringify(before);
      rows.push({
        target: name,
        how: 'dispatch (in-process)',
        inputs: inputs.length,
        malformed,
        hostile,
        typedErrors,
        answered,
        crashes: thrown + crashWatch.crashes.length + problems.filter((p) => p.includes('internal error') || p.includes('untyped')).length,
        stateChanges: stateChanged ? 1 : 0,
        ms: Date.now() - started,
      });

      expect(inputs).toHaveLength(RUNS);
      expect(problems.slice(0, 5), `${problems.length} problem(s); replay with COUNCIL_FUZZ_SEED=${SEED} COUNCIL_FUZZ_RUNS=${RUNS}`).toEqual([]);
      expect(crashWatch.crashes).toEqual([]);
      // Exactly the well-typed inputs reached the handler: the batch really went through dispatch.
      expect(handlerRuns).toBe(hostile);
      expect(after).toEqual(before);
    }, timeLimit(RUNS, 200));
  }
});

// ── The envelope and the transport ────────────────────────────────────────────────────────────

/** Command names that are not commands: prototype keys, near misses, odd text. */
const notACommand = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', 'sessions', 'sessions.', '.list', 'Sessions.List', 'sessions.list ', 'sessions.list\0', 'sessions/list', '../sessions.list'),
    oddText(0, 40),
    anyValue,
  ).filter((name) => typeof name !== 'string' || !(COMMAND_NAMES as readonly string[]).includes(name));

/** `{ command, input }` envelopes that are malformed themselves, or name no command. */
const badEnvelope = (): fc.Arbitrary<Input> =>
  fc.oneof(
    anyValue.map((params) => ({ params, how: 'not an envelope' })),
    fc.tuple(notACommand(), anyValue).map(([command, input]) => ({ params: { command, input }, how: 'unknown command' })),
    fc.tuple(fc.constantFrom(...COMMAND_NAMES), fc.constantFrom('sender', '__proto__', 'id', 'repo', 'then')).map(([command, extra]) => {
      const envelope: Record<string, unknown> = { command, input: {} };
      Object.defineProperty(envelope, extra, { value: 'x', enumerable: true, writable: true, configurable: true });
      return { params: envelope, how: 'extra envelope field' };
    }),
  );

/** A malformed input of any command, wrapped in a good envelope. */
const anyMalformedMessage = (): fc.Arbitrary<Input> =>
  fc
    .constantFrom(...COMMAND_NAMES)
    .chain((name) => malformedInput(name, inputFields(commands[name].input as SchemaNode)).map((input) => ({ name, input })))
    .filter(({ name, input }) => !accepts(commands[name].input as SchemaNode, input.params))
    .map(({ name, input }) => ({ params: { command: name, input: input.params }, how: `${name}: ${input.how}` }));

describe('fuzz: the { command, input } envelope, in-process and over the browser host', () => {
  it(`dispatchMessage: ${RUNS} malformed envelopes and unknown commands → invalid-input, no handler runs (seed ${SEED})`, async () => {
    const inputs = fc.sample(badEnvelope(), { numRuns: RUNS, seed: SEED });
    const calls = [...handlerCalls.values()].reduce((a, b) => a + b, 0);
    const before = fingerprint(fx.repo.root, { outside: fx.outside });
    const problems: string[] = [];
    for (const input of inputs) {
      const result = await withDeadline(dispatchMessage(input.params, counted, CLIENT), CALL_DEADLINE_MS, 'dispatchMessage');
      if (result.ok || result.error.code !== 'invalid-input') problems.push(`${input.how}: ${show(result)}\n    message: ${show(input.params)}`);
    }
    rows.push({ target: '(envelope)', how: 'dispatchMessage (in-process)', inputs: inputs.length, malformed: inputs.length, hostile: 0, typedErrors: inputs.length - problems.length, answered: 0, crashes: problems.length, stateChanges: 0, ms: 0 });
    expect(problems.slice(0, 5), `replay with COUNCIL_FUZZ_SEED=${SEED}`).toEqual([]);
    expect([...handlerCalls.values()].reduce((a, b) => a + b, 0)).toBe(calls);
    expect(fingerprint(fx.repo.root, { outside: fx.outside })).toEqual(before);
  });

  it(`POST /api/invoke: ${RUNS} malformed bodies (not JSON, bad envelopes, every command's malformed input) → 400/413 or a typed invalid-input (seed ${SEED})`, async () => {
    const host: RunningHost = await startTestHost();
    const bodies = fc.sample(
      fc.oneof(
        fc.oneof(fc.constantFrom('', '{', '{"command":', 'null x', '\ufeff{}', 'undefined'), oddText(1, 100)).map((text) => ({ body: text, how: 'not JSON' })),
        fc.oneof(badEnvelope(), anyMalformedMessage()).map((input) => {
          try {
            return { body: JSON.stringify(input.params) ?? 'undefined', how: input.how };
          } catch {
            return { body: '{"command":1n}', how: `${input.how} (not JSON-able)` };
          }
        }),
      ),
      { numRuns: RUNS, seed: SEED },
    );
    const before = fingerprint(fx.repo.root, { outside: fx.outside });
    const started = Date.now();
    const problems: string[] = [];
    let typed = 0;
    for (const { body, how } of bodies) {
      // What survives JSON may be valid after all (NaN becomes null, undefined fields vanish): skip those.
      let parsed: unknown;
      let isJson = true;
      try {
        parsed = JSON.parse(body);
      } catch {
        isJson = false;
      }
      const envelope = parsed as { command?: unknown; input?: unknown } | null;
      const name = typeof envelope?.command === 'string' ? envelope.command : '';
      if (isJson && (COMMAND_NAMES as readonly string[]).includes(name) && accepts(commands[name as CommandName].input as SchemaNode, envelope?.input)) continue;
      const response = await withDeadline(
        fetch(`${origin(host)}/api/invoke`, { method: 'POST', headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' }, body }),
        CALL_DEADLINE_MS,
        'POST /api/invoke',
      );
      const text = await response.text();
      const tooLarge = Buffer.byteLength(body) > MAX_BODY_BYTES;
      const expected = tooLarge ? 413 : isJson ? 200 : 400;
      let answer: { ok?: unknown; error?: { code?: unknown } } = {};
      try {
        answer = JSON.parse(text) as typeof answer;
      } catch {
        // a 413 is plain text
      }
      if (response.status !== expected) problems.push(`${how}: HTTP ${response.status}, not ${expected}: ${show(text, 200)}`);
      else if (!tooLarge && (answer.ok !== false || answer.error?.code !== 'invalid-input')) problems.push(`${how}: ${show(text, 200)}`);
      else typed += 1;
    }
    const after = fingerprint(fx.repo.root, { outside: fx.outside });
    rows.push({ target: '(HTTP /api/invoke)', how: 'browser host, real HTTP', inputs: typed + problems.length, malformed: typed + problems.length, hostile: 0, typedErrors: typed, answered: 0, crashes: problems.length, stateChanges: JSON.stringify(after) === JSON.stringify(before) ? 0 : 1, ms: Date.now() - started });
    expect(typed).toBeGreaterThan(0);
    expect(problems.slice(0, 5), `replay with COUNCIL_FUZZ_SEED=${SEED}`).toEqual([]);
    expect(after).toEqual(before);
  }, timeLimit(RUNS, 200));
});
