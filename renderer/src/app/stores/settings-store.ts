import type { Settings } from '../../../../shared/models';
import type { SettingsScope, SettingsView } from '../../../../shared/settings';
import { call } from '../../api';
import { presetsSettingsChanged } from './presets-store';
import { createRepoStore } from '../../lib/repo-store';

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

const settings = createRepoStore<SettingsState, SettingsView>({
  initial: (start) => ({ ...start, settings: null, view: null }),
  load: (repo) => call('settings.list', { repo }),
  loaded: (state, view) => ({ ...state, status: 'ready', settings: view.effective, view, error: null }),
});

export const settingsStore = settings.store;
export const refreshSettings = settings.refresh;
export const resetSettings = settings.reset;

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
