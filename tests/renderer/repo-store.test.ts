/**
 * lib/repo-store.ts, the one helper behind every store of the open repository's data: reset per
 * repository, one load at a time through the contract, answers for a repository no longer open
 * dropped, failures kept as state.
 */
import { describe, expect, it } from 'vitest';
import type { Result } from '../../shared/errors';
import { createRepoStore, type RepoScopedState } from '../../renderer/src/lib/repo-store';

interface ListState extends RepoScopedState {
  items: string[];
  refreshing: boolean;
}

/** A load the test answers by hand, so it can change the repository while one is in flight. */
function manualLoads() {
  const pending: { repo: string; answer: (result: Result<string[]>) => void }[] = [];
  const load = (repo: string) => new Promise<Result<string[]>>((answer) => pending.push({ repo, answer }));
  const next = () => {
    const first = pending.shift();
    if (!first) throw new Error('no load is waiting');
    return first;
  };
  return { load, pending, next };
}

const ok = (items: string[]): Result<string[]> => ({ ok: true, value: items });
const failure = (message: string): Result<string[]> => ({ ok: false, error: { code: 'git-failed', message } });
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function listStore(load: (repo: string) => Promise<Result<string[]>>, extra: Partial<Parameters<typeof createRepoStore<ListState, string[]>>[0]> = {}) {
  return createRepoStore<ListState, string[]>({
    initial: (start) => ({ ...start, items: [], refreshing: false }),
    load,
    loaded: (state, items) => ({ ...state, status: 'ready', items, error: null }),
    ...extra,
  });
}

describe('createRepoStore', () => {
  it('starts idle, and a reset holds the repository with nothing loaded yet (idle again when closed)', () => {
    const { load } = manualLoads();
    const repo = listStore(load);
    expect(repo.store.get()).toEqual({ repo: null, status: 'idle', error: null, items: [], refreshing: false });
    repo.reset('/r');
    expect(repo.store.get()).toEqual({ repo: '/r', status: 'loading', error: null, items: [], refreshing: false });
    repo.reset(null);
    expect(repo.store.get().status).toBe('idle');
  });

  it('a lazy store stays idle after a reset until someone loads it', () => {
    const { load } = manualLoads();
    const repo = listStore(load, { lazy: true });
    repo.reset('/r');
    expect(repo.store.get()).toMatchObject({ repo: '/r', status: 'idle' });
  });

  it('loads the open repository and takes the answer in; with no repository it asks nothing', async () => {
    const asked: string[] = [];
    const repo = listStore(async (path) => {
      asked.push(path);
      return ok([`${path}/a`, `${path}/b`]);
    });
    await repo.refresh();
    expect(asked).toEqual([]);
    repo.reset('/r');
    await repo.refresh();
    expect(asked).toEqual(['/r']);
    expect(repo.store.get()).toMatchObject({ repo: '/r', status: 'ready', items: ['/r/a', '/r/b'], error: null });
  });

  it('a failure is state: status error with the message, keeping what was shown', async () => {
    let answer: Result<string[]> = ok(['a']);
    const repo = listStore(async () => answer);
    repo.reset('/r');
    await repo.refresh();
    answer = failure('git broke');
    await repo.refresh();
    expect(repo.store.get()).toMatchObject({ status: 'error', error: 'git broke', items: ['a'] });
  });

  it('a store words its own failures when it says how', async () => {
    const repo = listStore(async () => failure('nope'), { failed: (state, error) => ({ ...state, status: 'unavailable', error: `queue: ${error.message}` }) });
    repo.reset('/r');
    await repo.refresh();
    expect(repo.store.get()).toMatchObject({ status: 'unavailable', error: 'queue: nope' });
  });

  it('marks the state while a load runs, when the store says how', async () => {
    const loads = manualLoads();
    const repo = listStore(loads.load, {
      starting: (state) => ({ ...state, refreshing: true }),
      loaded: (state, items) => ({ ...state, status: 'ready', items, refreshing: false }),
    });
    repo.reset('/r');
    const done = repo.refresh();
    expect(repo.store.get().refreshing).toBe(true);
    loads.next().answer(ok(['x']));
    await done;
    expect(repo.store.get()).toMatchObject({ refreshing: false, items: ['x'] });
  });

  it('drops an answer that comes back after the repository changed, and loads the new one', async () => {
    const loads = manualLoads();
    const repo = listStore(loads.load);
    repo.reset('/old');
    const first = repo.refresh();
    repo.reset('/new');
    const second = repo.refresh();
    loads.next().answer(ok(['from old']));
    await flush();
    expect(repo.store.get()).toMatchObject({ repo: '/new', status: 'loading', items: [] });
    const again = loads.next();
    expect(again.repo).toBe('/new');
    again.answer(ok(['from new']));
    await Promise.all([first, second]);
    expect(repo.store.get()).toMatchObject({ repo: '/new', status: 'ready', items: ['from new'] });
  });

  it('refreshes asked for during a load make one more load after it, never a parallel one', async () => {
    const loads = manualLoads();
    const repo = listStore(loads.load);
    repo.reset('/r');
    const runs = [repo.refresh(), repo.refresh(), repo.refresh()];
    expect(loads.pending).toHaveLength(1);
    loads.next().answer(ok(['stale']));
    await flush();
    expect(loads.pending).toHaveLength(1);
    loads.next().answer(ok(['fresh']));
    await Promise.all(runs);
    expect(loads.pending).toHaveLength(0);
    expect(repo.store.get().items).toEqual(['fresh']);
  });

  it('an answer the store keeps as it was notifies nobody', async () => {
    const repo = listStore(async () => ok(['same']), {
      loaded: (state, items) => (state.status === 'ready' && state.items.join() === items.join() ? state : { ...state, status: 'ready', items }),
    });
    repo.reset('/r');
    await repo.refresh();
    let notified = 0;
    repo.store.subscribe(() => (notified += 1));
    await repo.refresh();
    expect(notified).toBe(0);
  });
});
