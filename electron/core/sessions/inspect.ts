import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Session, SessionStats } from '../../../shared/models';
import { pathsDiffering } from '../git/diff';
import { countCommits, leftRightCounts } from '../git/history';
import { snapshotTree } from '../git/index-file';
import { worktreeStatus } from '../git/status';
import { collectChanges } from './changes';
import type { ChangedFile } from '../../../shared/models';
import type { StatusEntry } from '../git/parse';
import { updateInProgress } from '../git/update';
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
    unmergedCommits = await countCommits(ws.repo.mainRoot, branchTip, target);
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
  return pathsDiffering(worktree, 'HEAD', await snapshotTree(worktree));
}

/**
 * The session's changes. While an update from its base stopped on conflicts (a merge or rebase in
 * progress in its worktree), the worktree holds the base's incoming changes too: the session's own
 * are then its branch's commits (an update starts only from a clean worktree, so nothing else).
 */
async function ownChanges(ws: Workspace, s: Session): Promise<{ files: ChangedFile[]; uncommitted: StatusEntry[] }> {
  const inWorktree = existsSync(path.join(s.worktreePath, '.git'));
  if (!inWorktree || (await updateInProgress(s.worktreePath)) === null) return collectChanges(ws, s);
  const [committed, uncommitted] = await Promise.all([collectChanges(ws, s, { committedOnly: true }), worktreeStatus(s.worktreePath)]);
  return { files: committed.files, uncommitted };
}

/** Ahead/behind the base branch, and the change since the fork point including uncommitted work
 * (the same file list the diff view shows, summed). */
export async function sessionStats(ws: Workspace, s: Session): Promise<SessionStats> {
  const target = await mergeTarget(ws, s);
  const [[behind, ahead], { files, uncommitted }] = await Promise.all([
    leftRightCounts(ws.repo.mainRoot, target, branchRef(s.branch)),
    ownChanges(ws, s),
  ]);
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
