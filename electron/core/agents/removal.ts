import type { RemoveResult } from '../../../shared/models';
import type { Council } from '../council';
import type { AgentManager } from './manager';
import { conflict } from '../errors';
import { agentRunningIn } from './run-store';

/**
 * The one rule for removing a session, whoever asks (the app, the browser host, the CLI, best-of-N's
 * pick): while an agent is running in it (its latest run is live and the process hosting it is
 * alive), the removal is refused — unless forced, and then the agent and everything it started are
 * stopped first. Then the worktree and branch go (refused when that would lose unmerged work,
 * unless forced: then the work is archived first, sessions/remove.ts), and nothing watches the
 * worktree any more. `agents`: the manager that runs them, when it is not the owner's own.
 */
export async function removeSessionSafely(council: Council, idOrPrefix: string, options: { force?: boolean; agents?: AgentManager } = {}): Promise<RemoveResult> {
  const session = council.session(idOrPrefix);
  const force = options.force ?? false;
  if (agentRunningIn(council.ws.paths, session.id)) {
    if (!force) throw conflict(`session ${session.id} has a running agent; stop it first (council session stop ${session.id}), or remove with force, which stops it`);
    await (options.agents ?? (await council.agents())).stop(session.id);
  }
  // The session's shell (its folder is the worktree) goes with it.
  await (await council.shellsIfMade())?.stopId(session.id);
  // Follow-ups still waiting for its agent go too.
  const { Inbox } = await import('./inbox');
  const result = await council.removeSession(session.id, { force });
  new Inbox(council.ws.paths).removeSession(result.id);
  await (await council.watcherIfMade())?.releaseSession(result.id);
  return result;
}
