import path from 'node:path';
import type { Settings } from '../../shared/models';
import { discoverRepo, type RepoLocation } from './git/repo';
import { SettingsLayerFile } from './settings/layer-file';
import { SettingsScopes, userLayerFile } from './settings/scopes';
import { defaultWorktreeRoot } from './state/paths';
import { RepoState } from './state/repo-state';

/**
 * One repository as every core service sees it: where git keeps it, where our shared state lives,
 * the ownership registry (RepoState), and its settings. Cheap to open (no git process), so the CLI
 * opens one per call.
 */
export class Workspace extends RepoState {
  /** The user's settings and this repository's (which override them). */
  readonly settingsScopes: SettingsScopes;

  constructor(repo: RepoLocation) {
    super(repo);
    this.settingsScopes = new SettingsScopes(userLayerFile(), new SettingsLayerFile(this.paths.settings, 'the repository settings'));
  }

  static override open(start: string): Workspace {
    return new Workspace(discoverRepo(start));
  }

  /** The effective settings: this repository's, else the user's, else the defaults, key by key. */
  settings(): Settings {
    return this.settingsScopes.effective();
  }

  /**
   * Sets keys in this repository's scope (only those named; the rest keep coming from the user's
   * settings or the defaults). `agents`, when given, replaces the repository's preset overrides as
   * a whole. Answers with the effective settings.
   */
  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    const { agents, ...rest } = patch;
    const set: Record<string, unknown> = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
    const unset: string[] = [];
    if (agents !== undefined) {
      const current = this.settingsScopes.repository?.read().agents ?? {};
      for (const [preset, fields] of Object.entries(current)) for (const field of Object.keys(fields ?? {})) unset.push(`agents.${preset}.${field}`);
      for (const [preset, fields] of Object.entries(agents)) for (const [field, value] of Object.entries(fields)) if (value !== undefined) set[`agents.${preset}.${field}`] = value;
    }
    await this.settingsScopes.change('repository', { set, unset });
    return this.settings();
  }

  /** Where new session worktrees go: the setting, else `COUNCIL_WORKTREE_ROOT`, else the default. */
  async worktreeRoot(): Promise<string> {
    const configured = this.settings().worktreeRoot ?? process.env.COUNCIL_WORKTREE_ROOT;
    if (configured) return path.resolve(this.repo.mainRoot, configured);
    return defaultWorktreeRoot(this.repo);
  }
}
