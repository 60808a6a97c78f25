import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Session, SessionStats } from '../../../shared/models';
import { git } from '../git/git';
import { parseLeftRight, parseNumstat, parseStatusV2, type StatusEntry } from '../git/parse';
import { branchRef, resolveCommit } from '../git/refs';
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
async function mergeTarget(ws: Workspace, s: Session): Promise<string> {
  return (await resolveCommit(ws.repo.mainRoot, branchRef(s.baseBranch))) ?? s.baseCommit;
}

export async function worktreeStatus(worktree: string): Promise<StatusEntry[]> {
  const out = await git(['status', '--porcelain=v2', '-z', '--untracked-files=all'], {
    cwd: worktree,
    env: { GIT_OPTIONAL_LOCKS: '0' },
  });
  return parseStatusV2(out.stdout).filter((e) => e.kind !== 'ignored');
}

export async function inspectWork(ws: Workspace, s: Session): Promise<SessionWork> {
  const worktreeExists = existsSync(path.join(s.worktreePath, '.git'));
  const [branchTip, target, status] = await Promise.all([
    resolveCommit(ws.repo.mainRoot, branchRef(s.branch)),
    mergeTarget(ws, s),
    worktreeExists ? worktreeStatus(s.worktreePath) : Promise.resolve([]),
  ]);
  let unmergedCommits = 0;
  if (branchTip) {
    const out = await git(['rev-list', '--count', branchTip, '--not', target], { cwd: ws.repo.mainRoot });
    unmergedCommits = Number(out.stdout.trim());
  }
  return { branchTip, worktreeExists, unmergedCommits, uncommitted: status.map((e) => e.path) };
}

/** Lines in a file git does not track yet, as `diff` would count them (binary and huge files: 0). */
function countLines(file: string): number {
  try {
    if (statSync(file).size > 4 * 1024 * 1024) return 0;
    const text = readFileSync(file);
    if (text.includes(0)) return 0;
    let lines = 0;
    for (const byte of text) if (byte === 10) lines++;
    return text.length > 0 && text[text.length - 1] !== 10 ? lines + 1 : lines;
  } catch {
    return 0;
  }
}

/** Ahead/behind the base branch, and the change since the fork point including uncommitted work. */
export async function sessionStats(ws: Workspace, s: Session): Promise<SessionStats> {
  const target = await mergeTarget(ws, s);
  const cwd = existsSync(path.join(s.worktreePath, '.git')) ? s.worktreePath : null;
  const [counts, mergeBase] = await Promise.all([
    git(['rev-list', '--left-right', '--count', `${target}...${branchRef(s.branch)}`], { cwd: ws.repo.mainRoot }),
    git(['merge-base', target, branchRef(s.branch)], { cwd: ws.repo.mainRoot, okExitCodes: [1] }),
  ]);
  const [behind, ahead] = parseLeftRight(counts.stdout);
  const base = mergeBase.stdout.trim() || s.baseCommit;
  let filesChanged = 0;
  let insertions = 0;
  let deletions = 0;
  let dirty = false;
  if (cwd) {
    const [numstat, status] = await Promise.all([
      git(['diff', '--numstat', '-z', base, '--'], { cwd }),
      worktreeStatus(cwd),
    ]);
    for (const entry of parseNumstat(numstat.stdout)) {
      filesChanged++;
      insertions += entry.insertions ?? 0;
      deletions += entry.deletions ?? 0;
    }
    dirty = status.length > 0;
    for (const entry of status) {
      if (entry.kind !== 'untracked') continue;
      filesChanged++;
      insertions += countLines(path.join(cwd, entry.path));
    }
  } else {
    const numstat = await git(['diff', '--numstat', '-z', base, branchRef(s.branch), '--'], { cwd: ws.repo.mainRoot });
    for (const entry of parseNumstat(numstat.stdout)) {
      filesChanged++;
      insertions += entry.insertions ?? 0;
      deletions += entry.deletions ?? 0;
    }
  }
  return { ahead, behind, filesChanged, insertions, deletions, dirty };
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
 * Records a worktree's uncommitted work (tracked changes and untracked files, ignored files
 * excluded) as a commit on top of its HEAD, through a temporary index: the worktree's own index
 * and files are never touched.
 */
export async function snapshotWorktree(worktree: string, message: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'council-index-'));
  const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
  try {
    await git(['read-tree', 'HEAD'], { cwd: worktree, env });
    await git(['add', '--all', '--', '.'], { cwd: worktree, env });
    const tree = (await git(['write-tree'], { cwd: worktree, env })).stdout.trim();
    const out = await git(['commit-tree', tree, '-p', 'HEAD', '-m', message], { cwd: worktree, env: COUNCIL_IDENTITY });
    return out.stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
