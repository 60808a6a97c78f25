import type { Settings } from '../../../shared/models';
import { parseSettingKey, resolveSettings, settingEntries, settingEntry, type SettingEntry, type SettingsScope, type SettingsView } from '../../../shared/settings';
import { invalidInput } from '../errors';
import { SettingsLayerFile, userSettingsFile } from './layer-file';

/**
 * The two scopes of settings seen together: the user's file and, when a repository is named, the
 * repository's. The effective value of a key is the repository's, else the user's, else the default
 * (shared/settings.ts says how, once, for every face).
 */
export class SettingsScopes {
  constructor(
    readonly user: SettingsLayerFile,
    readonly repository: SettingsLayerFile | null,
  ) {}

  /** The user's scope alone (no repository named, or outside one). */
  static userOnly(env: Record<string, string | undefined> = process.env): SettingsScopes {
    return new SettingsScopes(userLayerFile(env), null);
  }

  effective(): Settings {
    return resolveSettings(this.user.read(), this.repository?.read() ?? null);
  }

  view(): SettingsView {
    const user = this.user.read();
    const repository = this.repository?.read() ?? null;
    return {
      files: { user: this.user.file, repository: this.repository?.file ?? null },
      user,
      repository,
      effective: resolveSettings(user, repository),
      entries: settingEntries(user, repository),
    };
  }

  /** One key: its effective value, where that comes from, and what each scope holds. */
  entry(key: string): SettingEntry {
    const parsed = parseSettingKey(key);
    if (!parsed.ok) throw invalidInput(parsed.message);
    return settingEntry(key, this.user.read(), this.repository?.read() ?? null);
  }

  /** Sets and unsets keys in one scope, in one atomic write; the whole picture afterwards. */
  async change(scope: SettingsScope, change: { set?: Record<string, unknown>; unset?: readonly string[] }): Promise<SettingsView> {
    const file = this.layer(scope);
    await file.change(change);
    return this.view();
  }

  layer(scope: SettingsScope): SettingsLayerFile {
    if (scope === 'user') return this.user;
    if (!this.repository) throw invalidInput('the repository scope needs a repository: name one (--repo, or run inside it), or change the user settings (--user)');
    return this.repository;
  }
}

export function userLayerFile(env: Record<string, string | undefined> = process.env): SettingsLayerFile {
  return new SettingsLayerFile(userSettingsFile(env), 'the user settings');
}
