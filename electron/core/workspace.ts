import path from 'node:path';
import { DEFAULT_SETTINGS, SettingsSchema, type Settings } from '../../shared/models';
import { discoverRepo, type RepoLocation } from './git/repo';
import { Registry } from './sessions/registry';
import { CachedJson, updateJson } from './state/json-store';
import { defaultWorktreeRoot, statePaths, type StatePaths } from './state/paths';

/**
 * One repository as every core service sees it: where git keeps it, where our shared state lives,
 * and the ownership registry. Cheap to open (no git process), so the CLI opens one per call.
 */
export class Workspace {
  readonly paths: StatePaths;
  readonly registry: Registry;
  private readonly settingsCache: CachedJson<typeof SettingsSchema>;

  constructor(readonly repo: RepoLocation) {
    this.paths = statePaths(repo);
    this.registry = new Registry(this.paths);
    this.settingsCache = new CachedJson(this.paths.settings, SettingsSchema, () => DEFAULT_SETTINGS);
  }

  static open(start: string): Workspace {
    return new Workspace(discoverRepo(start));
  }

  settings(): Settings {
    return this.settingsCache.read();
  }

  updateSettings(patch: Partial<Settings>): Promise<Settings> {
    return updateJson(this.paths.settings, SettingsSchema, () => DEFAULT_SETTINGS, 'fsync', (current) => {
      const next = SettingsSchema.parse({ ...current, ...patch });
      return { next, result: next };
    });
  }

  /** Where new session worktrees go: the setting, else `COUNCIL_WORKTREE_ROOT`, else the default. */
  async worktreeRoot(): Promise<string> {
    const configured = this.settings().worktreeRoot ?? process.env.COUNCIL_WORKTREE_ROOT;
    if (configured) return path.resolve(this.repo.mainRoot, configured);
    return defaultWorktreeRoot(this.repo);
  }
}
