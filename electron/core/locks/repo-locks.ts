import path from 'node:path';
import type { ContextStore } from '../context/context';
import { invalidInput } from '../errors';
import { RepoState } from '../state/repo-state';
import { FileLocks } from './file-locks';

/**
 * What the lock domain of one repository needs, and nothing more: its state (paths, registry; no
 * settings), its file locks and its shared context (a refused edit marks the session blocked). The CLI's hot
 * verbs and the agents' lock hook open only this, so they load no git, agent, merge or radar code;
 * `Council` has the same shape and serves the app.
 */
export interface LockScope {
  readonly ws: RepoState;
  readonly locks: FileLocks;
  /** The shared context, loaded on first use: an allowed edit (most hook runs) never needs it, nor
   * the zod schemas it validates updates with. */
  contextStore(): Promise<ContextStore>;
}

/** Opens the repository that contains `start` (any folder of the main checkout or a worktree). */
export function openLockScope(start: string): LockScope {
  const ws = RepoState.open(start);
  let context: Promise<ContextStore> | undefined;
  return {
    ws,
    locks: new FileLocks(ws),
    contextStore: () => (context ??= import('../context/context').then(({ ContextStore }) => new ContextStore(ws))),
  };
}

/** As a contract handler names a repository: an absolute path of any folder of it. */
export function openLockScopeAt(repoPath: string): LockScope {
  if (!path.isAbsolute(repoPath)) throw invalidInput(`the repository path must be absolute, not "${repoPath}"`);
  return openLockScope(repoPath);
}
