import type { HandlerTable } from './dispatch';
import { Council } from './council';

/**
 * The core's command handlers, shared by every front end (Electron main, and later the browser
 * host). Opening a repository for the first time in this process reconciles its registry with
 * `git worktree list` — the start-up check that repairs what a crash or a manual change left.
 */
export function createCoreHandlers(): HandlerTable {
  const opened = new Map<string, Promise<Council>>();
  const open = (repo: string): Promise<Council> => {
    let council = opened.get(repo);
    if (!council) {
      council = (async () => {
        const c = Council.open(repo);
        await c.reconcile();
        return c;
      })();
      council.catch(() => opened.delete(repo));
      opened.set(repo, council);
    }
    return council;
  };
  return {
    'sessions.list': async ({ repo }) => (await open(repo)).listSessions(),
  };
}
