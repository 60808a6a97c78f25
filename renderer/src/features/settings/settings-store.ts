import type { Settings } from '../../../../shared/models';
import type { SettingsScope, SettingsView } from '../../../../shared/settings';
import { call } from '../../api';
import { createStore } from '../../lib/create-store';
import { presetsSettingsChanged } from '../agents/presets-store';
import { singleFlight } from '../../lib/single-flight';

/**
 * The open repository's settings as last read (`settings.list`): both scopes — the user's, for
 * every repository, and this repository's overrides — and what they add up to (`settings`, which
 * the rest of the app reads).
 */
export interface SettingsState {
  repo: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  settings: Settings | null;
  view: SettingsView | null;
  error: string | null;
}

export const settingsStore = createStore<SettingsState>({ repo: null, status: 'idle', settings: null, view: null, error: null });

export function resetSettings(repo: string | null): void {
  settingsStore.set({ repo, status: repo === null ? 'idle' : 'loading', settings: null, view: null, error: null });
}

export const refreshSettings = singleFlight(async () => {
  const repo = settingsStore.get().repo;
  if (repo === null) return;
  const result = await call('settings.list', { repo });
  if (settingsStore.get().repo !== repo) return;
  settingsStore.set((state) =>
    result.ok ? { ...state, status: 'ready', settings: result.value.effective, view: result.value, error: null } : { ...state, status: 'error', error: result.error.message },
  );
});

/** Sets and unsets keys in one scope; null when saved, else the Result's error message for the form. */
export async function saveSettings(scope: SettingsScope, change: { set: Record<string, unknown>; unset: string[] }): Promise<string | null> {
  const repo = settingsStore.get().repo;
  if (repo === null) return 'no repository is open';
  const result = await call('settings.change', { repo, scope, set: change.set, unset: change.unset });
  if (!result.ok) return result.error.message;
  settingsStore.set((state) => ({ ...state, status: 'ready', settings: result.value.effective, view: result.value, error: null }));
  presetsSettingsChanged();
  return null;
}
