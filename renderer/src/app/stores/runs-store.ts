import type { AgentRun } from '../../../../shared/agents';
import { call } from '../../api';
import { useStoreSelector } from '../../lib/create-store';
import { createRepoStore } from '../../lib/repo-store';
import { mergeRuns } from '../../models/run-model';

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

const runs = createRepoStore<RunsState, AgentRun[]>({
  initial: (start) => ({ ...start, bySession: new Map() }),
  load: (repo) => call('agent.runs', { repo }),
  loaded(state, value) {
    const bySession = mergeRuns(state.bySession, value);
    return bySession === state.bySession && state.status === 'ready' ? state : { ...state, status: 'ready', bySession, error: null };
  },
});

export const runsStore = runs.store;
export const refreshRuns = runs.refresh;
export const resetRuns = runs.reset;

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
