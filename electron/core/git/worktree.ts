import { git } from './git';
import { parseWorktreeList, type WorktreeEntry } from './parse';

/**
 * git's list of worktrees: list, add, remove, prune. Changes to the list go through
 * withWorktreeAdmin (worktree-admin.ts), which callers hold.
 */

export async function listWorktrees(mainRoot: string): Promise<WorktreeEntry[]> {
  return parseWorktreeList((await git(['worktree', 'list', '--porcelain', '-z'], { cwd: mainRoot })).stdout);
}

/** A new worktree at `dir` on a new branch `branch` starting at `start`. */
export async function addWorktreeWithBranch(mainRoot: string, dir: string, branch: string, start: string): Promise<void> {
  await git(['worktree', 'add', '-b', branch, dir, start], { cwd: mainRoot });
}

/** A new worktree at `dir` on the existing branch `branch`. */
export async function addWorktree(mainRoot: string, dir: string, branch: string): Promise<void> {
  await git(['worktree', 'add', dir, branch], { cwd: mainRoot });
}

/** A new worktree at `dir`, detached at `commit`, with no files checked out (and no hook run). */
export async function addDetachedWorktreeNoCheckout(mainRoot: string, dir: string, commit: string): Promise<void> {
  await git(['worktree', 'add', '--detach', '--no-checkout', dir, commit], { cwd: mainRoot });
}

/** `git reset --hard`: the worktree's index and files become HEAD's (runs no hook). */
export async function resetHard(worktree: string): Promise<void> {
  await git(['reset', '--hard'], { cwd: worktree });
}

/** Removes a worktree whatever is in it, even locked (twice forced). False when git refused or
 * did not know it (exit 128). */
export async function removeWorktree(mainRoot: string, dir: string): Promise<boolean> {
  return (await git(['worktree', 'remove', '--force', '--force', dir], { cwd: mainRoot, okExitCodes: [128] })).exitCode === 0;
}

/** Unlocks a worktree; false when git refused (not locked, unknown). */
export async function unlockWorktree(mainRoot: string, dir: string): Promise<boolean> {
  return (await git(['worktree', 'unlock', dir], { cwd: mainRoot, okExitCodes: [128] })).exitCode === 0;
}

/** Drops git's records of worktrees whose folders are gone. */
export async function pruneWorktrees(mainRoot: string): Promise<void> {
  await git(['worktree', 'prune'], { cwd: mainRoot });
}
