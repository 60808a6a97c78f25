import type { Workspace } from '../workspace';
import { withHeldLock, type HeldLockOptions } from './held-lock';

/** One merge at a time per repository, across processes; a dead holder loses it after this long. */
export const MERGE_LOCK_STALE_MS = 10_000;

export type MergeLockOptions = HeldLockOptions;

/** Runs `fn` holding the repository's merge lock. `fn` learns if the lock was lost while held. */
export function withMergeLock<T>(ws: Workspace, fn: (lost: () => boolean) => Promise<T>, options: MergeLockOptions = {}): Promise<T> {
  return withHeldLock(ws.paths.merge, 'the merge lock (another merge is in progress in this repository)', MERGE_LOCK_STALE_MS, fn, options);
}
