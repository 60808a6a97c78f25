import { discoverRepo, type RepoLocation } from '../git/repo';
import { Registry } from '../sessions/registry';
import { statePaths, type StatePaths } from './paths';

/**
 * One repository's shared state without its settings: where git keeps it, where our state lives,
 * and the ownership registry. What the lock domain needs (file locks, the lock hook, the CLI's hot
 * verbs), which then loads none of the settings' schemas (~2 ms of a hook's start-up);
 * `Workspace` adds the settings.
 */
export class RepoState {
  readonly paths: StatePaths;
  readonly registry: Registry;

  constructor(readonly repo: RepoLocation) {
    this.paths = statePaths(repo);
    this.registry = new Registry(this.paths);
  }

  static open(start: string): RepoState {
    return new RepoState(discoverRepo(start));
  }
}
