import type { LockCommandName } from '../../../shared/commands/locks';
import type { CommandHandler } from '../dispatch';
import type { LockScope } from '../locks/repo-locks';

/** Opens (or hands back the already open) lock domain of the repository a command names. */
export type LockScopeOpener = (repo: string) => LockScope | Promise<LockScope>;

export type LockHandlers = { readonly [C in LockCommandName]: CommandHandler<C> };

/**
 * The lock domain's handlers (shared/commands/locks.ts), for every face: the app and the browser
 * host (with their open repositories), and the CLI's `council lock …` verbs (with a lean opener
 * that loads only this domain, electron/cli/hot.ts). What the lock commands decide is decided
 * here and in FileLocks, nowhere else.
 *
 * A relative path is relative to `cwd`, else to the main checkout (never to this process's
 * folder: the app's is nobody's business).
 */
export function lockHandlers(open: LockScopeOpener): LockHandlers {
  return {
    'locks.acquire': async ({ repo, id, path, timeoutMs, cwd }) => {
      const scope = await open(repo);
      return scope.locks.acquire(path, id, { timeoutMs: timeoutMs ?? 0, cwd: cwd ?? scope.ws.repo.mainRoot });
    },
    'locks.release': async ({ repo, id, path, cwd }) => {
      const scope = await open(repo);
      return scope.locks.release(path, id, { cwd: cwd ?? scope.ws.repo.mainRoot });
    },
    'locks.releaseAll': async ({ repo, id }) => {
      const scope = await open(repo);
      // A prefix names a registered session; FileLocks.releaseAll itself takes an exact id (also
      // of a session already gone, for removal and reconcile).
      return scope.locks.releaseAll(scope.ws.registry.resolve(id).id);
    },
    'locks.who': async ({ repo, path, cwd }) => {
      const scope = await open(repo);
      return scope.locks.who(path, { cwd: cwd ?? scope.ws.repo.mainRoot });
    },
    'locks.list': async ({ repo }) => (await open(repo)).locks.list(),
  };
}
