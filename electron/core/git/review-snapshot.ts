import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { councilCommit } from './commit';
import { git } from './git';
import { copyIndexFile } from './index-copy';
import { addAll, readTree, writeTree } from './index-file';
import { headCommit } from './refs';
import { worktreeGitDir } from './worktree-dir';

/**
 * What a code review needs of git: a commit of a worktree as it is now, kept under a ref; a file's
 * text at a commit.
 */

export interface WorktreeSnapshot {
  commit: string;
  tree: string;
  head: string;
}

/**
 * A commit of the worktree as it is now — HEAD plus its uncommitted work, untracked files too,
 * ignored files not — on top of HEAD. Built in a temporary index (a copy of the worktree's own,
 * with its time stamp, so only changed files are hashed and racily clean entries stay racy), so
 * the worktree's index, HEAD and files are never touched. `reuse`: an earlier snapshot, returned
 * as it is when neither HEAD nor the tree moved (no new commit for the same state).
 */
export async function snapshotWorktreeCommit(worktree: string, message: string, reuse?: WorktreeSnapshot | null): Promise<WorktreeSnapshot> {
  const head = await headCommit(worktree);
  const tree = await worktreeTree(worktree, head);
  if (reuse && reuse.head === head && reuse.tree === tree) return reuse;
  return { commit: await councilCommit(worktree, tree, head, message), tree, head };
}

/**
 * A tree of the worktree as it is now (committed, uncommitted and untracked work; ignored files
 * not), written through a temporary index: the real index is never touched.
 */
export async function worktreeTree(worktree: string, head?: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'council-review-'));
  const index = path.join(dir, 'index');
  try {
    let tree: string;
    try {
      const own = path.join(worktreeGitDir(worktree), 'index');
      if (!existsSync(own)) throw new Error('no index');
      copyIndexFile(own, index);
      await addAll(worktree, index);
      tree = await writeTree(worktree, index);
    } catch {
      // No index, or one git cannot use from elsewhere (a split index): start from HEAD's tree.
      rmSync(index, { force: true });
      await readTree(worktree, head ?? (await headCommit(worktree)), index);
      await addAll(worktree, index);
      tree = await writeTree(worktree, index);
    }
    return tree;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Points `ref` at `commit` (made or moved), so gc keeps the commit. */
export async function keepRef(cwd: string, ref: string, commit: string, reason: string): Promise<void> {
  await git(['update-ref', '-m', reason, ref, commit], { cwd });
}

/** The refs under `prefix` (e.g. `refs/council/review/<id>/`) with their commits. */
export async function refsUnder(cwd: string, prefix: string): Promise<{ ref: string; commit: string }[]> {
  const out = await git(['for-each-ref', '--format=%(refname) %(objectname)', prefix], { cwd });
  return out.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [ref = '', commit = ''] = line.split(' ');
      return { ref, commit };
    });
}

/** The text of `file` (repo-relative) at `commit`; null when the commit has no such file. */
export async function fileAtCommit(cwd: string, commit: string, file: string): Promise<string | null> {
  const out = await git(['cat-file', 'blob', `${commit}:${file}`], { cwd, okExitCodes: [128] });
  return out.exitCode === 0 ? out.stdout : null;
}

/** Whether `commit` exists in the repository (a snapshot gc could have taken). */
export async function commitExists(cwd: string, commit: string): Promise<boolean> {
  const out = await git(['cat-file', '-e', `${commit}^{commit}`], { cwd, okExitCodes: [1, 128] });
  return out.exitCode === 0;
}
