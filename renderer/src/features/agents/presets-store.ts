import type { AgentPresetInfo } from '../../../../shared/agents';
import { call } from '../../api';
import { createStore } from '../../lib/create-store';
import { singleFlight } from '../../lib/single-flight';

/**
 * The agent presets as detected on this machine (`agents.list`): loaded when the new-session
 * dialog or the settings open (a program installed meanwhile then shows up), kept for the rest.
 */
export interface PresetsState {
  repo: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  presets: AgentPresetInfo[];
  error: string | null;
  /** Asked again while an earlier answer shows (detection runs each program: it can take seconds). */
  refreshing: boolean;
}

export const presetsStore = createStore<PresetsState>({ repo: null, status: 'idle', presets: [], error: null, refreshing: false });

export function resetPresets(repo: string | null): void {
  presetsStore.set({ repo, status: 'idle', presets: [], error: null, refreshing: false });
}

export const loadPresets = singleFlight(async () => {
  const repo = presetsStore.get().repo;
  if (repo === null) return;
  presetsStore.set((state) => (state.status === 'ready' ? { ...state, refreshing: true } : { ...state, status: 'loading', error: null }));
  const result = await call('agents.list', { repo });
  if (presetsStore.get().repo !== repo) return;
  presetsStore.set((state) =>
    result.ok
      ? { ...state, status: 'ready', presets: result.value, error: null, refreshing: false }
      : { ...state, status: 'error', presets: [], error: result.error.message, refreshing: false },
  );
});

/** The settings changed (a program path, the custom command): detect again if anyone has looked. */
export function presetsSettingsChanged(): void {
  if (presetsStore.get().status !== 'idle') void loadPresets();
}
