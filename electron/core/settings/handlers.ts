import type { HandlerTable } from '../dispatch';
import type { Workspace } from '../workspace';
import { SettingsScopes } from './scopes';

/**
 * The settings commands of the contract, for every face: the app and the browser host (through
 * AppCore) and the CLI (`council settings`, through dispatch()). `open` finds the repository a
 * command names; without one, only the user's scope is there.
 */
export function settingsHandlers(open: (repo: string) => Promise<Workspace>): Pick<HandlerTable, 'settings.list' | 'settings.key' | 'settings.change'> {
  const scopes = async (repo: string | undefined): Promise<SettingsScopes> => (repo === undefined ? SettingsScopes.userOnly() : (await open(repo)).settingsScopes);
  return {
    'settings.list': async ({ repo }) => (await scopes(repo)).view(),
    'settings.key': async ({ repo, key }) => (await scopes(repo)).entry(key),
    'settings.change': async ({ repo, scope, set, unset }) => (await scopes(repo)).change(scope, { set, unset }),
  };
}
