import { utimesSync } from 'node:fs';
import path from 'node:path';
import { holderOf, withHeldLock } from '../../electron/core/locks/held-lock';
import { withMergeLock } from '../../electron/core/locks/merge-lock';
import { withWorktreeAdmin } from '../../electron/core/git/worktree-admin';
import { withMutex } from '../../electron/core/state/json-store';
import type { Workspace } from '../../electron/core/workspace';
import { walk, type WalkEntry } from './walk';

/**
 * The lock half of the crash checker. The core has two kinds of cross-process lock, both left
 * behind by a holder killed with SIGKILL:
 *
 *  - short mutexes (`<file>.mutex`, a file created exclusively, state/file-mutex.ts: registry,
 *    queue, settings, per-session lock mutexes, context files), taken over MUTEX_STALE_MS (3 s)
 *    after they were taken. These are
 *    reclaimed here in real time, and each must be taken within MUTEX_RECLAIM_BOUND_MS.
 *  - held locks (folders made with an atomic mkdir, proper-lockfile: `merge.lock`, 10 s stale; `worktrees.lock`, the worktree-list lock, 15 s stale),
 *    held for as long as a merge or a `git worktree add` takes. Their holder must be dead; then
 *    their folder is aged past the stale time (the clock is skipped, as in merge-crash.ts: only the
 *    waiting is left out, the takeover is the lock's own) and each must be taken at once.
 *
 * And git's own lock files (`*.lock` under the git dir: refs, index, packed-refs, config; a
 * worktree's `locked` file) which a SIGKILLed git leaves and which git never takes over: any of
 * them left after recovery wedges that ref or index for good.
 */

export const MUTEX_RECLAIM_BOUND_MS = 5000;

export interface LockDirs {
  mutexes: string[];
  held: string[];
}

/** Every lock folder under the repository's council state (two levels down: locks/, context/). */
export function lockDirs(ws: Workspace): LockDirs {
  const found: LockDirs = { mutexes: [], held: [] };
  for (const e of walk(ws.paths.dir, intoStateFolders)) {
    if (e.name.endsWith('.mutex')) found.mutexes.push(e.full);
    else if (e.dir && e.name.endsWith('.lock')) found.held.push(e.full);
  }
  return found;
}

/** Into the council state's folders, two levels down, but not into a lock or mutex folder. */
export const intoStateFolders = (e: WalkEntry): boolean => e.depth < 2 && !e.name.endsWith('.mutex') && !e.name.endsWith('.lock');

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface ReclaimReport {
  violations: string[];
  /** How long each left-behind mutex took to take over, in ms. */
  mutexReclaimMs: number[];
  /** Held locks left behind by the killed process (aged, then taken). */
  heldReclaimed: string[];
}

/**
 * After a kill, before recovery: every lock the dead process left is taken over — mutexes within
 * the bound in real time, held locks at once once aged (see the top of this file).
 */
export async function reclaimLeftLocks(ws: Workspace): Promise<ReclaimReport> {
  const report: ReclaimReport = { violations: [], mutexReclaimMs: [], heldReclaimed: [] };
  const { mutexes, held } = lockDirs(ws);
  for (const dir of mutexes) {
    const started = Date.now();
    try {
      await withMutex(dir.slice(0, -'.mutex'.length), () => undefined);
      const ms = Date.now() - started;
      report.mutexReclaimMs.push(ms);
      if (ms > MUTEX_RECLAIM_BOUND_MS) report.violations.push(`mutex ${rel(ws, dir)} took ${ms} ms to reclaim (bound ${MUTEX_RECLAIM_BOUND_MS} ms)`);
    } catch (err) {
      report.violations.push(`mutex ${rel(ws, dir)} could not be reclaimed: ${(err as Error).message}`);
    }
  }
  const old = new Date(Date.now() - 120_000);
  for (const dir of held) {
    const lockPath = dir.slice(0, -'.lock'.length);
    const holder = holderOf(lockPath);
    if (holder && holder.pid !== process.pid && pidAlive(holder.pid)) {
      report.violations.push(`held lock ${rel(ws, dir)} names a live holder, process ${holder.pid} (${holder.purpose}), after the kill`);
      continue;
    }
    try {
      utimesSync(dir, old, old);
      await withHeldLock(lockPath, rel(ws, dir), 10_000, async () => undefined, { timeoutMs: 0, purpose: 'crash checker' });
      report.heldReclaimed.push(rel(ws, dir));
    } catch (err) {
      report.violations.push(`held lock ${rel(ws, dir)} could not be taken over once stale: ${(err as Error).message}`);
    }
  }
  return report;
}

/**
 * After recovery, with no process of ours alive: no lock folder is left; the merge lock, the
 * worktree-list lock, the registry and queue mutexes and each session's lock mutex are taken at
 * once; and git has no lock file left in its folder.
 */
export async function checkNothingWedged(ws: Workspace): Promise<string[]> {
  const violations: string[] = [];
  const { mutexes, held } = lockDirs(ws);
  for (const dir of [...mutexes, ...held]) violations.push(`lock folder ${rel(ws, dir)} is still there after recovery`);
  const quick = async (what: string, take: () => Promise<unknown>): Promise<void> => {
    const started = Date.now();
    try {
      await take();
      const ms = Date.now() - started;
      if (ms > 1000) violations.push(`${what} took ${ms} ms to take after recovery`);
    } catch (err) {
      violations.push(`${what} could not be taken after recovery: ${(err as Error).message}`);
    }
  };
  await quick('the merge lock', () => withMergeLock(ws, async () => undefined, { timeoutMs: 0, purpose: 'crash checker' }));
  await quick('the worktree-list lock', () => withWorktreeAdmin(ws, 'crash checker', async () => undefined));
  await quick('the registry mutex', () => withMutex(ws.paths.registry, () => undefined));
  await quick('the queue mutex', () => withMutex(ws.paths.queue, () => undefined));
  // The mutex a session's file locks are released under (FileLocks.sessionMutex).
  for (const s of ws.registry.all()) await quick(`session ${s.id}'s lock mutex`, () => withMutex(path.join(ws.paths.dir, 'locks', `session-${s.id}`), () => undefined));
  for (const file of gitLockFiles(ws.repo.commonDir)) violations.push(`git lock file ${file} is left behind (git never takes it over)`);
  return violations;
}

/** Git's lock files under its common dir (relative paths); our own council/ folder excluded. */
export function gitLockFiles(commonDir: string): string[] {
  return walk(commonDir, (e) => !(e.depth === 0 && (e.name === 'council' || e.name === 'objects')))
    .filter((e) => !e.dir && !(e.depth === 0 && (e.name === 'council' || e.name === 'objects')))
    .filter((e) => e.name.endsWith('.lock') || (e.rel.startsWith('worktrees/') && e.depth >= 2 && e.name === 'locked'))
    .map((e) => e.rel)
    .sort();
}

const rel = (ws: Workspace, p: string): string => path.relative(ws.paths.dir, p);
