import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMAND_NAMES, type CommandName, type EventName, type EventPayload } from '../../shared/contract';
import { AppCore } from '../../electron/core/app/app-core';
import { dispatch } from '../../electron/core/dispatch';
import { makeRepo, tempDir, writeIn, type TestRepo } from '../helpers/repo';

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
    valid: async () => expect(await ok('settings.get', { repo: repo.root })).toEqual({ worktreeRoot: null, staleAfterMinutes: 30 }),
    malformed: { input: { repo: 42 }, names: 'repo: expected string' },
  },
  'settings.update': {
    valid: async () => {
      expect(await ok('settings.update', { repo: repo.root, staleAfterMinutes: 45 })).toEqual({ worktreeRoot: null, staleAfterMinutes: 45 });
      expect(await ok('settings.get', { repo: repo.root })).toEqual({ worktreeRoot: null, staleAfterMinutes: 45 });
    },
    malformed: { input: { repo: '/r', staleAfterMinutes: 0 }, names: 'staleAfterMinutes' },
  },
  'sessions.list': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('sessions.list', { repo: repo.root })).toEqual([
        { session: expect.objectContaining({ id, task: 'contract', state: 'ready' }), context: expect.objectContaining({ sessionId: id, status: 'waiting' }) },
      ]);
    },
    malformed: { input: {}, names: 'repo' },
  },
  'sessions.create': {
    valid: async () => {
      const created = await ok<unknown[]>('sessions.create', { repo: repo.root, task: 'two of them', agent: 'claude', count: 2 });
      expect(created).toHaveLength(2);
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
  'sessions.stats': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('sessions.stats', { repo: repo.root, id })).toEqual({ ahead: 0, behind: 0, filesChanged: 0, insertions: 0, deletions: 0, dirty: false });
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
  'context.update': {
    valid: async () => {
      const id = await oneSession();
      expect(await ok('context.update', { repo: repo.root, id, status: 'done', message: 'merged by hand' })).toMatchObject({ status: 'done', message: 'merged by hand' });
    },
    malformed: { input: { repo: '/r', id: 'abc', status: 'sleeping' }, names: 'status' },
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
