import path from 'node:path';
import { withHeldLock } from '../locks/held-lock';
import type { Workspace } from '../workspace';

/**
 * Git does not make `worktree add`, `remove` and `prune` safe against each other: an `add` that
 * runs while another is half-way fails with "failed to read .git/worktrees/<name>/commondir", and a
 * `prune` can delete the half-made entry of an `add` in progress. So every change to the
 * repository's list of worktrees goes through this lock, across processes.
 */
const WORKTREE_LOCK_STALE_MS = 15_000;
const WAIT_MS = 10 * 60_000;

export function withWorktreeAdmin<T>(ws: Workspace, purpose: string, fn: () => Promise<T>): Promise<T> {
  return withHeldLock(path.join(ws.paths.dir, 'worktrees'), "the repository's worktree list", WORKTREE_LOCK_STALE_MS, () => fn(), {
    timeoutMs: WAIT_MS,
    purpose,
  });
}
