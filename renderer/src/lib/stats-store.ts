import type { SessionStats } from '../../../shared/models';
import type { Result } from '../../../shared/errors';
import { createStore } from './create-store';

/**
 * Per-session git stats (`sessions.stats`: changed files, +/-), fetched lazily: only for cards on
 * screen, a few at a time, because each one runs git in the session's worktree. When the session
 * changes, its entry turns stale; it keeps showing the old numbers until the new ones arrive.
 */
export interface StatsEntry {
  stats: SessionStats | null;
  error: string | null;
  /** Needs (re)fetching. */
  stale: boolean;
  loading: boolean;
}

export type StatsFetcher = (id: string) => Promise<Result<SessionStats>>;

export function createStatsStore(fetchStats: StatsFetcher, concurrency = 3) {
  const store = createStore<ReadonlyMap<string, StatsEntry>>(new Map());
  const visible = new Set<string>();
  const queue: string[] = [];
  let running = 0;
  let generation = 0;

  const update = (id: string, patch: Partial<StatsEntry>) => {
    store.set((map) => {
      const next = new Map(map);
      const previous = map.get(id) ?? { stats: null, error: null, stale: true, loading: false };
      next.set(id, { ...previous, ...patch });
      return next;
    });
  };

  const enqueue = (id: string) => {
    const entry = store.get().get(id);
    if (entry?.loading || queue.includes(id)) return;
    queue.push(id);
    pump();
  };

  const pump = () => {
    while (running < concurrency && queue.length > 0) {
      const id = queue.shift()!;
      // Scrolled away while queued: fetched again if it comes back.
      if (!visible.has(id)) continue;
      running += 1;
      const startedIn = generation;
      update(id, { loading: true, stale: false });
      void fetchStats(id)
        .then((result) => {
          if (startedIn !== generation) return;
          const stillStale = store.get().get(id)?.stale ?? false;
          update(id, result.ok ? { stats: result.value, error: null, loading: false } : { error: result.error.message, loading: false });
          if (stillStale && visible.has(id)) enqueue(id);
        })
        .finally(() => {
          running -= 1;
          pump();
        });
    }
  };

  return {
    store,
    /** A card came on or went off screen. */
    setVisible(id: string, isVisible: boolean) {
      if (!isVisible) {
        visible.delete(id);
        return;
      }
      visible.add(id);
      const entry = store.get().get(id);
      if (entry === undefined || entry.stale) enqueue(id);
    },
    /** The session (or, without an id, every session) may have changed: refetch what is on screen. */
    invalidate(id?: string) {
      const ids = id === undefined ? [...store.get().keys()] : [id];
      for (const each of ids) {
        if (!store.get().has(each)) continue;
        update(each, { stale: true });
        if (visible.has(each) && !store.get().get(each)?.loading) enqueue(each);
      }
    },
    /** A new repository: forget everything (answers still in flight are dropped). */
    reset() {
      generation += 1;
      queue.length = 0;
      visible.clear();
      store.set(new Map());
    },
  };
}

export type StatsStore = ReturnType<typeof createStatsStore>;
