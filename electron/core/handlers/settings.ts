import type { HandlerTable } from '../dispatch';
import { settingsHandlers as scopedSettingsHandlers } from '../settings/handlers';
import type { HandlerDeps } from './deps';

/** Settings: the repository's (the app's form) and both scopes (the Settings screen, `council settings`). */

export function settingsHandlers({ repos }: HandlerDeps) {
  return {
    'settings.get': async ({ repo }) => (await repos.open(repo)).ws.settings(),
    'settings.update': async ({ repo, ...patch }) => (await repos.open(repo)).ws.updateSettings(patch),
    ...scopedSettingsHandlers(async (repo) => (await repos.open(repo)).ws),
  } satisfies HandlerTable;
}
