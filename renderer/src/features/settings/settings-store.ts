import type { CommandInput } from '../../../../shared/contract';
import type { Settings } from '../../../../shared/models';
import { call } from '../../api';
import { createStore } from '../../lib/create-store';
import { presetsSettingsChanged } from '../agents/presets-store';
import { singleFlight } from '../../lib/single-flight';

/** The open repository's settings (`settings.get`), as last read. */
export interface SettingsState {
  repo: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  settings: Settings | null;
  error: string | null;
}

export const settingsStore = createStore<SettingsState>({ repo: null, status: 'idle', settings: null, error: null });

export function resetSettings(repo: string | null): void {
  settingsStore.set({ repo, status: repo === null ? 'idle' : 'loading', settings: null, error: null });
}

export const refreshSettings = singleFlight(async () => {
  const repo = settingsStore.get().repo;
  if (repo === null) return;
  const result = await call('settings.get', { repo });
  if (settingsStore.get().repo !== repo) return;
  settingsStore.set((state) =>
    result.ok ? { ...state, status: 'ready', settings: result.value, error: null } : { ...state, status: 'error', error: result.error.message },
  );
});

/** Saves; the answer is the settings as stored, or the Result's error message for the form. */
export type SettingsPatch = Omit<CommandInput<'settings.update'>, 'repo'>;

export async function saveSettings(patch: SettingsPatch): Promise<string | null> {
  const repo = settingsStore.get().repo;
  if (repo === null) return 'no repository is open';
  const result = await call('settings.update', { repo, ...patch });
  if (!result.ok) return result.error.message;
  settingsStore.set((state) => ({ ...state, status: 'ready', settings: result.value, error: null }));
  presetsSettingsChanged();
  return null;
}
