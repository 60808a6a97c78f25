import { readdirSync, readFileSync, realpathSync, rmSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { Session } from '../../../shared/models';
import { pruneWorktrees, removeWorktree } from '../git/worktree';
import type { Workspace } from '../workspace';

/*
 * What a `git worktree add` cut off part-way (its process killed) leaves behind, and how a session
 * that never became ready is cleared of it. In order, `git worktree add -b B PATH C` (git 2.39):
 * creates branch B (ref lock `refs/heads/B.lock` while it does); makes its admin folder
 * `.git/worktrees/<name>` and writes `locked` ("initializing") into it, so that `git worktree prune`
 * leaves it alone; creates PATH and writes PATH/.git and the admin folder's `gitdir`, `commondir`
 * and a placeholder HEAD (all zeros); points HEAD at B; checks the files out (`git reset --hard`,
 * holding the admin folder's `index.lock`, and B's lock while it logs HEAD's move); and only then
 * deletes `locked`. Killed anywhere in there, git never cleans up, and a plain
 * `git worktree remove --force` refuses a locked worktree; prune skips it too. Council itself never
 * locks a worktree, so a locked worktree of a session still being created is always such a leftover.
 * Killed before the admin folder is written out, it even breaks the whole repository (see
 * unfinishedAdminFolders), whoever's add it was.
 *
 * Only for a session that was never ready: no agent has worked in it, so nothing in its folder can
 * be anyone's work. The folder itself is deleted only when git made it (it is empty, or its `.git`
 * file points at one of the session's admin folders): a folder of someone else's that happened to
 * stand at the session's path is left alone.
 */

/** The admin folders (under `<common dir>/worktrees/`) of a session's worktree, listed or not. */
function adminFolders(ws: Workspace, session: Session): string[] {
  const dir = path.join(ws.repo.commonDir, 'worktrees');
  const base = path.basename(session.worktreePath);
  const ownGitFile = real(path.join(session.worktreePath, '.git'));
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    const folder = path.join(dir, name);
    let gitdir: string | null;
    try {
      gitdir = readFileSync(path.join(folder, 'gitdir'), 'utf8').trim();
    } catch {
      gitdir = null;
    }
    // With `gitdir` written: it names the worktree. Without: git stopped right after making the
    // folder, named after the worktree's (session-unique) folder name, plus a number on a clash.
    const ours = gitdir !== null ? real(gitdir) === ownGitFile : new RegExp(`^${escape(base)}\\d*$`).test(name);
    if (ours) out.push(folder);
  }
  return out;
}

/** A path with its existing folders resolved through symlinks (git writes real paths). */
function real(p: string): string {
  const abs = path.resolve(p);
  try {
    return path.join(realpathSync.native(path.dirname(abs)), path.basename(abs));
  } catch {
    return abs;
  }
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Did git make this folder for one of `admin` (empty, or its `.git` file points there)? */
function madeByGit(folder: string, admin: readonly string[]): boolean {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return false;
  }
  if (entries.length === 0) return true;
  try {
    const pointer = /^gitdir: (.+)$/m.exec(readFileSync(path.join(folder, '.git'), 'utf8'))?.[1];
    return pointer !== undefined && admin.some((a) => real(path.resolve(folder, pointer.trim())) === real(a));
  } catch {
    return false;
  }
}

/**
 * Clears a never-ready session's worktree, however far `git worktree add` got: the worktree (even
 * locked), its admin folders and the folder git made. Call it holding the worktree-list lock
 * (withWorktreeAdmin).
 */
export async function clearHalfMadeWorktree(ws: Workspace, session: Session): Promise<void> {
  const cwd = ws.repo.mainRoot;
  // Twice forced: also a worktree still locked "initializing".
  await removeWorktree(cwd, session.worktreePath);
  const admin = adminFolders(ws, session);
  if (exists(session.worktreePath) && madeByGit(session.worktreePath, admin)) rmSync(session.worktreePath, { recursive: true, force: true });
  for (const folder of admin) rmSync(folder, { recursive: true, force: true });
  await pruneWorktrees(cwd);
}

/**
 * A never-ready session's branch is written only by its own `git worktree add -b`: when it creates
 * the branch, and when its `reset --hard` logs HEAD's move on it. Killed in either, git leaves the
 * branch's lock file, and the branch can then be neither deleted nor written again. That command
 * runs under the worktree-list lock, so the caller, holding that lock, knows it is over: the lock
 * file is the dead command's.
 */
export function dropLockOfUnfinishedBranch(ws: Workspace, session: Session): void {
  try {
    unlinkSync(`${path.join(ws.repo.commonDir, 'refs', 'heads', ...session.branch.split('/'))}.lock`);
  } catch {
    // no lock left: the usual case
  }
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Admin folders of `git worktree add`s that died before they had written them out: still locked
 * "initializing", with `commondir` or `HEAD` missing, empty or git's placeholder (all zeros). Git
 * cannot read such a folder, and it breaks the whole repository: an empty `commondir` makes every
 * `git worktree` command, `git fsck` and `git gc` fail ("failed to read .../commondir"); a
 * placeholder HEAD makes fsck and gc fail. Whoever's add it was (a session's, a merge queue scratch
 * worktree's, the user's own), the checkout had not begun: the folder holds nothing. Returns the
 * admin folders' names.
 */
export function unfinishedAdminFolders(ws: Workspace): string[] {
  const dir = path.join(ws.repo.commonDir, 'worktrees');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const read = (file: string): string => {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      return '';
    }
  };
  return names.filter((name) => {
    const folder = path.join(dir, name);
    if (read(path.join(folder, 'locked')) !== 'initializing') return false;
    const head = read(path.join(folder, 'HEAD'));
    return read(path.join(folder, 'commondir')) === '' || head === '' || /^0+$/.test(head);
  });
}

/** Removes unfinishedAdminFolders and the worktree folders git had made for them. Call it holding
 * the worktree-list lock (withWorktreeAdmin). */
export function clearUnfinishedAdminFolders(ws: Workspace): string[] {
  const names = unfinishedAdminFolders(ws);
  for (const name of names) {
    const admin = path.join(ws.repo.commonDir, 'worktrees', name);
    let worktree: string | null = null;
    try {
      const gitdir = readFileSync(path.join(admin, 'gitdir'), 'utf8').trim();
      if (gitdir) worktree = path.dirname(path.resolve(gitdir));
    } catch {
      // git stopped before writing it: no folder of its own to find
    }
    if (worktree && exists(worktree) && madeByGit(worktree, [admin])) rmSync(worktree, { recursive: true, force: true });
    rmSync(admin, { recursive: true, force: true });
  }
  return names;
}

