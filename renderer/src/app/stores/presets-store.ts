import type { AgentPresetInfo } from '../../../../shared/agents';
import { call } from '../../api';
import { createRepoStore } from '../../lib/repo-store';

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

const presets = createRepoStore<PresetsState, AgentPresetInfo[]>({
  initial: (start) => ({ ...start, presets: [], refreshing: false }),
  lazy: true,
  load: (repo) => call('agents.list', { repo }),
  starting: (state) => (state.status === 'ready' ? { ...state, refreshing: true } : { ...state, status: 'loading', error: null }),
  loaded: (state, value) => ({ ...state, status: 'ready', presets: value, error: null, refreshing: false }),
  failed: (state, error) => ({ ...state, status: 'error', presets: [], error: error.message, refreshing: false }),
});

export const presetsStore = presets.store;
export const resetPresets = presets.reset;
export const loadPresets = presets.refresh;

/** The settings changed (a program path, the custom command): detect again if anyone has looked. */
export function presetsSettingsChanged(): void {
  if (presetsStore.get().status !== 'idle') void loadPresets();
}
