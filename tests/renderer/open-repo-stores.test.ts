/**
 * The seven stores of the open repository's data (sessions, locks, settings, agent runs, presets,
 * merge queue, conflict radar), each run as the renderer runs it: the real module, its `call`s
 * going to a stand-in for the preload's `window.api` that answers what the test says. Pins what
 * each loads, how it shapes the answer and how it words a failure, so that writing them on one
 * helper (lib/repo-store.ts) changes none of it.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/errors';
import type { Radar } from '../../shared/merge';

type Answer = (input: Record<string, unknown>) => Result<unknown> | Promise<Result<unknown>>;
const answers = new Map<string, Answer>();
const asked: { command: string; input: unknown }[] = [];
const fakeApi = {
  invoke: async (command: string, input: Record<string, unknown>) => {
    asked.push({ command, input });
    const answer = answers.get(command);
    if (!answer) throw new Error(`the test gave no answer for ${command}`);
    return answer(input);
  },
  on: () => () => undefined,
};

const ok = (value: unknown): Result<unknown> => ({ ok: true, value });
const fail = (message: string, code: 'git-failed' | 'invalid-input' = 'git-failed'): Result<unknown> => ({ ok: false, error: { code, message } });
const unknownCommand = (command: string) => fail(`unknown command "${command}"`, 'invalid-input');

let sessions: typeof import('../../renderer/src/app/stores/sessions-store');
let locks: typeof import('../../renderer/src/app/stores/locks-store');
let settings: typeof import('../../renderer/src/app/stores/settings-store');
let runs: typeof import('../../renderer/src/app/stores/runs-store');
let presets: typeof import('../../renderer/src/app/stores/presets-store');
let queue: typeof import('../../renderer/src/app/stores/queue-store');
let radar: typeof import('../../renderer/src/app/stores/radar-store');

beforeAll(async () => {
  (globalThis as { window?: unknown }).window = { api: fakeApi };
  sessions = await import('../../renderer/src/app/stores/sessions-store');
  locks = await import('../../renderer/src/app/stores/locks-store');
  settings = await import('../../renderer/src/app/stores/settings-store');
  runs = await import('../../renderer/src/app/stores/runs-store');
  presets = await import('../../renderer/src/app/stores/presets-store');
  queue = await import('../../renderer/src/app/stores/queue-store');
  radar = await import('../../renderer/src/app/stores/radar-store');
});

beforeEach(() => {
  answers.clear();
  asked.length = 0;
});

const card = (id: string, createdAt: string) => ({ session: { id, createdAt }, context: { status: 'working' } });
const run = (sessionId: string, id: string) => ({ id, sessionId, startedAt: '2026-01-01T10:00:00.000Z', endedAt: null, state: 'running' });
const radarAt = (computedAt: string, conflict: boolean): Radar => ({
  computedAt,
  durationMs: 5,
  computedPairs: 1,
  base: { branch: 'main', commit: 'a'.repeat(40) },
  sessions: [],
  lockOwners: {},
  pairs: [{ a: 's1', b: 's2', overlap: ['f.ts'], conflicts: conflict ? [{ path: 'f.ts', kind: 'content', message: 'CONFLICT (content)' }] : [] }],
});

describe('the open repository\'s stores', () => {
  it('sessions: loading on reset, newest first when loaded, an error kept as state; the status filter goes back to all', async () => {
    sessions.statusFilter.set('working');
    sessions.resetSessions('/r');
    expect(sessions.sessionsStore.get()).toEqual({ repo: '/r', status: 'loading', cards: [], error: null });
    expect(sessions.statusFilter.get()).toBe('all');
    answers.set('sessions.list', () => ok([card('a', '2026-01-01T10:00:00.000Z'), card('b', '2026-01-01T11:00:00.000Z')]));
    await sessions.refreshSessions();
    expect(asked).toEqual([{ command: 'sessions.list', input: { repo: '/r' } }]);
    const loaded = sessions.sessionsStore.get();
    expect(loaded.status).toBe('ready');
    expect(loaded.cards.map((c) => c.session.id)).toEqual(['b', 'a']);
    await sessions.refreshSessions();
    expect(sessions.sessionsStore.get()).toBe(loaded);
    answers.set('sessions.list', () => fail('git broke'));
    await sessions.refreshSessions();
    expect(sessions.sessionsStore.get()).toMatchObject({ status: 'error', error: 'git broke', cards: loaded.cards });
    sessions.resetSessions(null);
    expect(sessions.sessionsStore.get().status).toBe('idle');
  });

  it('sessions: an answer for a repository closed meanwhile is dropped', async () => {
    let release: (result: Result<unknown>) => void = () => undefined;
    answers.set('sessions.list', () => new Promise((resolve) => (release = resolve)));
    sessions.resetSessions('/old');
    const pending = sessions.refreshSessions();
    sessions.resetSessions('/new');
    answers.set('sessions.list', (input) => ok(input.repo === '/new' ? [card('n', '2026-01-01T10:00:00.000Z')] : []));
    release(ok([card('old', '2026-01-01T10:00:00.000Z')]));
    await pending;
    expect(sessions.sessionsStore.get().cards.map((c) => c.session.id)).not.toContain('old');
  });

  it('locks: sorted by path, unchanged locks keep their objects', async () => {
    locks.resetLocks('/r');
    expect(locks.locksStore.get()).toEqual({ repo: '/r', status: 'loading', locks: [], error: null });
    answers.set('locks.list', () => ok([{ path: 'b.ts', sessionId: 's1' }, { path: 'a.ts', sessionId: 's2' }]));
    await locks.refreshLocks();
    expect(asked).toEqual([{ command: 'locks.list', input: { repo: '/r' } }]);
    const first = locks.locksStore.get();
    expect(first).toMatchObject({ status: 'ready', error: null });
    expect(first.locks.map((lock) => lock.path)).toEqual(['a.ts', 'b.ts']);
    await locks.refreshLocks();
    expect(locks.locksStore.get().locks).toBe(first.locks);
    answers.set('locks.list', () => fail('no'));
    await locks.refreshLocks();
    expect(locks.locksStore.get()).toMatchObject({ status: 'error', error: 'no', locks: first.locks });
  });

  it('settings: the effective settings and both scopes, a failure kept as state', async () => {
    settings.resetSettings('/r');
    expect(settings.settingsStore.get()).toEqual({ repo: '/r', status: 'loading', settings: null, view: null, error: null });
    const view = { effective: { staleAfterMinutes: 30 }, user: {}, repo: {} };
    answers.set('settings.list', () => ok(view));
    await settings.refreshSettings();
    expect(settings.settingsStore.get()).toMatchObject({ status: 'ready', settings: view.effective, view, error: null });
    answers.set('settings.list', () => fail('unreadable'));
    await settings.refreshSettings();
    expect(settings.settingsStore.get()).toMatchObject({ status: 'error', error: 'unreadable', view });
  });

  it('runs: keyed by session, the newer run kept, failures kept as state', async () => {
    runs.resetRuns('/r');
    expect(runs.runsStore.get()).toMatchObject({ repo: '/r', status: 'loading', error: null });
    answers.set('agent.runs', () => ok([run('s1', 'r1'), run('s2', 'r2')]));
    await runs.refreshRuns();
    expect(asked).toEqual([{ command: 'agent.runs', input: { repo: '/r' } }]);
    const loaded = runs.runsStore.get();
    expect(loaded.status).toBe('ready');
    expect([...loaded.bySession.keys()].sort()).toEqual(['s1', 's2']);
    await runs.refreshRuns();
    expect(runs.runsStore.get()).toBe(loaded);
    answers.set('agent.runs', () => fail('gone'));
    await runs.refreshRuns();
    expect(runs.runsStore.get()).toMatchObject({ status: 'error', error: 'gone', bySession: loaded.bySession });
  });

  it('presets: idle until asked for, "refreshing" when asked again, emptied by a failure', async () => {
    presets.resetPresets('/r');
    expect(presets.presetsStore.get()).toEqual({ repo: '/r', status: 'idle', presets: [], error: null, refreshing: false });
    presets.presetsSettingsChanged();
    expect(asked).toEqual([]);
    let release: (result: Result<unknown>) => void = () => undefined;
    answers.set('agents.list', () => new Promise((resolve) => (release = resolve)));
    const first = presets.loadPresets();
    expect(presets.presetsStore.get().status).toBe('loading');
    release(ok([{ id: 'claude' }]));
    await first;
    expect(presets.presetsStore.get()).toMatchObject({ status: 'ready', presets: [{ id: 'claude' }], refreshing: false });
    const second = presets.loadPresets();
    expect(presets.presetsStore.get()).toMatchObject({ status: 'ready', refreshing: true });
    release(fail('detection failed'));
    await second;
    expect(presets.presetsStore.get()).toMatchObject({ status: 'error', presets: [], error: 'detection failed', refreshing: false });
  });

  it('queue: entries by id; a failure after a load keeps the list, an unknown command says unavailable', async () => {
    queue.resetQueue('/r');
    expect(queue.queueStore.get()).toEqual({ repo: '/r', status: 'loading', entries: [], error: null });
    answers.set('queue.list', () => fail('locked'));
    await queue.refreshQueue();
    expect(queue.queueStore.get()).toMatchObject({ status: 'error', error: 'Could not load the merge queue: locked' });
    answers.set('queue.list', () => ok([{ id: 'q1', sessionId: 's1', state: 'queued' }]));
    await queue.refreshQueue();
    const loaded = queue.queueStore.get();
    expect(loaded).toMatchObject({ status: 'ready', error: null });
    answers.set('queue.list', () => fail('locked'));
    await queue.refreshQueue();
    expect(queue.queueStore.get()).toMatchObject({ status: 'ready', error: 'Could not load the merge queue: locked', entries: loaded.entries });
    answers.set('queue.list', () => unknownCommand('queue.list'));
    await queue.refreshQueue();
    expect(queue.queueStore.get().status).toBe('unavailable');
    expect(queue.queueStore.get().error).toContain('does not serve "queue.list"');
  });

  it('radar: refreshing while asked, the newer radar kept, a shown radar kept on failure, unavailable said once', async () => {
    radar.resetRadar('/r');
    expect(radar.radarStore.get()).toMatchObject({ repo: '/r', status: 'loading', radar: null, refreshing: false, error: null });
    answers.set('radar.get', () => fail('merge-tree failed'));
    await radar.refreshRadar();
    expect(radar.radarStore.get()).toMatchObject({ status: 'error', error: 'merge-tree failed', refreshing: false });
    let release: (result: Result<unknown>) => void = () => undefined;
    answers.set('radar.get', () => new Promise((resolve) => (release = resolve)));
    const pending = radar.refreshRadar();
    expect(radar.radarStore.get().refreshing).toBe(true);
    release(ok(radarAt('2026-01-01T10:00:00.000Z', true)));
    await pending;
    expect(radar.radarStore.get()).toMatchObject({ status: 'ready', refreshing: false, error: null });
    expect(radar.radarStore.get().bySession.get('s1')?.conflictsWith).toEqual(['s2']);
    // An event with a newer radar wins over an older answer.
    radar.applyRadar(radarAt('2026-01-01T12:00:00.000Z', false));
    answers.set('radar.get', () => ok(radarAt('2026-01-01T11:00:00.000Z', true)));
    await radar.refreshRadar();
    expect(radar.radarStore.get().radar?.computedAt).toBe('2026-01-01T12:00:00.000Z');
    answers.set('radar.get', () => fail('merge-tree failed'));
    await radar.refreshRadar();
    expect(radar.radarStore.get()).toMatchObject({ status: 'ready', error: 'merge-tree failed' });
    answers.set('radar.get', () => unknownCommand('radar.get'));
    await radar.refreshRadar();
    expect(radar.radarStore.get().status).toBe('unavailable');
  });
});
