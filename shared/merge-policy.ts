import type { QueueEntry } from './merge';

/*
 * Merge-queue rules that the core enforces and the app shows, written once (issue 12, item 8): the
 * core's commands refuse with these words, and the screens offer an action only where it can work.
 */

/** Why a session whose agent is running cannot be merged yet, for the app and the CLI alike. */
export function agentRunningReason(sessionId: string): string {
  return `the agent is still running in session ${sessionId}: stop it (Stop on the session in the app, or \`council session stop ${sessionId}\`) or let it finish, then retry`;
}

/**
 * Why "Resolve with agent" cannot work for this entry (null: it can): only a parked entry with
 * conflicting files, whose session still exists and has an agent preset to run.
 */
export function resolveRefusal(entry: Pick<QueueEntry, 'id' | 'state' | 'files' | 'sessionId'>, session: { agent: string | null } | undefined): string | null {
  if (entry.state !== 'parked') return `entry ${entry.id} is ${entry.state}; only a parked entry needs resolving`;
  if (entry.files.length === 0) return `entry ${entry.id} did not park on conflicting files: there is nothing for an agent to resolve`;
  if (session === undefined) return `session ${entry.sessionId} no longer exists`;
  if (!session.agent) return `session ${entry.sessionId} has no agent to resolve with: resolve the files in its worktree, commit, then retry`;
  return null;
}
