import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Session, SessionStats } from '../../../shared/models';
import { git } from '../git/git';
import { parseLeftRight } from '../git/parse';
import { worktreeStatus } from '../git/status';
import { collectChanges } from './changes';
import { mergeState } from './merge-state';
import { branchCommit, branchRef } from '../git/refs';
import type { Workspace } from '../workspace';

/** What would be lost if a session's branch and worktree went away. */
export interface SessionWork {
  branchTip: string | null;
  worktreeExists: boolean;
  /** Commits on the session's branch that its base branch does not contain. */
  unmergedCommits: number;
  /** Paths with uncommitted changes (tracked or untracked, ignored files excluded). */
  uncommitted: string[];
}

/** The session branch's commits are compared with the base branch, or with the commit the
 * session started from when the base branch is gone. */
export async function mergeTarget(ws: Workspace, s: Session): Promise<string> {
  return (await branchCommit(ws.repo.commonDir, ws.repo.mainRoot, s.baseBranch)) ?? s.baseCommit;
}


/**
 * What the session holds that its base does not. `proveClean` (the default, for anything that may
 * delete): a clean status is checked against the worktree's content (hiddenChanges below), which
 * hashes every file; callers that only ask "is there anything to merge" pass false.
 */
export async function inspectWork(ws: Workspace, s: Session, options: { proveClean?: boolean } = {}): Promise<SessionWork> {
  const worktreeExists = existsSync(path.join(s.worktreePath, '.git'));
  const [branchTip, target, status] = await Promise.all([
    branchCommit(ws.repo.commonDir, ws.repo.mainRoot, s.branch),
    mergeTarget(ws, s),
    worktreeExists ? worktreeStatus(s.worktreePath) : Promise.resolve([]),
  ]);
  let unmergedCommits = 0;
  if (branchTip) {
    const out = await git(['rev-list', '--count', branchTip, '--not', target], { cwd: ws.repo.mainRoot });
    unmergedCommits = Number(out.stdout.trim());
  }
  const uncommitted = status.map((e) => e.path);
  // A clean status is only as true as the index it read: an index whose time stamp is newer than a
  // file's last change trusts that file's stat data, and a same-size rewrite in the same second
  // hides (issue 12, item 0). Before anything is deleted, the worktree's content is compared with
  // HEAD from a fresh index, which trusts no stat data.
  if ((options.proveClean ?? true) && worktreeExists && uncommitted.length === 0 && branchTip) uncommitted.push(...(await hiddenChanges(s.worktreePath)));
  return { branchTip, worktreeExists, unmergedCommits, uncommitted };
}

/** Paths whose content differs from HEAD though the worktree's index says they do not. */
async function hiddenChanges(worktree: string): Promise<string[]> {
  const tree = await snapshotTree(worktree);
  const out = await git(['diff-tree', '-r', '--name-only', '-z', '--no-renames', 'HEAD', tree], { cwd: worktree });
  return out.stdout.split('\0').filter(Boolean);
}

/** Ahead/behind the base branch, and the change since the fork point including uncommitted work
 * (the same file list the diff view shows, summed). */
export async function sessionStats(ws: Workspace, s: Session): Promise<SessionStats> {
  const target = await mergeTarget(ws, s);
  const [counts, { files, uncommitted }] = await Promise.all([
    git(['rev-list', '--left-right', '--count', `${target}...${branchRef(s.branch)}`], { cwd: ws.repo.mainRoot }),
    collectChanges(ws, s),
  ]);
  const [behind, ahead] = parseLeftRight(counts.stdout);
  const dirty = uncommitted.length > 0;
  const state = await mergeState(ws, s, { target, ahead, dirty });
  if (state.merged) return { ahead, behind, filesChanged: 0, insertions: 0, deletions: 0, dirty, merged: true, mergeBlocked: state.blocked };
  let insertions = 0;
  let deletions = 0;
  for (const file of files) {
    insertions += file.insertions ?? 0;
    deletions += file.deletions ?? 0;
  }
  return { ahead, behind, filesChanged: files.length, insertions, deletions, dirty, merged: false, mergeBlocked: state.blocked };
}

/** Fixed identity for commits the tool makes on its own (snapshots), so they never fail for want of
 * a configured user and never pretend a person made them. */
export const COUNCIL_IDENTITY = {
  GIT_AUTHOR_NAME: 'CLI Council',
  GIT_AUTHOR_EMAIL: 'council@localhost',
  GIT_COMMITTER_NAME: 'CLI Council',
  GIT_COMMITTER_EMAIL: 'council@localhost',
};

/**
 * The tree of a worktree as it is now: HEAD plus its uncommitted work (tracked changes and
 * untracked files, ignored files excluded), written through a temporary index, so the worktree's
 * own index and files are never touched.
 */
export async function snapshotTree(worktree: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'council-index-'));
  const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
  try {
    await git(['read-tree', 'HEAD'], { cwd: worktree, env });
    await git(['add', '--all', '--', '.'], { cwd: worktree, env });
    return (await git(['write-tree'], { cwd: worktree, env })).stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Records a worktree's uncommitted work as a commit on top of its HEAD (see snapshotTree). */
export async function snapshotWorktree(worktree: string, message: string): Promise<string> {
  const tree = await snapshotTree(worktree);
  const out = await git(['commit-tree', tree, '-p', 'HEAD', '-m', message], { cwd: worktree, env: COUNCIL_IDENTITY });
  return out.stdout.trim();
}
