import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addDetachedWorktreeNoCheckout, listWorktrees, pruneWorktrees, removeWorktree, resetHard, unlockWorktree } from '../git/worktree';
import { withWorktreeAdmin } from '../git/worktree-admin';
import { clearUnfinishedAdminFolders } from '../sessions/half-made';
import type { Workspace } from '../workspace';

/**
 * Scratch worktrees of the merge queue: a detached checkout of a commit, where a rebase is
 * replayed or the gate runs, never the user's checkout nor a session's. They live in one folder
 * per repository under the system's temp folder (outside the repository, so no file watcher of
 * ours or the user's sees a gate's build output), named after the entry; whatever is found there
 * after a crash is ours to remove.
 *
 * A scratch worktree is made without a checkout, then filled by `git reset --hard`: git runs the
 * user's post-checkout hook on `worktree add` (husky and friends install dependencies there), which
 * has no business in a scratch copy; reset runs no hook.
 */

export function tempRoot(ws: Workspace): string {
  const hash = createHash('sha256').update(ws.repo.commonDir).digest('hex').slice(0, 10);
  return path.join(os.tmpdir(), `council-merge-${hash}`);
}

const isWithin = (parent: string, child: string): boolean => {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

/** A detached scratch worktree at `commit`, for entry `entryId`; `purpose` names it (rebase, gate). */
export async function addTempWorktree(ws: Workspace, entryId: string, purpose: string, commit: string): Promise<string> {
  const root = tempRoot(ws);
  mkdirSync(root, { recursive: true });
  const dir = path.join(root, `${entryId}-${purpose}-${randomBytes(2).toString('hex')}`);
  await withWorktreeAdmin(ws, `merge queue: scratch worktree for entry ${entryId}`, () =>
    addDetachedWorktreeNoCheckout(ws.repo.mainRoot, dir, commit),
  );
  await resetHard(dir);
  return dir;
}

/** Removes a scratch worktree, whatever is in it; already gone is fine. */
export async function removeTempWorktree(ws: Workspace, dir: string): Promise<void> {
  await withWorktreeAdmin(ws, 'merge queue: remove a scratch worktree', async () => {
    const removed = await removeWorktree(ws.repo.mainRoot, dir);
    rmSync(dir, { recursive: true, force: true });
    if (!removed) await pruneWorktrees(ws.repo.mainRoot);
  });
}

/**
 * After a crash: every scratch worktree git still lists under our folder (locked ones too: a
 * `worktree add` killed half-way leaves its entry locked "initializing"), and every folder left
 * there, is removed. Returns the paths removed. An add killed so early that its admin folder is
 * unreadable (empty commondir or HEAD) makes every `git worktree` command fail, this one's first:
 * such folders are cleared before, as reconcile does, so the queue does not depend on a
 * reconcile having run (`council merge --wait` right after a crash).
 */
export async function cleanupTempWorktrees(ws: Workspace): Promise<string[]> {
  const root = tempRoot(ws);
  const cwd = ws.repo.mainRoot;
  const removed: string[] = [];
  await withWorktreeAdmin(ws, 'merge queue: clean up scratch worktrees', async () => {
    // Holding the worktree-list lock, no add is under way: an unfinished one is a dead process's.
    for (const name of clearUnfinishedAdminFolders(ws)) removed.push(path.join(ws.repo.commonDir, 'worktrees', name));
    const listed = await listWorktrees(cwd);
    const roots = existsSync(root) ? [root, realpathSync(root)] : [root];
    for (const w of listed) {
      if (!roots.some((r) => isWithin(r, w.path))) continue;
      if (w.locked) await unlockWorktree(cwd, w.path);
      await removeWorktree(cwd, w.path);
      rmSync(w.path, { recursive: true, force: true });
      removed.push(w.path);
    }
    if (existsSync(root)) {
      for (const name of readdirSync(root)) {
        const dir = path.join(root, name);
        if (!removed.includes(dir)) removed.push(dir);
        rmSync(dir, { recursive: true, force: true });
      }
    }
    if (removed.length) await pruneWorktrees(cwd);
  });
  return removed;
}
