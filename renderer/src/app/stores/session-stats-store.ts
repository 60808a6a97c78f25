import { call } from '../../api';
import { useStoreSelector } from '../../lib/create-store';
import { sessionsStore } from './sessions-store';
import { createStatsStore, type StatsEntry } from '../../lib/stats-store';

/** Per-session git stats (lib/stats-store.ts) for the open repository: the board's cards and the merge dialog read them. */
export const sessionStats = createStatsStore(async (id) => {
  const repo = sessionsStore.get().repo;
  if (repo === null) return { ok: false, error: { code: 'internal', message: 'no repository is open' } };
  return call('sessions.stats', { repo, id });
});

export function useSessionStats(id: string): StatsEntry | undefined {
  return useStoreSelector(sessionStats.store, (map) => map.get(id));
}
