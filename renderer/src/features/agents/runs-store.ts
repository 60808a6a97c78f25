import type { AgentRun } from '../../../../shared/agents';
import { call } from '../../api';
import { createStore, useStoreSelector } from '../../lib/create-store';
import { singleFlight } from '../../lib/single-flight';
import { mergeRuns } from './run-model';

/**
 * Every session's latest agent run in the open repository: `agent.runs` (no id) on load, then
 * `agent.run` events as runs start, change state and end. Cards, the session header and the
 * comparison read their session's entry.
 */
export interface RunsState {
  repo: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  bySession: ReadonlyMap<string, AgentRun>;
  error: string | null;
}

export const runsStore = createStore<RunsState>({ repo: null, status: 'idle', bySession: new Map(), error: null });

export function resetRuns(repo: string | null): void {
  runsStore.set({ repo, status: repo === null ? 'idle' : 'loading', bySession: new Map(), error: null });
}

export const refreshRuns = singleFlight(async () => {
  const repo = runsStore.get().repo;
  if (repo === null) return;
  const result = await call('agent.runs', { repo });
  if (runsStore.get().repo !== repo) return;
  if (!result.ok) {
    runsStore.set((state) => ({ ...state, status: 'error', error: result.error.message }));
    return;
  }
  runsStore.set((state) => {
    const bySession = mergeRuns(state.bySession, result.value);
    return bySession === state.bySession && state.status === 'ready' ? state : { ...state, status: 'ready', bySession, error: null };
  });
});

/** An `agent.run` event (or a command's answer carrying a run): returns the run it replaced. */
export function applyRun(run: AgentRun): AgentRun | undefined {
  const previous = runsStore.get().bySession.get(run.sessionId);
  runsStore.set((state) => {
    const bySession = mergeRuns(state.bySession, [run]);
    return bySession === state.bySession ? state : { ...state, bySession };
  });
  return previous;
}

export function useRun(sessionId: string): AgentRun | undefined {
  return useStoreSelector(runsStore, (state) => state.bySession.get(sessionId));
}
