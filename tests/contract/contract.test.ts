import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMAND_NAMES, type CommandName, type EventName, type EventPayload } from '../../shared/contract';
import { AppCore } from '../../electron/core/app/app-core';
import { dispatch } from '../../electron/core/dispatch';
import { gitSync, makeRepo, tempDir, writeIn, type TestRepo } from '../helpers/repo';
import { AGENT_PRESET_IDS } from '../../shared/agents';
import { DEFAULT_SETTINGS } from '../../shared/models';
import { claudeWrites, useScript } from '../agents/fake-agents';
import { holderLine } from '../helpers/holder-line';
import { freePort } from '../helpers/sshd';

/**
 * Every command of the contract through the real dispatch() and the real core, on a real repo:
 * valid input works, malformed input is a typed invalid-input naming the field, and an unknown
 * command is refused. The table below must name every command (checked at the end).
 */
let repo: TestRepo;
let core: AppCore;
let received: { event: EventName; payload: unknown }[];
const client = { clientId: 'test-client' };

beforeEach(() => {
  repo = makeRepo();
  core = new AppCore({ userDataDir: tempDir(), host: 'browser', version: '1.2.3' });
  received = [];
  core.addClient(client.clientId, <E extends EventName>(event: E, payload: EventPayload<E>) => {
    received.push({ event, payload });
    return true;
  });
});

afterEach(async () => {
  await core.close();
});

const call = (command: string, input: unknown) => dispatch(command, input, core.handlers, client);

async function ok<T = unknown>(command: CommandName, input: unknown): Promise<T> {
  const result = await call(command, input);
  if (!result.ok) throw new Error(`${command} failed: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

async function oneSession(): Promise<string> {
  const [s] = await ok<{ id: string }[]>('sessions.create', { repo: repo.root, task: 'contract' });
  return s!.id;
}

const waitFor = async (predicate: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

function readQueue(): { id: string; state: string }[] {
  const file = path.join(repo.root, '.git', 'council', 'queue.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { entries: { id: string; state: string }[] }).entries : [];
}

/** Runs `body` with ssh pointed at a config where every host is a closed port of 127.0.0.1. */
async function withClosedSsh(body: () => Promise<void>): Promise<void> {
  const config = path.join(tempDir(), 'ssh_config');
  writeFileSync(config, `Host *\n  HostName 127.0.0.1\n  Port ${await freePort()}\n`);
  const before = process.env.COUNCIL_SSH_CONFIG;
  process.env.COUNCIL_SSH_CONFIG = config;
  try {
    await body();
  } finally {
    if (before === undefined) delete process.env.COUNCIL_SSH_CONFIG;
    else process.env.COUNCIL_SSH_CONFIG = before;
  }
}

const gitShow = (spec: string): string => gitSync(repo.root, 'show', spec);

let gateFlag = '';

/** A session with an agent preset and work, whose merge parked on a failing gate (it passes once
 * the file `gateFlag` exists). */
async function parkedEntry(): Promise<{ id: string }> {
  // Made through the core: the contract's sessions.create would start the preset's agent at once.
  const [s] = await (await core.council(repo.root)).createSessions({ task: 'gated', agent: 'claude' });
  writeIn(s!.worktreePath, 'src/gated.ts', 'x\n');
  gateFlag = path.join(tempDir(), 'gate-ok');
  await ok('settings.update', { repo: repo.root, gateCommand: `test -f '${gateFlag}' || { echo gate says no; exit 1; }` });
  const entry = await ok<{ id: string }>('queue.enqueue', { repo: repo.root, id: s!.id });
  await waitFor(() => readQueue().some((e) => e.id === entry.id && e.state === 'parked'), 20_000);
  return entry;
}

/** An entry parked on a conflict (what "Resolve with agent" is for), of a session with an agent. */
async function conflictParkedEntry(): Promise<{ id: string }> {
  const council = await core.council(repo.root);
  const [first] = await council.createSessions({ task: 'clash first' });
  const [second] = await council.createSessions({ task: 'clash second', agent: 'claude' });
  writeIn(first!.worktreePath, 'src/clash.ts', 'first\n');
  writeIn(second!.worktreePath, 'src/clash.ts', 'second\n');
  const merged = await ok<{ id: string }>('queue.enqueue', { repo: repo.root, id: first!.id, gate: null });
  await waitFor(() => readQueue().some((e) => e.id === merged.id && e.state === 'merged'), 20_000);
  const entry = await ok<{ id: string }>('queue.enqueue', { repo: repo.root, id: second!.id, gate: null });
  await waitFor(() => readQueue().some((e) => e.id === entry.id && e.state === 'parked'), 20_000);
  return entry;
}

/** A session with a file of three lines and one pending comment (c1) on lines 2-3. */
async function reviewedSession(): Promise<string> {
  const id = await oneSession();
  const wt = (await ok<{ session: { worktreePath: string } }>('sessions.show', { repo: repo.root, id })).session.worktreePath;
  writeIn(wt, 'src/r.ts', 'one\ntwo\nthree\n');
  await ok('review.comment', { repo: repo.root, id, path: 'src/r.ts', startLine: 2, endLine: 3, body: 'say more' });
  return id;
}

/** For each command: a valid call with what it must answer, and a malformed input with the field the error must name. */
const cases: Record<CommandName, { valid: () => Promise<void>; malformed: { input: unknown; names: string } }> = {
  'app.info': {
    valid: async () => expect(await ok('app.info', {})).toEqual({ version: '1.2.3', platform: process.platform, host: 'browser' }),
    malformed: { input: { verbose: 1 }, names: 'unknown field verbose' },
  },
  'repo.open': {
    valid: async () => {
      expect(await ok('repo.open', { path: path.join(repo.root, 'src') })).toEqual({ root: repo.root, name: 'demo', branch: 'main' });
      const notRepo = await call('repo.open', { path: tempDir() });
      expect(notRepo).toMatchObject({ ok: false, error: { code: 'not-a-repo', message: expect.stringContaining('not inside a git repository') } });
    },
    malformed: { input: { path: '' }, names: 'path' },
  },
  'repo.recent': {
    valid: async () => {
      await ok('repo.open', { path: repo.root });
      expect(await ok('repo.recent', {})).toEqual([{ root: repo.root, name: 'demo', openedAt: expect.any(String) }]);
    },
    malformed: { input: { limit: 3 }, names: 'unknown field limit' },
  },
  'repo.pickFolder': {
    valid: async () => {
      // The browser host has no native picker: a typed refusal, not a crash.
      expect(await call('repo.pickFolder', {})).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('no folder picker') } });
      const withPicker = new AppCore({ userDataDir: tempDir(), host: 'electron', version: '1', pickFolder: async () => '/picked' });
      expect(await dispatch('repo.pickFolder', {}, withPicker.handlers)).toEqual({ ok: true, value: { path: '/picked' } });
    },
    malformed: { input: null, names: 'expected object' },
  },
  'settings.get': {
    valid: async () => expect(await ok('settings.get', { repo: repo.root })).toEqual(DEFAULT_SETTINGS),
    malformed: { input: { repo: 42 }, names: 'repo: expected string' },
  },
  'settings.update': {
    valid: async () => {
      expect(await ok('settings.update', { repo: repo.root, staleAfterMinutes: 45, checkCommand: 'npm test' })).toEqual({ ...DEFAULT_SETTINGS, staleAfterMinutes: 45, checkCommand: 'npm test' });
      expect(await ok('settings.get', { repo: repo.root })).toEqual({ ...DEFAULT_SETTINGS, staleAfterMinutes: 45, checkCommand: 'npm test' });
    },
    malformed: { input: { repo: '/r', staleAfterMinutes: 0 }, names: 'staleAfterMinutes' },
  },
  'settings.list': {
    valid: async () => {
      await ok('settings.change', { scope: 'user', set: { concurrency: 6 } });
      const view = await ok<{ files: { repository: string | null }; entries: { key: string; effective: unknown; source: string }[] }>('settings.list', { repo: repo.root });
      expect(view.files.repository).toBe(path.join(repo.root, '.git', 'council', 'settings.json'));
      expect(view.entries.find((e) => e.key === 'concurrency')).toMatchObject({ effective: 6, source: 'user' });
      expect(await ok('settings.list', {})).toMatchObject({ files: { repository: null }, repository: null });
    },
    malformed: { input: { repo: '' }, names: 'repo' },
  },
  'settings.key': {
    valid: async () => {
      await ok('settings.change', { repo: repo.root, scope: 'repository', set: { 'agents.claude.model': 'opus' } });
      expect(await ok('settings.key', { repo: repo.root, key: 'agents.claude.model' })).toMatchObject({ effective: 'opus', source: 'repository', repository: 'opus' });
      expect(await call('settings.key', { repo: repo.root, key: 'agents.claude.colour' })).toMatchObject({
        ok: false,
        error: { code: 'invalid-input', message: expect.stringContaining('agents.claude.path, agents.claude.model, agents.claude.modelTimeoutSeconds, agents.claude.args, agents.claude.env') },
      });
    },
    malformed: { input: { key: '' }, names: 'key' },
  },
  'settings.change': {
    valid: async () => {
      await ok('settings.change', { repo: repo.root, scope: 'repository', set: { concurrency: 3 }, unset: [] });
      expect(await ok('settings.get', { repo: repo.root })).toMatchObject({ concurrency: 3 });
      expect(await call('settings.change', { repo: repo.root, scope: 'user', set: { concurrency: 'many' } })).toMatchObject({
        ok: false,
        error: { code: 'invalid-input', message: 'concurrency: "many" is not allowed; it takes a whole number from 1 to 64' },
      });
    },
    malformed: { input: { scope: 'everywhere' }, names: 'scope' },
  },
  'sessions.list': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('sessions.list', { repo: repo.root })).toEqual([
        { session: expect.objectContaining({ id, task: 'contract', state: 'ready' }), context: expect.objectContaining({ sessionId: id, status: 'idle' }) },
      ]);
    },
    malformed: { input: {}, names: 'repo' },
  },
  'sessions.create': {
    valid: async () => {
      const created = await ok<unknown[]>('sessions.create', { repo: repo.root, task: 'two of them', count: 2 });
      expect(created).toHaveLength(2);
      // With a preset, its agent starts in each session (here the fake agent stands in for it).
      await useScript(await core.council(repo.root), 'claude', claudeWrites('made.txt'));
      const [withAgent] = await ok<{ id: string }[]>('sessions.create', { repo: repo.root, task: 'with an agent', agent: 'claude', mode: 'headless' });
      const manager = await core.agents(repo.root);
      await waitFor(() => manager.runs(withAgent!.id)[0]?.state === 'done');
      expect(await call('sessions.create', { repo: repo.root, task: 'x', agent: 'nobody' })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('unknown agent preset "nobody"') } });
      expect(await call('sessions.create', { repo: repo.root, task: ' ' })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('task is empty') } });
    },
    malformed: { input: { repo: '/r', task: 'x', count: 'two' }, names: 'count' },
  },
  'sessions.work': {
    valid: async () => {
      const id = await oneSession();
      const s = (await ok<{ session: { worktreePath: string } }[]>('sessions.list', { repo: repo.root }))[0]!.session;
      writeIn(s.worktreePath, 'new.txt', 'x\n');
      expect(await ok('sessions.work', { repo: repo.root, id })).toEqual({ unmergedCommits: 0, uncommitted: ['new.txt'] });
    },
    malformed: { input: { repo: '/r' }, names: 'id' },
  },
  'sessions.remove': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('sessions.remove', { repo: repo.root, id })).toMatchObject({ id, archivedAs: null });
      expect(await call('sessions.remove', { repo: repo.root, id })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    },
    malformed: { input: { repo: '/r', id: 'abc', force: 'yes' }, names: 'force' },
  },
  'sessions.removed': {
    valid: async () => {
      expect(await ok('sessions.removed', { repo: repo.root })).toEqual([]);
      const kept = await oneSession();
      const s = (await ok<{ session: { id: string; worktreePath: string } }[]>('sessions.list', { repo: repo.root })).find((c) => c.session.id === kept)!.session;
      writeIn(s.worktreePath, 'work.txt', 'work\n');
      gitSync(s.worktreePath, 'add', '-A');
      gitSync(s.worktreePath, 'commit', '-qm', 'work');
      await ok('sessions.remove', { repo: repo.root, id: kept, force: true });
      const plain = await oneSession();
      await ok('sessions.remove', { repo: repo.root, id: plain });
      const removed = await ok<{ id: string; task: string; archivedAs: string | null }[]>('sessions.removed', { repo: repo.root });
      expect(removed.map((r) => [r.id, r.task])).toEqual([
        [plain, 'contract'],
        [kept, 'contract'],
      ]);
      expect(removed[0]?.archivedAs).toBeNull();
      expect(removed[1]?.archivedAs).toMatch(new RegExp(`^refs/council/archive/${kept}-`));
    },
    malformed: { input: {}, names: 'repo' },
  },
  'sessions.stats': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('sessions.stats', { repo: repo.root, id })).toEqual({ ahead: 0, behind: 0, filesChanged: 0, insertions: 0, deletions: 0, dirty: false, merged: false, mergeBlocked: expect.stringMatching(/^nothing to merge/) });
    },
    malformed: { input: { repo: '/r', id: '' }, names: 'id' },
  },
  'sessions.changes': {
    valid: async () => {
      const id = await oneSession();
      const s = (await ok<{ session: { worktreePath: string } }[]>('sessions.list', { repo: repo.root }))[0]!.session;
      writeIn(s.worktreePath, 'src/a.ts', 'export const a = 2;\n');
      writeIn(s.worktreePath, 'img.bin', '\0\x01\x02');
      expect(await ok('sessions.changes', { repo: repo.root, id })).toEqual([
        { path: 'img.bin', origPath: null, kind: 'untracked', insertions: null, deletions: null, binary: true },
        { path: 'src/a.ts', origPath: null, kind: 'modified', insertions: 1, deletions: 1, binary: false },
      ]);
    },
    malformed: { input: { repo: '/r', id: 'abc', extra: 1 }, names: 'unknown field extra' },
  },
  'sessions.fileDiff': {
    valid: async () => {
      const id = await oneSession();
      const s = (await ok<{ session: { worktreePath: string } }[]>('sessions.list', { repo: repo.root }))[0]!.session;
      writeIn(s.worktreePath, 'src/a.ts', 'export const a = 2;\n');
      const diff = await ok<{ patch: string; binary: boolean; tooLarge: boolean }>('sessions.fileDiff', { repo: repo.root, id, path: 'src/a.ts' });
      expect(diff.binary).toBe(false);
      expect(diff.tooLarge).toBe(false);
      expect(diff.patch).toContain('-export const a = 1;\n+export const a = 2;');
      expect(await call('sessions.fileDiff', { repo: repo.root, id, path: 'README.md' })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('has no changes') } });
    },
    malformed: { input: { repo: '/r', id: 'abc' }, names: 'path' },
  },
  'diff.get': {
    valid: async () => {
      const id = await oneSession();
      const s = (await ok<{ session: { worktreePath: string } }[]>('sessions.list', { repo: repo.root }))[0]!.session;
      writeIn(s.worktreePath, 'src/a.ts', 'export const a = 2;\n');
      const out = await ok<{ files: { path: string; patch: string | null; hash: string }[] }>('diff.get', { repo: repo.root, id, view: { kind: 'base' } });
      expect(out.files.map((f) => f.path)).toEqual(['src/a.ts']);
      expect(out.files[0]?.patch).toContain('+export const a = 2;');
      expect(await call('diff.get', { repo: repo.root, id, view: { kind: 'commit', sha: 'abcdef12' } })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    },
    malformed: { input: { repo: '/r', id: 'abc', view: { kind: 'since', from: '--output=/tmp/x' } }, names: 'view' },
  },
  'diff.file': {
    valid: async () => {
      const id = await oneSession();
      const s = (await ok<{ session: { worktreePath: string } }[]>('sessions.list', { repo: repo.root }))[0]!.session;
      writeIn(s.worktreePath, 'src/a.ts', 'export const a = 2;\n');
      expect(await ok('diff.file', { repo: repo.root, id, view: { kind: 'uncommitted' }, path: 'src/a.ts' })).toMatchObject({ path: 'src/a.ts', tooLarge: false, patch: expect.stringContaining('+export const a = 2;') });
      expect(await call('diff.file', { repo: repo.root, id, view: { kind: 'base' }, path: 'README.md' })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('has no changes') } });
    },
    malformed: { input: { repo: '/r', id: 'abc', view: { kind: 'base' } }, names: 'path' },
  },
  'diff.lines': {
    valid: async () => {
      const id = await oneSession();
      const s = (await ok<{ session: { worktreePath: string } }[]>('sessions.list', { repo: repo.root }))[0]!.session;
      writeIn(s.worktreePath, 'src/a.ts', 'export const a = 2;\n');
      expect(await ok('diff.lines', { repo: repo.root, id, view: { kind: 'base' }, path: 'src/a.ts', side: 'old' })).toEqual({ lines: ['export const a = 1;'], total: 1 });
    },
    malformed: { input: { repo: '/r', id: 'abc', view: { kind: 'base' }, path: 'a', side: 'left' }, names: 'side' },
  },
  'diff.blob': {
    valid: async () => {
      const id = await oneSession();
      const s = (await ok<{ session: { worktreePath: string } }[]>('sessions.list', { repo: repo.root }))[0]!.session;
      writeIn(s.worktreePath, 'dot.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
      expect(await ok('diff.blob', { repo: repo.root, id, view: { kind: 'base' }, path: 'dot.svg', side: 'new' })).toEqual({ size: 41, mime: 'image/svg+xml', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64') });
    },
    malformed: { input: { repo: '/r', id: 'abc', view: { kind: 'everything' }, path: 'a', side: 'old' }, names: 'view' },
  },
  'diff.commits': {
    valid: async () => {
      const id = await oneSession();
      const s = (await ok<{ session: { worktreePath: string } }[]>('sessions.list', { repo: repo.root }))[0]!.session;
      expect(await ok('diff.commits', { repo: repo.root, id })).toEqual([]);
      writeIn(s.worktreePath, 'src/a.ts', 'export const a = 2;\n');
      gitSync(s.worktreePath, 'commit', '-qam', 'two');
      expect(await ok('diff.commits', { repo: repo.root, id })).toMatchObject([{ subject: 'two', sha: gitSync(s.worktreePath, 'rev-parse', 'HEAD') }]);
    },
    malformed: { input: { repo: '/r' }, names: 'id' },
  },
  'sessions.show': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('sessions.show', { repo: repo.root, id })).toMatchObject({ session: { id, task: 'contract' }, stats: { ahead: 0, dirty: false }, context: { sessionId: id, status: 'idle' } });
      expect(await call('sessions.show', { repo: repo.root, id: 'ffffff' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    },
    malformed: { input: { repo: '/r', id: 'x'.repeat(13) }, names: 'id' },
  },
  'sessions.discard': {
    valid: async () => {
      const id = await oneSession();
      const s = (await ok<{ session: { worktreePath: string } }[]>('sessions.list', { repo: repo.root }))[0]!.session;
      writeIn(s.worktreePath, 'src/a.ts', 'export const a = 2;\n');
      const done = await ok<{ archivedAs: string; outcome: string }>('sessions.discard', { repo: repo.root, id, path: 'src/a.ts' });
      expect(done).toMatchObject({ outcome: 'restored', archivedAs: `refs/council/archive/${id}/discard-1` });
      expect(readFileSync(path.join(s.worktreePath, 'src/a.ts'), 'utf8')).toBe('export const a = 1;\n');
      expect(gitShow(`${done.archivedAs}:src/a.ts`)).toBe('export const a = 2;');
      writeIn(s.worktreePath, 'src/a.ts', 'export const a = 3;\n');
      const both = await call('sessions.discard', { repo: repo.root, id, path: 'src/a.ts', hunk: 1, hunkText: { header: '@@ -1 +1 @@', text: '-export const a = 1;\n+export const a = 3;\n' } });
      expect(both).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('not both') } });
      const byText = await ok<{ outcome: string; hunk: string }>('sessions.discard', { repo: repo.root, id, path: 'src/a.ts', hunkText: { header: '@@ -1 +1 @@', text: '-export const a = 1;\n+export const a = 3;\n' } });
      expect(byText).toMatchObject({ outcome: 'hunk-reversed', hunk: '@@ -1 +1 @@' });
      expect(readFileSync(path.join(s.worktreePath, 'src/a.ts'), 'utf8')).toBe('export const a = 1;\n');
    },
    malformed: { input: { repo: '/r', id: 'abc', path: 'a', hunk: 0 }, names: 'hunk' },
  },
  'sessions.updateFromBase': {
    valid: async () => {
      const id = await oneSession();
      repo.write('README.md', '# moved on\n');
      repo.commitAll('base moves');
      // Refused while its agent runs (the agents' run state), and nothing moves.
      await useScript(await core.council(repo.root), 'claude', [{ sleep: 60_000 }]);
      await ok('agent.start', { repo: repo.root, id, preset: 'claude', mode: 'headless' });
      expect(await call('sessions.updateFromBase', { repo: repo.root, id })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining("agent is running in its worktree: stop it first") } });
      await ok('agent.stop', { repo: repo.root, id });
      expect(await ok('sessions.updateFromBase', { repo: repo.root, id })).toMatchObject({ state: 'updated', commitsIn: 1, strategy: 'merge' });
      // A conflict, then its resolve prompt sent to the (restarted) agent as a follow-up.
      const s = (await ok<{ session: { id: string; worktreePath: string } }[]>('sessions.list', { repo: repo.root })).find((c) => c.session.id === id)!.session;
      writeIn(s.worktreePath, 'README.md', '# session\n');
      await ok('sessions.commit', { repo: repo.root, id, message: 'session readme' });
      repo.write('README.md', '# base again\n');
      repo.commitAll('base readme');
      const conflicted = await ok<{ state: string; files: string[]; resolvePrompt: string }>('sessions.updateFromBase', { repo: repo.root, id });
      expect(conflicted).toMatchObject({ state: 'conflict', files: ['README.md'] });
      expect((await ok<{ status: string }[]>('context.show', { repo: repo.root, id }))[0]).toMatchObject({ status: 'blocked' });
      await useScript(await core.council(repo.root), 'claude', [{ echoStdin: true }]);
      await ok('agent.start', { repo: repo.root, id, preset: 'claude', mode: 'interactive' });
      await ok('agent.attach', { repo: repo.root, id });
      expect(await ok('agent.followUp', { repo: repo.root, id, text: conflicted.resolvePrompt })).toMatchObject({ delivered: 'terminal' });
      await waitFor(() => received.some((e) => e.event === 'agent.output' && (e.payload as { data: string }).data.includes('stopped on conflicts in: README.md')));
      await ok('agent.stop', { repo: repo.root, id });
      expect(await ok('sessions.updateFromBase', { repo: repo.root, id, abort: true })).toMatchObject({ state: 'aborted' });
      expect(readFileSync(path.join(s.worktreePath, 'README.md'), 'utf8')).toBe('# session\n');
    },
    malformed: { input: { repo: '/r', id: 'abc', strategy: 'octopus' }, names: 'strategy' },
  },
  'sessions.open': {
    valid: async () => {
      const id = await oneSession();
      // Only a missing program can be checked here without starting one (tests/core/session-actions.test.ts starts a real stand-in).
      await ok('settings.change', { repo: repo.root, scope: 'repository', set: { openEditor: ['/nonexistent/council-editor', '{path}'] } });
      expect(await call('sessions.open', { repo: repo.root, id, target: 'editor' })).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringContaining('openEditor') } });
    },
    malformed: { input: { repo: '/r', id: 'abc', target: 'browser' }, names: 'target' },
  },
  'sessions.landing': {
    valid: async () => {
      const id = await oneSession();
      const s = (await ok<{ session: { worktreePath: string } }[]>('sessions.list', { repo: repo.root }))[0]!.session;
      writeIn(s.worktreePath, 'src/a.ts', 'export const a = 2;\n');
      await ok('sessions.commit', { repo: repo.root, id, message: 'change a' });
      const landing = await ok<{ commits: { subject: string }[]; files: { path: string }[]; defaultMessages: { merge: string } }>('sessions.landing', { repo: repo.root, id });
      expect(landing.commits.map((c) => c.subject)).toEqual(['change a']);
      expect(landing.files.map((f) => f.path)).toEqual(['src/a.ts']);
      expect(landing.defaultMessages.merge).toContain(`Merge session ${id}: contract`);
    },
    malformed: { input: { repo: '/r' }, names: 'id' },
  },
  'sessions.commit': {
    valid: async () => {
      const id = await oneSession();
      const s = (await ok<{ session: { worktreePath: string } }[]>('sessions.list', { repo: repo.root }))[0]!.session;
      expect(await ok('sessions.commit', { repo: repo.root, id, message: 'nothing yet' })).toEqual({ id, commit: null, files: 0 });
      writeIn(s.worktreePath, 'src/new.ts', 'export const n = 1;\n');
      const done = await ok<{ commit: string; files: number }>('sessions.commit', { repo: repo.root, id, message: 'add new' });
      expect(done.files).toBe(1);
      expect(gitSync(s.worktreePath, 'log', '-1', '--format=%H %s')).toBe(`${done.commit} add new`);
    },
    malformed: { input: { repo: '/r', id: 'abc', message: '' }, names: 'message' },
  },
  'sessions.cleanup': {
    valid: async () => {
      const idle = await oneSession();
      const s = (await ok<{ session: { id: string; worktreePath: string } }[]>('sessions.list', { repo: repo.root }))[0]!.session;
      const [busy] = await ok<{ id: string; worktreePath: string }[]>('sessions.create', { repo: repo.root, task: 'has work' });
      writeIn(busy!.worktreePath, 'src/work.ts', 'work\n');
      const result = await ok<{ removed: string[]; kept: { id: string; reason: string }[] }>('sessions.cleanup', { repo: repo.root, olderThanMs: 0 });
      expect(result.removed).toEqual([idle]);
      expect(result.kept).toEqual([{ id: busy!.id, reason: expect.stringContaining('uncommitted') }]);
      expect(existsSync(s.worktreePath)).toBe(false);
    },
    malformed: { input: { repo: '/r', olderThanMs: -1 }, names: 'olderThanMs' },
  },
  'sessions.reconcile': {
    valid: async () => {
      const id = await oneSession();
      const s = (await ok<{ session: { worktreePath: string } }[]>('sessions.list', { repo: repo.root }))[0]!.session;
      gitSync(repo.root, 'worktree', 'remove', '--force', s.worktreePath);
      const report = await ok<Record<string, string[]>>('sessions.reconcile', { repo: repo.root });
      expect(Object.values(report).flat()).toContain(id);
      expect(existsSync(s.worktreePath)).toBe(true);
    },
    malformed: { input: { repo: '/r', dryRun: true }, names: 'unknown field dryRun' },
  },
  'sessions.launch': {
    valid: async () => {
      const made = await ok<{ sessions: { id: string; agent: string | null }[]; setupFailures: Record<string, string>; results: null }>('sessions.launch', { repo: repo.root, task: 'launched', count: 2 });
      expect(made.sessions).toHaveLength(2);
      expect(made).toMatchObject({ setupFailures: {}, results: null });
      await useScript(await core.council(repo.root), 'claude', claudeWrites('waited.txt'));
      const waited = await ok<{ sessions: { id: string; worktreePath: string }[]; results: { state: string; filesChanged: string[] }[] }>('sessions.launch', { repo: repo.root, task: 'waited', agent: 'claude', run: 'wait' });
      expect(waited.results).toEqual([expect.objectContaining({ state: 'done', filesChanged: ['waited.txt'] })]);
      expect(existsSync(path.join(waited.sessions[0]!.worktreePath, 'waited.txt'))).toBe(true);
      expect(await call('sessions.launch', { repo: repo.root, task: 'x', run: 'wait' })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('needs an agent') } });
      expect(await call('sessions.launch', { repo: repo.root, task: 'x', agent: 'claude', run: 'here', count: 2 })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('one per terminal') } });
      // An agent named "" is no preset, not "no agent": refused, and nothing is made (found by the fuzz at 1,000 runs).
      const before = (await ok<unknown[]>('sessions.list', { repo: repo.root })).length;
      expect(await call('sessions.launch', { repo: repo.root, task: 'x', agent: '' })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('no agent preset given') } });
      expect(await ok<unknown[]>('sessions.list', { repo: repo.root })).toHaveLength(before);
    },
    malformed: { input: { repo: '/r', task: 'x', run: 'later' }, names: 'run' },
  },
  'context.show': {
    valid: async () => {
      const a = await oneSession();
      const b = await oneSession();
      expect((await ok<{ sessionId: string }[]>('context.show', { repo: repo.root })).map((c) => c.sessionId).sort()).toEqual([a, b].sort());
      expect(await ok('context.show', { repo: repo.root, id: a })).toEqual([expect.objectContaining({ sessionId: a, task: 'contract' })]);
    },
    malformed: { input: { repo: '/r', id: 5 }, names: 'id' },
  },
  'context.blocked': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('context.blocked', { repo: repo.root, id, reason: 'waiting for review', on: 'src/a.ts' })).toMatchObject({ status: 'blocked', blockedReason: 'waiting for review', blockedOn: 'src/a.ts' });
    },
    malformed: { input: { repo: '/r', id: 'abc', reason: '' }, names: 'reason' },
  },
  'status.get': {
    valid: async () => {
      const id = await oneSession();
      await ok('context.update', { repo: repo.root, id, status: 'working' });
      expect(await ok('status.get', { repo: repo.root })).toMatchObject({
        summary: { total: 1, byStatus: { working: 1 } },
        sharedFiles: [],
        predictedConflicts: { pairs: 0, withBase: 0, files: 0, sessions: 0, sessionsWithBase: 0 },
        sessions: [expect.objectContaining({ sessionId: id, status: 'working' })],
      });
    },
    malformed: { input: { repo: 7 }, names: 'repo' },
  },
  'context.update': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('context.update', { repo: repo.root, id, status: 'done', message: 'merged by hand' })).toMatchObject({ status: 'done', message: 'merged by hand' });
    },
    malformed: { input: { repo: '/r', id: 'abc', status: 'sleeping' }, names: 'status' },
  },
  'agent.log': {
    valid: async () => {
      await useScript(await core.council(repo.root), 'claude', claudeWrites('logged.txt'));
      const id = await oneSession();
      expect(await call('agent.log', { repo: repo.root, id })).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringContaining('has no agent run yet') } });
      const manager = await core.agents(repo.root);
      await manager.start(id, { preset: 'claude', mode: 'headless' });
      await manager.waitForEnd(id);
      const all = await ok<{ run: { state: string }; log: string; size: number }>('agent.log', { repo: repo.root, id });
      expect(all.run.state).toBe('done');
      expect(all.log).toContain('Write logged.txt');
      expect(all.size).toBe(Buffer.byteLength(all.log));
      expect(await ok('agent.log', { repo: repo.root, id, offset: all.size })).toMatchObject({ log: '', size: all.size });
    },
    malformed: { input: { repo: '/r', id: 'abc', offset: -1 }, names: 'offset' },
  },
  'agents.list': {
    valid: async () => {
      const presets = await ok<{ id: string; available: boolean; problem: string | null }[]>('agents.list', { repo: repo.root });
      expect(presets.map((p) => p.id)).toEqual([...AGENT_PRESET_IDS]);
      // The custom preset has no template yet: unavailable, saying how to fix it.
      expect(presets.find((p) => p.id === 'custom')).toMatchObject({ available: false, problem: expect.stringContaining('no command template is set') });
    },
    malformed: { input: { repo: '/r', verbose: true }, names: 'unknown field verbose' },
  },
  'agent.start': {
    valid: async () => {
      const id = await oneSession();
      await useScript(await core.council(repo.root), 'claude', claudeWrites('started.txt'));
      expect(await ok('agent.start', { repo: repo.root, id, preset: 'claude', mode: 'headless' })).toMatchObject({ sessionId: id, preset: 'claude', mode: 'headless', state: 'running' });
      const manager = await core.agents(repo.root);
      await waitFor(() => manager.runs(id)[0]?.state === 'done');
      expect(readFileSync(path.join(manager.council.session(id).worktreePath, 'started.txt'), 'utf8')).toBe('x\n');
      expect(await call('agent.start', { repo: repo.root, id: 'ffffff', preset: 'claude' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    },
    malformed: { input: { repo: '/r', id: 'abc', preset: 'vim' }, names: 'preset' },
  },
  'agent.stop': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('agent.stop', { repo: repo.root, id })).toBeNull();
      await useScript(await core.council(repo.root), 'claude', [{ sleep: 60_000 }]);
      await ok('agent.start', { repo: repo.root, id, preset: 'claude', mode: 'headless' });
      expect(await ok('agent.stop', { repo: repo.root, id })).toMatchObject({ state: 'stopped', reason: 'stopped by the user' });
    },
    malformed: { input: { repo: '/r' }, names: 'id' },
  },
  'agent.input': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('agent.input', { repo: repo.root, id, data: 'hello\r' })).toEqual({ written: false });
      await useScript(await core.council(repo.root), 'claude', [{ echoStdin: true }]);
      await ok('agent.start', { repo: repo.root, id, preset: 'claude', mode: 'interactive' });
      await ok('agent.attach', { repo: repo.root, id });
      expect(await ok('agent.input', { repo: repo.root, id, data: 'hello\r' })).toEqual({ written: true });
      await waitFor(() => received.some((e) => e.event === 'agent.output' && (e.payload as { data: string }).data.includes('echo: hello')));
    },
    malformed: { input: { repo: '/r', id: 'abc', data: 7 }, names: 'data' },
  },
  'agent.followUp': {
    valid: async () => {
      const id = await oneSession();
      expect(await call('agent.followUp', { repo: repo.root, id, text: 'and add tests' })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('has no agent yet') } });
      await useScript(await core.council(repo.root), 'claude', [{ echoStdin: true }]);
      await ok('agent.start', { repo: repo.root, id, preset: 'claude', mode: 'interactive' });
      await ok('agent.attach', { repo: repo.root, id });
      expect(await ok('agent.followUp', { repo: repo.root, id, text: 'and add tests' })).toMatchObject({ delivered: 'terminal', run: { mode: 'interactive' } });
      // typed, then submitted: the agent reads it as one line
      await waitFor(() => received.some((e) => e.event === 'agent.output' && (e.payload as { data: string }).data.includes('echo: and add tests')));
    },
    malformed: { input: { repo: '/r', id: 'abc', text: 'x', start: { mode: 'sideways' } }, names: 'start' },
  },
  'shell.start': {
    valid: async () => {
      const id = await oneSession();
      const shell = await ok<{ pid: number; cwd: string; program: string }>('shell.start', { repo: repo.root, id, cols: 100, rows: 30 });
      const session = (await core.council(repo.root)).session(id);
      expect(shell).toMatchObject({ cwd: session.worktreePath, program: expect.stringMatching(/sh$/) });
      // one per session: asked again, the same one
      expect(await ok('shell.start', { repo: repo.root, id })).toMatchObject({ pid: shell.pid });
      expect(await ok('shell.stop', { repo: repo.root, id })).toEqual({ stopped: true });
    },
    malformed: { input: { repo: '/r', id: 'abc', cols: 1 }, names: 'cols' },
  },
  'shell.input': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('shell.input', { repo: repo.root, id, data: 'pwd\r' })).toEqual({ written: false });
      await ok('shell.start', { repo: repo.root, id });
      await ok('shell.attach', { repo: repo.root, id });
      expect(await ok('shell.input', { repo: repo.root, id, data: 'echo "$COUNCIL_SESSION_ID-$PWD"\r' })).toEqual({ written: true });
      const session = (await core.council(repo.root)).session(id);
      await waitFor(() => received.some((e) => e.event === 'shell.output' && (e.payload as { data: string }).data.includes(`${id}-${session.worktreePath}`)));
      await ok('shell.stop', { repo: repo.root, id });
    },
    malformed: { input: { repo: '/r', id: 'abc', data: 7 }, names: 'data' },
  },
  'shell.resize': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('shell.resize', { repo: repo.root, id, cols: 100, rows: 30 })).toEqual({ resized: false });
      await ok('shell.start', { repo: repo.root, id });
      expect(await ok('shell.resize', { repo: repo.root, id, cols: 90, rows: 20 })).toEqual({ resized: true });
      await ok('shell.stop', { repo: repo.root, id });
    },
    malformed: { input: { repo: '/r', id: 'abc', cols: 100, rows: 0 }, names: 'rows' },
  },
  'shell.stop': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('shell.stop', { repo: repo.root, id })).toEqual({ stopped: false });
      const { pid } = await ok<{ pid: number }>('shell.start', { repo: repo.root, id });
      await ok('shell.attach', { repo: repo.root, id });
      expect(await ok('shell.stop', { repo: repo.root, id })).toEqual({ stopped: true });
      expect(() => process.kill(pid, 0)).toThrow();
      await waitFor(() => received.some((e) => e.event === 'shell.exited'));
    },
    malformed: { input: { repo: '/r' }, names: 'id' },
  },
  'shell.attach': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('shell.attach', { repo: repo.root, id })).toEqual({ shell: null, seq: 0, data: '', truncated: false });
      await ok('shell.start', { repo: repo.root, id });
      await ok('shell.input', { repo: repo.root, id, data: 'echo attach-$((6*7))\r' });
      const end = Date.now() + 5000;
      let data = '';
      while (!data.includes('attach-42') && Date.now() < end) {
        data = (await ok<{ data: string }>('shell.attach', { repo: repo.root, id })).data;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(data).toContain('attach-42');
      await ok('shell.stop', { repo: repo.root, id });
    },
    malformed: { input: { repo: '/r', id: 5 }, names: 'id' },
  },
  'shell.detach': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('shell.detach', { repo: repo.root, id })).toEqual({ stopped: false });
      await ok('shell.start', { repo: repo.root, id });
      await ok('shell.attach', { repo: repo.root, id });
      expect(await ok('shell.detach', { repo: repo.root, id })).toEqual({ stopped: true });
      await ok('shell.stop', { repo: repo.root, id });
    },
    malformed: { input: { repo: '/r', id: null }, names: 'id' },
  },
  'agent.resize': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('agent.resize', { repo: repo.root, id, cols: 100, rows: 30 })).toEqual({ resized: false });
      await useScript(await core.council(repo.root), 'claude', [{ sleep: 60_000 }]);
      await ok('agent.start', { repo: repo.root, id, preset: 'claude', mode: 'interactive' });
      expect(await ok('agent.resize', { repo: repo.root, id, cols: 100, rows: 30 })).toEqual({ resized: true });
    },
    malformed: { input: { repo: '/r', id: 'abc', cols: 1, rows: 10 }, names: 'cols' },
  },
  'agent.attach': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('agent.attach', { repo: repo.root, id })).toEqual({ run: null, seq: 0, data: '', truncated: false });
      await useScript(await core.council(repo.root), 'claude', [{ print: 'first\n' }, { sleep: 300 }, { print: 'second\n' }, { sleep: 60_000 }]);
      await ok('agent.start', { repo: repo.root, id, preset: 'claude', mode: 'interactive' });
      await waitFor(() => received.some((e) => e.event === 'agent.output' && (e.payload as { data: string }).data.includes('second')));
      const output = received.filter((e) => e.event === 'agent.output').map((e) => e.payload as { sessionId: string; seq: number; data: string });
      expect(output.every((o) => o.sessionId === id)).toBe(true);
      expect(output.map((o) => o.seq)).toEqual(output.map((_o, i) => i + 1));
      const again = await ok<{ seq: number; data: string }>('agent.attach', { repo: repo.root, id });
      expect(again.data).toContain('first');
      expect(again.seq).toBe(output.at(-1)!.seq);
    },
    malformed: { input: { repo: '/r', id: 'abc', since: 3 }, names: 'unknown field since' },
  },
  'agent.detach': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('agent.detach', { repo: repo.root, id })).toEqual({ stopped: false });
      await ok('agent.attach', { repo: repo.root, id });
      expect(await ok('agent.detach', { repo: repo.root, id })).toEqual({ stopped: true });
    },
    malformed: { input: { repo: '/r', id: '' }, names: 'id' },
  },
  'agent.runs': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('agent.runs', { repo: repo.root, id })).toEqual([]);
      await useScript(await core.council(repo.root), 'claude', claudeWrites('r.txt'));
      await ok('agent.start', { repo: repo.root, id, preset: 'claude', mode: 'headless' });
      const manager = await core.agents(repo.root);
      await waitFor(() => manager.runs(id)[0]?.state === 'done');
      expect(await ok('agent.runs', { repo: repo.root })).toEqual([expect.objectContaining({ sessionId: id, state: 'done', filesTouched: ['r.txt'] })]);
    },
    malformed: { input: { repo: '/r', id: 12 }, names: 'id' },
  },
  'agent.events': {
    valid: async () => {
      const id = await oneSession();
      await useScript(await core.council(repo.root), 'claude', claudeWrites('e.txt'));
      await ok('agent.start', { repo: repo.root, id, preset: 'claude', mode: 'headless' });
      const manager = await core.agents(repo.root);
      await waitFor(() => manager.runs(id)[0]?.state === 'done');
      const events = await ok<{ kind: string }[]>('agent.events', { repo: repo.root, id });
      expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['tool', 'file-changed', 'done']));
    },
    malformed: { input: { repo: '/r' }, names: 'id' },
  },
  'compare.sessions': {
    valid: async () => {
      const [a, b] = await ok<{ id: string; worktreePath: string }[]>('sessions.create', { repo: repo.root, task: 'best of two', count: 2 });
      writeIn(a!.worktreePath, 'src/a.ts', 'export const a = 10;\nexport const more = 1;\n');
      writeIn(b!.worktreePath, 'src/b.ts', 'export const b = 20;\n');
      await ok('settings.update', { repo: repo.root, checkCommand: 'test -f src/b.ts && grep -q 20 src/b.ts' });
      const rows = await ok<{ sessionId: string; filesChanged: number; insertions: number; deletions: number; files: string[]; check: { passed: boolean } | null }[]>('compare.sessions', { repo: repo.root, ids: [a!.id, b!.id], check: true });
      expect(rows).toEqual([
        expect.objectContaining({ sessionId: a!.id, filesChanged: 1, insertions: 2, deletions: 1, files: ['src/a.ts'], check: expect.objectContaining({ passed: false }) }),
        expect.objectContaining({ sessionId: b!.id, filesChanged: 1, insertions: 1, deletions: 1, files: ['src/b.ts'], check: expect.objectContaining({ passed: true, exitCode: 0 }) }),
      ]);
    },
    malformed: { input: { repo: '/r', ids: [] }, names: 'ids' },
  },
  'compare.pick': {
    valid: async () => {
      const [a, b] = await ok<{ id: string; worktreePath: string }[]>('sessions.create', { repo: repo.root, task: 'best of two', count: 2 });
      writeIn(b!.worktreePath, 'src/b.ts', 'export const b = 20;\n');
      const removed = await ok<{ id: string; archivedAs: string | null }[]>('compare.pick', { repo: repo.root, keep: a!.id, discard: [b!.id] });
      expect(removed).toEqual([expect.objectContaining({ id: b!.id, archivedAs: expect.stringMatching(/^refs\/council\/archive\//) })]);
      expect((await ok<{ session: { id: string } }[]>('sessions.list', { repo: repo.root })).map((c) => c.session.id)).toEqual([a!.id]);
      expect(await call('compare.pick', { repo: repo.root, keep: a!.id, discard: [a!.id] })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    },
    malformed: { input: { repo: '/r', keep: 'abc', discard: 'def' }, names: 'discard' },
  },
  'radar.get': {
    valid: async () => {
      const [a, b] = await ok<{ id: string; worktreePath: string }[]>('sessions.create', { repo: repo.root, task: 'collide', count: 2 });
      writeIn(a!.worktreePath, 'src/a.ts', 'export const a = "from a";\n');
      writeIn(b!.worktreePath, 'src/a.ts', 'export const a = "from b";\n');
      const radar = await ok<{ pairs: { a: string; b: string; conflicts: { path: string; kind: string }[] }[] }>('radar.get', { repo: repo.root });
      // Sessions made together may be registered in either order: the pair is oriented by it.
      const pair = radar.pairs.find((p) => [p.a, p.b].sort().join(' ') === [a!.id, b!.id].sort().join(' '));
      expect(pair?.conflicts).toEqual([expect.objectContaining({ path: 'src/a.ts', kind: 'content' })]);
    },
    malformed: { input: { repo: '/r', id: 'abc' }, names: 'unknown field id' },
  },
  'radar.fileDetail': {
    valid: async () => {
      const [a, b] = await ok<{ id: string; worktreePath: string }[]>('sessions.create', { repo: repo.root, task: 'collide closely', count: 2 });
      writeIn(a!.worktreePath, 'src/close.ts', 'export const close = "from a";\n');
      writeIn(b!.worktreePath, 'src/close.ts', 'export const close = "from b";\n');
      const detail = await ok<{ kind: string; hunks: { a: string[]; b: string[] }[] }>('radar.fileDetail', { repo: repo.root, path: 'src/close.ts', a: a!.id, b: b!.id });
      expect(detail).toMatchObject({ kind: 'add/add', hunks: [{ a: ['export const close = "from a";'], b: ['export const close = "from b";'] }] });
      expect(await call('radar.fileDetail', { repo: repo.root, path: 'README.md', a: a!.id, b: b!.id })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    },
    malformed: { input: { repo: '/r', path: 'a.ts', a: 'abc' }, names: 'b' },
  },
  'queue.list': {
    valid: async () => expect(await ok('queue.list', { repo: repo.root })).toEqual([]),
    malformed: { input: {}, names: 'repo' },
  },
  'queue.enqueue': {
    valid: async () => {
      const [s] = await ok<{ id: string; worktreePath: string }[]>('sessions.create', { repo: repo.root, task: 'merge me' });
      writeIn(s!.worktreePath, 'src/merged.ts', 'export const merged = true;\n');
      const entry = await ok<{ id: string; state: string; strategy: string }>('queue.enqueue', { repo: repo.root, id: s!.id, strategy: 'squash' });
      expect(entry).toMatchObject({ state: 'queued', strategy: 'squash' });
      await waitFor(() => readQueue().some((e) => e.id === entry.id && e.state === 'merged'), 20_000);
      expect(gitShow('main:src/merged.ts')).toBe('export const merged = true;');
      expect(await call('queue.enqueue', { repo: repo.root, id: 'ffffff' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    },
    malformed: { input: { repo: '/r', id: 'abc', strategy: 'octopus' }, names: 'strategy' },
  },
  'queue.merge': {
    valid: async () => {
      const [s] = await ok<{ id: string; worktreePath: string }[]>('sessions.create', { repo: repo.root, task: 'merge now' });
      writeIn(s!.worktreePath, 'src/now.ts', 'export const now = true;');
      const lines: string[] = [];
      const merged = await dispatch('queue.merge', { repo: repo.root, id: s!.id, gate: null, wait: true }, core.handlers, { ...client, progress: (text) => lines.push(text) });
      expect(merged).toMatchObject({ ok: true, value: { entry: { sessionId: s!.id, state: 'merged' }, baseBranch: 'main', place: null, runner: null } });
      expect(gitShow('main:src/now.ts')).toBe('export const now = true;');
      expect(lines.join('')).toContain('merged');
      // Parked: a conflict naming why.
      gateFlag = path.join(tempDir(), 'never');
      const [t] = await ok<{ id: string; worktreePath: string }[]>('sessions.create', { repo: repo.root, task: 'gated now' });
      writeIn(t!.worktreePath, 'src/gated.ts', 'x\n');
      expect(await call('queue.merge', { repo: repo.root, id: t!.id, gate: 'exit 3', wait: true })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('is parked') } });
    },
    malformed: { input: { repo: '/r', id: 'abc', wait: 'yes' }, names: 'wait' },
  },
  'queue.remove': {
    valid: async () => {
      const entry = await parkedEntry();
      expect(await ok('queue.remove', { repo: repo.root, entry: entry.id })).toEqual({ removed: true, entry: expect.objectContaining({ id: entry.id, state: 'parked' }) });
      expect(await ok('queue.list', { repo: repo.root })).toEqual([]);
    },
    malformed: { input: { repo: '/r', entry: 'xyz' }, names: 'entry' },
  },
  'queue.retry': {
    valid: async () => {
      const entry = await parkedEntry();
      // What the gate wanted is there now: the retry merges.
      writeFileSync(gateFlag, 'ok');
      const retried = await ok<{ state: string; attempts: number }>('queue.retry', { repo: repo.root, entry: entry.id });
      expect(retried).toMatchObject({ state: 'queued', attempts: 2, place: 0 });
      await waitFor(() => readQueue().some((e) => e.id === entry.id && e.state === 'merged'), 20_000);
    },
    malformed: { input: { repo: '/r' }, names: 'entry' },
  },
  'queue.move': {
    valid: async () => {
      // Nothing waits: moving a parked entry is refused with a reason.
      const entry = await parkedEntry();
      expect(await call('queue.move', { repo: repo.root, entry: entry.id, index: 0 })).toMatchObject({ ok: false });
    },
    malformed: { input: { repo: '/r', entry: 'abcdef12', index: -1 }, names: 'index' },
  },
  'queue.resolve': {
    valid: async () => {
      const entry = await conflictParkedEntry();
      await useScript(await core.council(repo.root), 'claude', [{ printArgv: true }]);
      const run = await ok<{ task: string; preset: string }>('queue.resolve', { repo: repo.root, entry: entry.id });
      expect(run.preset).toBe('claude');
      expect(run.task).toContain('git merge main');
    },
    malformed: { input: { repo: '/r', entry: 7 }, names: 'entry' },
  },
  'queue.gateLog': {
    valid: async () => {
      const entry = await parkedEntry();
      expect(await ok('queue.gateLog', { repo: repo.root, entry: entry.id })).toEqual({ entry: entry.id, log: expect.stringContaining('gate says no'), truncated: false });
    },
    malformed: { input: { repo: '/r', entry: 'abcdef12', tail: 1 }, names: 'unknown field tail' },
  },
  'locks.list': {
    valid: async () => {
      const id = await oneSession();
      const council = await core.council(repo.root);
      await council.locks.acquire('README.md', id, { cwd: repo.root });
      expect(await ok('locks.list', { repo: repo.root })).toEqual([{ path: 'README.md', sessionId: id, acquiredAt: expect.any(String) }]);
    },
    malformed: { input: { repo: ['/r'] }, names: 'repo' },
  },
  'locks.acquire': {
    valid: async () => {
      const [a, b] = await ok<{ id: string; worktreePath: string }[]>('sessions.create', { repo: repo.root, task: 'locks', count: 2 });
      // A relative path is relative to the main checkout unless a cwd says otherwise.
      expect(await ok('locks.acquire', { repo: repo.root, id: a!.id, path: 'README.md' })).toEqual({ path: 'README.md', sessionId: a!.id, acquiredAt: expect.any(String) });
      expect(await ok('locks.acquire', { repo: repo.root, id: a!.id.slice(0, 4), path: 'a.ts', cwd: path.join(a!.worktreePath, 'src') })).toMatchObject({ path: 'src/a.ts', sessionId: a!.id });
      expect(await call('locks.acquire', { repo: repo.root, id: b!.id, path: 'README.md' })).toMatchObject({
        ok: false,
        error: { code: 'lock-busy', details: { owner: a!.id, path: 'README.md' } },
      });
      expect(await call('locks.acquire', { repo: repo.root, id: b!.id, path: '../outside.txt' })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('outside the repository') } });
    },
    malformed: { input: { repo: '/r', id: 'abc', path: 'x', timeoutMs: -1 }, names: 'timeoutMs' },
  },
  'locks.release': {
    valid: async () => {
      const [a, b] = await ok<{ id: string }[]>('sessions.create', { repo: repo.root, task: 'locks', count: 2 });
      await ok('locks.acquire', { repo: repo.root, id: a!.id, path: 'README.md' });
      expect(await call('locks.release', { repo: repo.root, id: b!.id, path: 'README.md' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect(await ok('locks.release', { repo: repo.root, id: a!.id, path: 'README.md' })).toEqual({ released: true, path: 'README.md' });
      expect(await ok('locks.release', { repo: repo.root, id: a!.id, path: 'README.md' })).toEqual({ released: false, path: 'README.md' });
    },
    malformed: { input: { repo: '/r', id: 'abc' }, names: 'path' },
  },
  'locks.releaseAll': {
    valid: async () => {
      const id = await oneSession();
      await ok('locks.acquire', { repo: repo.root, id, path: 'src/a.ts' });
      await ok('locks.acquire', { repo: repo.root, id, path: 'README.md' });
      expect(await ok('locks.releaseAll', { repo: repo.root, id: id.slice(0, 5) })).toEqual(['README.md', 'src/a.ts']);
      expect(await ok('locks.list', { repo: repo.root })).toEqual([]);
      expect(await call('locks.releaseAll', { repo: repo.root, id: 'ffffff' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    },
    malformed: { input: { repo: '/r', id: '' }, names: 'id' },
  },
  'locks.who': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('locks.who', { repo: repo.root, path: 'README.md' })).toBeNull();
      await ok('locks.acquire', { repo: repo.root, id, path: 'README.md' });
      expect(await ok('locks.who', { repo: repo.root, path: 'README.md' })).toEqual({ path: 'README.md', sessionId: id, acquiredAt: expect.any(String) });
    },
    malformed: { input: { repo: '/r', path: 'x', id: 'abc' }, names: 'unknown field id' },
  },
  'council.peers': {
    valid: async () => {
      const a = await oneSession();
      const b = await oneSession();
      await ok('locks.acquire', { repo: repo.root, id: b, path: 'README.md' });
      await ok('context.update', { repo: repo.root, id: b, status: 'working', currentFile: 'README.md', progress: '1/2' });
      const view = await ok<{ self: { sessionId: string }; peers: unknown[]; radar: unknown }>('council.peers', { repo: repo.root, id: a });
      expect(view.self.sessionId).toBe(a);
      expect(view.peers).toEqual([expect.objectContaining({ sessionId: b, task: 'contract', status: 'working', currentFile: 'README.md', progress: '1/2', filesLocked: ['README.md'], filesChanged: null })]);
      expect(view.radar).toBeNull(); // nobody computed the radar yet
      expect(await call('council.peers', { repo: repo.root, id: 'ffffff' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    },
    malformed: { input: { repo: '/r' }, names: 'id' },
  },
  'digest.set': {
    valid: async () => {
      const a = await oneSession();
      expect(await ok('digest.set', { repo: repo.root, id: a })).toEqual({ sessionId: a, enabled: true });
      expect(await ok('digest.set', { repo: repo.root, id: a, enabled: false })).toEqual({ sessionId: a, enabled: false });
      expect(await ok('digest.set', { repo: repo.root, id: a })).toEqual({ sessionId: a, enabled: false });
      expect(await ok('digest.set', { repo: repo.root, id: a, enabled: true })).toEqual({ sessionId: a, enabled: true });
      expect(await call('digest.set', { repo: repo.root, id: 'ffffff', enabled: false })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    },
    malformed: { input: { repo: '/r', id: 'a', enabled: 'no' }, names: 'enabled' },
  },
  // Hosts (issue 17): here their answers without a reachable host (an ssh config whose every
  // host is a closed port on 127.0.0.1); tests/hosts/ runs them against a real OpenSSH server.
  'host.list': {
    valid: async () => expect(await ok('host.list', {})).toEqual({ hosts: [], file: path.join(process.env.HOME!, '.config', 'cli-council', 'hosts.json') }),
    malformed: { input: { all: true }, names: 'unknown field all' },
  },
  'host.check': {
    valid: async () =>
      withClosedSsh(async () => {
        expect(await call('host.check', { name: 'build-box' })).toMatchObject({
          ok: false,
          error: { code: 'command-failed', message: expect.stringContaining('build-box refused the connection'), details: { host: 'build-box', problem: 'refused' } },
        });
      }),
    malformed: { input: { name: '-oProxyCommand=touch /tmp/pwned' }, names: 'name' },
  },
  'host.add': {
    valid: async () =>
      withClosedSsh(async () => {
        expect(await call('host.add', { name: 'me@build-box' })).toMatchObject({ ok: false, error: { code: 'command-failed', message: expect.stringContaining('me@build-box refused the connection') } });
        expect(await ok('host.list', {})).toMatchObject({ hosts: [] });
      }),
    malformed: { input: { name: '' }, names: 'name' },
  },
  'host.remove': {
    valid: async () => {
      expect(await call('host.remove', { name: 'build-box' })).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringContaining('no host named build-box is kept') } });
    },
    malformed: { input: { name: 'build-box', forget: 'yes' }, names: 'forget' },
  },
  'council.conflicts': {
    valid: async () => {
      const a = await oneSession();
      const b = await oneSession();
      const wt = async (id: string) => (await ok<{ session: { worktreePath: string } }>('sessions.show', { repo: repo.root, id })).session.worktreePath;
      writeIn(await wt(a), 'README.md', 'from a\n');
      writeIn(await wt(b), 'README.md', 'from b\n');
      const answer = await ok<{ conflicts: { with: string; files: { path: string; kind: string; theirChange: string }[] }[]; details: { path: string; hunks: { a: string[]; b: string[] }[] }[] }>('council.conflicts', { repo: repo.root, id: a });
      expect(answer.conflicts).toContainEqual(expect.objectContaining({ with: b, files: [expect.objectContaining({ path: 'README.md', kind: 'content', theirChange: 'modified' })] }));
      expect(answer.details[0]).toMatchObject({ path: 'README.md', hunks: [expect.objectContaining({ a: ['from a'], b: ['from b'] })] });
      // Stored for the fast peers view too.
      expect(await ok('council.peers', { repo: repo.root, id: b })).toMatchObject({ conflicts: [expect.objectContaining({ with: a })], radar: { base: { branch: 'main' } } });
    },
    malformed: { input: { repo: '/r', id: 'a', detail: true }, names: 'unknown field detail' },
  },
  'council.claim': {
    valid: async () => {
      const a = await oneSession();
      const b = await oneSession();
      expect(await ok('council.claim', { repo: repo.root, id: a, paths: ['README.md', 'src/x.ts'] })).toEqual({ claimed: [expect.objectContaining({ path: 'README.md', sessionId: a }), expect.objectContaining({ path: 'src/x.ts', sessionId: a })] });
      const refused = await call('council.claim', { repo: repo.root, id: b, paths: ['src/free.ts', 'README.md'] });
      expect(refused).toMatchObject({ ok: false, error: { code: 'lock-busy', message: `README.md is being edited by session ${a} (contract); work on another file or wait${holderLine(a)}` } });
      // All or none: the free file it took was given back.
      expect(await ok('locks.who', { repo: repo.root, path: 'src/free.ts' })).toBeNull();
    },
    malformed: { input: { repo: '/r', id: 'abc', paths: [] }, names: 'paths' },
  },
  'council.send': {
    valid: async () => {
      const a = await oneSession();
      const b = await oneSession();
      const sent = await ok<{ message: { from: string; to: string }; deliveries: { sessionId: string; delivered: string }[] }>('council.send', { repo: repo.root, from: a, to: b, text: 'I take README.md' });
      expect(sent.message).toMatchObject({ from: a, to: b, text: 'I take README.md' });
      expect(sent.deliveries).toEqual([expect.objectContaining({ sessionId: b, delivered: 'queued' })]);
      expect(await ok('council.send', { repo: repo.root, from: a, to: 'supervisor', text: 'need a decision' })).toMatchObject({ deliveries: [{ sessionId: 'supervisor', delivered: 'logged' }] });
      expect(await call('council.send', { repo: repo.root, from: a, to: a, text: 'hi me' })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('cannot send a message to itself') } });
      expect(await call('council.send', { repo: repo.root, from: a, to: 'nobody', text: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    },
    malformed: { input: { repo: '/r', to: 'all', text: '' }, names: 'text' },
  },
  'council.inbox': {
    valid: async () => {
      const a = await oneSession();
      const b = await oneSession();
      await ok('council.send', { repo: repo.root, from: a, to: b, text: 'ping from a' });
      const first = await ok<{ messages: { text: string; state: string }[]; unread: number }>('council.inbox', { repo: repo.root, id: b });
      expect(first.unread).toBe(1);
      expect(first.messages).toEqual([expect.objectContaining({ text: expect.stringContaining('ping from a'), state: 'read' })]);
      expect(first.messages[0]!.text).toContain(`Message from session ${a}`);
      expect(await ok('council.inbox', { repo: repo.root, id: b })).toMatchObject({ unread: 0 });
    },
    malformed: { input: { repo: '/r', id: 'abc', peek: 'yes' }, names: 'peek' },
  },
  'council.messages': {
    valid: async () => {
      const a = await oneSession();
      const b = await oneSession();
      await ok('council.send', { repo: repo.root, from: a, to: b, text: 'one' });
      await ok('council.send', { repo: repo.root, to: a, text: 'two' });
      expect(await ok('council.messages', { repo: repo.root })).toEqual([expect.objectContaining({ from: a, to: b, text: 'one' }), expect.objectContaining({ from: 'supervisor', to: a, text: 'two' })]);
      expect(await ok('council.messages', { repo: repo.root, id: b })).toEqual([expect.objectContaining({ text: 'one' })]);
      // Each delivery as it stands now: b's agent read "one" from its inbox since it was sent.
      expect((await ok<{ deliveries: { delivered: string }[] }[]>('council.messages', { repo: repo.root, id: b }))[0]!.deliveries).toEqual([expect.objectContaining({ sessionId: b, delivered: 'queued' })]);
      await ok('council.inbox', { repo: repo.root, id: b });
      expect((await ok<{ deliveries: { delivered: string }[] }[]>('council.messages', { repo: repo.root, id: b }))[0]!.deliveries).toEqual([expect.objectContaining({ sessionId: b, delivered: 'read', note: expect.stringContaining('read by its agent') })]);
      // One session, from the supervisor, refusing what no agent can take: refused, and nothing kept.
      expect(await call('council.send', { repo: repo.root, to: a, text: 'three', unsent: 'refuse' })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('has no agent yet') } });
      expect((await ok<{ text: string }[]>('council.messages', { repo: repo.root })).map((m) => m.text)).toEqual(['one', 'two']);
      expect(await call('council.send', { repo: repo.root, to: 'all', text: 'x', unsent: 'refuse' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    },
    malformed: { input: { repo: '/r', limit: 0 }, names: 'limit' },
  },
  'council.read': {
    valid: async () => {
      const a = await oneSession();
      const b = await oneSession();
      await ok('council.send', { repo: repo.root, from: a, to: 'supervisor', text: 'from a' });
      await ok('council.send', { repo: repo.root, from: b, to: 'supervisor', text: 'from b' });
      const unread = async () => (await ok<{ to: string; readAt?: string }[]>('council.messages', { repo: repo.root })).filter((m) => m.to === 'supervisor' && m.readAt === undefined).length;
      expect(await unread()).toBe(2);
      expect(await ok('council.read', { repo: repo.root, id: a })).toEqual({ read: 1 });
      expect(await unread()).toBe(1);
      expect(await ok('council.read', { repo: repo.root })).toEqual({ read: 1 });
      expect(await ok('council.read', { repo: repo.root })).toEqual({ read: 0 });
      expect(await unread()).toBe(0);
    },
    malformed: { input: { repo: '/r', id: 3 }, names: 'id' },
  },
  'council.merge': {
    valid: async () => {
      const a = await oneSession();
      expect(await ok('council.merge', { repo: repo.root, id: a })).toEqual({ entry: null, place: null, waiting: 0 });
    },
    malformed: { input: { repo: '/r', id: 7 }, names: 'id' },
  },
  'watch.repo': {
    valid: async () => {
      expect(await ok('watch.repo', { repo: repo.root })).toEqual({ watching: true });
      await new Promise((r) => setTimeout(r, 200));
      const id = await oneSession();
      await waitFor(() => received.some((e) => e.event === 'state.changed' && (e.payload as { kind: string }).kind === 'sessions'));
      expect(received.find((e) => e.event === 'state.changed')?.payload).toMatchObject({ repo: repo.root });
      expect(id).toMatch(/^[0-9a-f]{6}$/);
    },
    malformed: { input: { repo: '' }, names: 'repo' },
  },
  'watch.session': {
    valid: async () => {
      const id = await oneSession();
      const s = (await ok<{ session: { worktreePath: string } }[]>('sessions.list', { repo: repo.root }))[0]!.session;
      expect(await ok('watch.session', { repo: repo.root, id })).toEqual({ seq: 0, files: [] });
      await new Promise((r) => setTimeout(r, 200));
      writeIn(s.worktreePath, 'src/live.ts', 'live\n');
      await waitFor(() => received.some((e) => e.event === 'worktree.changed'));
      expect(received.find((e) => e.event === 'worktree.changed')?.payload).toEqual({ repo: repo.root, sessionId: id, seq: 1, paths: ['src/live.ts'], overflow: false });
    },
    malformed: { input: { repo: '/r', id: 5 }, names: 'id' },
  },
  'watch.stop': {
    valid: async () => {
      const id = await oneSession();
      await ok('watch.repo', { repo: repo.root });
      await ok('watch.session', { repo: repo.root, id });
      expect(await ok('watch.stop', { repo: repo.root })).toEqual({ stopped: true });
      expect(await ok('watch.stop', { repo: repo.root })).toEqual({ stopped: false });
    },
    malformed: { input: { repo: '/r', id: null }, names: 'id' },
  },
  'review.get': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('review.get', { repo: repo.root, id })).toMatchObject({ sessionId: id, status: 'none', comments: [], rounds: [], sinceSnapshot: null });
      expect(await call('review.get', { repo: repo.root, id: 'ffffff' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    },
    malformed: { input: { repo: '/r', id: '' }, names: 'id' },
  },
  'review.list': {
    valid: async () => {
      const id = await reviewedSession();
      expect(await ok('review.list', { repo: repo.root })).toEqual([{ sessionId: id, status: 'none', pending: 1, sent: 0 }]);
    },
    malformed: { input: { repo: 3 }, names: 'repo' },
  },
  'review.comment': {
    valid: async () => {
      const id = await oneSession();
      const wt = (await ok<{ session: { worktreePath: string } }>('sessions.show', { repo: repo.root, id })).session.worktreePath;
      writeIn(wt, 'src/r.ts', 'one\ntwo\nthree\n');
      const comment = await ok<{ id: string; quote: string[]; snapshot: string }>('review.comment', { repo: repo.root, id, path: 'src/r.ts', startLine: 2, endLine: 3, body: 'say more' });
      expect(comment).toMatchObject({ id: 'c1', path: 'src/r.ts', side: 'new', startLine: 2, endLine: 3, quote: ['two', 'three'], round: null });
      expect(gitSync(repo.root, 'rev-parse', `refs/council/review/${id}/${comment.snapshot}`)).toBe(comment.snapshot);
      expect(await call('review.comment', { repo: repo.root, id, path: 'src/r.ts', startLine: 4, body: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('it has 3 lines') } });
      expect(await call('review.comment', { repo: repo.root, id, path: 'src/none.ts', startLine: 1, body: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('not in session') } });
    },
    malformed: { input: { repo: '/r', id: 'abc', path: 'a', startLine: 0, body: 'x' }, names: 'startLine' },
  },
  'review.editComment': {
    valid: async () => {
      const id = await reviewedSession();
      expect(await ok('review.editComment', { repo: repo.root, id, commentId: 'c1', body: 'better words' })).toMatchObject({ id: 'c1', body: 'better words' });
      expect(await call('review.editComment', { repo: repo.root, id, commentId: 'c9', body: 'x' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    },
    malformed: { input: { repo: '/r', id: 'abc', commentId: 'one', body: 'x' }, names: 'commentId' },
  },
  'review.deleteComment': {
    valid: async () => {
      const id = await reviewedSession();
      expect(await ok('review.deleteComment', { repo: repo.root, id, commentId: 'c1' })).toEqual({ deleted: 'c1' });
      expect((await ok<{ comments: unknown[] }>('review.get', { repo: repo.root, id })).comments).toEqual([]);
    },
    malformed: { input: { repo: '/r', id: 'abc' }, names: 'commentId' },
  },
  'review.resolve': {
    valid: async () => {
      const id = await reviewedSession();
      expect(await call('review.resolve', { repo: repo.root, id, commentId: 'c1' })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('pending') } });
    },
    malformed: { input: { repo: '/r', id: 'abc', commentId: 'c1', resolved: 'yes' }, names: 'resolved' },
  },
  'review.requestChanges': {
    valid: async () => {
      const id = await reviewedSession();
      // No agent: refused, and the comment stays pending.
      expect(await call('review.requestChanges', { repo: repo.root, id })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('has no agent yet') } });
      expect((await ok<{ comments: { state: string }[] }>('review.get', { repo: repo.root, id })).comments.map((c) => c.state)).toEqual(['pending']);
      await useScript(await core.council(repo.root), 'claude', [{ echoStdin: true }]);
      await ok('agent.start', { repo: repo.root, id, preset: 'claude', mode: 'interactive' });
      await ok('agent.attach', { repo: repo.root, id });
      const sent = await ok<{ round: { n: number; commentIds: string[]; message: string }; delivered: string }>('review.requestChanges', { repo: repo.root, id, summary: 'Nearly there.' });
      expect(sent).toMatchObject({ delivered: 'terminal', round: { n: 1, commentIds: ['c1'] } });
      expect(sent.round.message).toContain('[1] src/r.ts:2');
      await waitFor(() => received.some((e) => e.event === 'agent.output' && (e.payload as { data: string }).data.includes('echo: Code review: changes requested')));
      expect(await ok('review.get', { repo: repo.root, id })).toMatchObject({ status: 'changes-requested', comments: [{ id: 'c1', state: 'sent', round: 1, outcome: 'open' }] });
    },
    malformed: { input: { repo: '/r', id: 'abc', summary: 5 }, names: 'summary' },
  },
  'review.approve': {
    valid: async () => {
      const id = await reviewedSession();
      const approved = await ok<{ review: { status: string; approval: { queueEntryId: string | null } }; entry: { id: string } | null }>('review.approve', { repo: repo.root, id, merge: true });
      expect(approved.review.status).toBe('approved');
      expect(approved.entry).not.toBeNull();
      expect(approved.review.approval.queueEntryId).toBe(approved.entry?.id);
      expect(readQueue().map((e) => e.id)).toContain(approved.entry?.id);
    },
    malformed: { input: { repo: '/r', id: 'abc', merge: 'now' }, names: 'merge' },
  },
};

describe('contract: every command through dispatch()', () => {
  it('covers every command of the contract', () => {
    expect(Object.keys(cases).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  for (const name of COMMAND_NAMES) {
    describe(name, () => {
      it('valid input', async () => {
        await cases[name].valid();
      });
      it('malformed input is invalid-input naming the problem, and changes nothing', async () => {
        const before = existsSync(path.join(repo.root, '.git', 'council', 'sessions.json'));
        const result = await call(name, cases[name].malformed.input);
        expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining(cases[name].malformed.names) } });
        expect(existsSync(path.join(repo.root, '.git', 'council', 'sessions.json'))).toBe(before);
      });
    });
  }

  it('an unknown command is refused', async () => {
    expect(await call('sessions.nuke', { repo: repo.root })).toEqual({
      ok: false,
      error: { code: 'invalid-input', message: 'unknown command "sessions.nuke"', details: { command: 'sessions.nuke' } },
    });
  });
});
