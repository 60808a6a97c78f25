import os from 'node:os';
import path from 'node:path';
import type { RepoLocation } from '../git/repo';

/** The files of one repository's shared state, all under `<git common dir>/council/`. */
export interface StatePaths {
  dir: string;
  registry: string;
  /** The last removed sessions (sessions/removed-log.ts). */
  removedLog: string;
  locks: string;
  settings: string;
  contextDir: string;
  merge: string;
  /** Agent runs: `<session>.<run>.json` records, their output logs and event files. */
  runs: string;
  /** Per-session private agent files (a CLI's own config home, when one is needed). */
  agents: string;
  /** Follow-ups on their way to a session's agent: `<session>.json` (agents/inbox.ts). */
  inbox: string;
  /** The merge queue, and its gates' output logs. */
  queue: string;
  gateLogs: string;
  /** Code reviews, one `<session>.json` each (core/review/store.ts). */
  reviews: string;
  /** The default-base radar as last computed by any process, with each session's file changes
   * (core/radar/stored.ts): what the peers view reads instead of running git. */
  radar: string;
  /** Messages between sessions and the person supervising, bounded (core/coordination/messages.ts). */
  messages: string;
  /** What each session's agent was last told in its digest, `<session>.json` (coordination/digest-state.ts). */
  digests: string;
}

export function statePaths(repo: RepoLocation): StatePaths {
  const dir = path.join(repo.commonDir, 'council');
  return {
    dir,
    registry: path.join(dir, 'sessions.json'),
    removedLog: path.join(dir, 'removed.json'),
    locks: path.join(dir, 'locks.json'),
    settings: path.join(dir, 'settings.json'),
    contextDir: path.join(dir, 'context'),
    merge: path.join(dir, 'merge'),
    runs: path.join(dir, 'runs'),
    agents: path.join(dir, 'agents'),
    inbox: path.join(dir, 'inbox'),
    queue: path.join(dir, 'queue.json'),
    gateLogs: path.join(dir, 'gate-logs'),
    reviews: path.join(dir, 'reviews'),
    radar: path.join(dir, 'radar.json'),
    messages: path.join(dir, 'messages.json'),
    digests: path.join(dir, 'digests'),
  };
}

export const contextFile = (paths: StatePaths, sessionId: string): string => path.join(paths.contextDir, `${sessionId}.json`);

/** Default home of a repository's session worktrees: outside the user's working tree, one folder
 * per repository (its name plus a hash of its git dir, so two clones named alike never mix). */
export async function defaultWorktreeRoot(repo: RepoLocation): Promise<string> {
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256').update(repo.commonDir).digest('hex').slice(0, 8);
  const name = path.basename(repo.mainRoot).replace(/[^A-Za-z0-9._-]+/g, '-') || 'repo';
  return path.join(os.homedir(), '.council', 'worktrees', `${name}-${hash}`);
}
