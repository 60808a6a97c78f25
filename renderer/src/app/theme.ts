import { createStore, useStore } from '../lib/create-store';
import { PREFERENCE_KEYS, readPreference, writePreference } from '../lib/storage';

/**
 * Dark and light themes. Follows the system (`prefers-color-scheme`) until the user picks one with
 * the toggle; that choice is remembered. The theme is a `data-theme` attribute on <html>, which
 * the CSS variables in styles.css key on.
 */
export type Theme = 'light' | 'dark';

interface ThemeState {
  chosen: Theme | null;
  system: Theme;
}

const query = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
const saved = readPreference(PREFERENCE_KEYS.theme);

const themeStore = createStore<ThemeState>({
  chosen: saved === 'light' || saved === 'dark' ? saved : null,
  system: query === null || query.matches ? 'dark' : 'light',
});

const effective = (state: ThemeState): Theme => state.chosen ?? state.system;

function apply(): void {
  const theme = effective(themeStore.get());
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
}

/** Call once before the first render, so the page never flashes the other theme. */
export function installTheme(): void {
  apply();
  themeStore.subscribe(apply);
  query?.addEventListener('change', (event) => themeStore.set((state) => ({ ...state, system: event.matches ? 'dark' : 'light' })));
}

export function toggleTheme(): void {
  const next: Theme = effective(themeStore.get()) === 'dark' ? 'light' : 'dark';
  writePreference(PREFERENCE_KEYS.theme, next);
  themeStore.set((state) => ({ ...state, chosen: next }));
}

export function useTheme(): Theme {
  return effective(useStore(themeStore));
}
