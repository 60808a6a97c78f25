import { randomBytes } from 'node:crypto';
import { linkSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CouncilError } from '../errors';
import { isAlive } from '../agents/runner/process-tree';
import { readTree, tryWriteTree } from '../git/index-file';
import { firstParent, headCommit, treeOf } from '../git/refs';
import { worktreeGitDir } from '../git/worktree-dir';
import { copyIndexFile } from '../git/index-copy';

/*
 * Changing a session worktree's index without leaving git's `index.lock` behind when we are killed.
 *
 * `git add` and `git commit` take `<gitdir>/index.lock`, and a git killed while it holds the file
 * (SIGKILL of our process group, a container stopped, a power cut) leaves it there for good: from
 * then on every git command that writes that index — the agent's own `git commit`, our next commit,
 * a merge of the session — fails with "index.lock: File exists", and nothing tells whose file it
 * is. (Found by the lifecycle crash loop: a merge killed while committing the session's pending work.)
 *
 * So we take the lock ourselves, the way git does, with a file that says it is ours: a token naming
 * our process and the HEAD we started from, written to a temporary file and hard-linked into place
 * (an exclusive create that is never seen half-written). While we hold it no other git command can
 * write the index. Git works on a copy of the index (GIT_INDEX_FILE), which replaces the real one
 * by a rename once the work is done; then we let go of the lock. A crash leaves at worst our lock
 * and our copy, which recoverIndexLock clears once our process is dead: the copy is put in place
 * when the commit it was made for happened (HEAD moved on, from the HEAD we recorded, to a commit of
 * exactly the copy's tree), else dropped, leaving the index as it was before. The locks `git
 * commit` itself takes last, on the branch and on HEAD, are cleared with it (dropRefLocksOfDeadCommit).
 */

const MARK = 'council session index';
const TOKEN = new RegExp(`^${MARK} pid (\\d+) head ([0-9a-f]+) tag ([\\w-]+)$`);

const tempIndexOf = (gitDir: string, tag: string): string => path.join(gitDir, `index.council-${tag}`);

/** Deletes a file that may already be gone (or never made it). */
export function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

/**
 * Runs `fn` holding the worktree's index.lock (our own, see above), with the path of a copy of the
 * index for git to work on (pass it as GIT_INDEX_FILE). When `fn` succeeds the copy becomes the
 * index; when it fails the index is left as it was.
 */
export async function withIndexCopy<T>(worktree: string, fn: (indexCopy: string) => Promise<T>): Promise<T> {
  await recoverIndexLock(worktree);
  const gitDir = worktreeGitDir(worktree);
  const tag = `session-${process.pid}-${randomBytes(6).toString('hex')}`;
  const lockFile = path.join(gitDir, 'index.lock');
  const lockTemp = path.join(gitDir, `index.lock.council-${tag}`);
  const token = `${MARK} pid ${process.pid} head ${await headCommit(worktree)} tag ${tag}`;
  writeFileSync(lockTemp, token, { flag: 'wx' });
  try {
    linkSync(lockTemp, lockFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    throw new CouncilError('lock-busy', `another git command is working in ${worktree} (${lockFile} exists); if none is, it was left by a crashed git: delete that file`);
  } finally {
    removeQuietly(lockTemp);
  }
  const copy = tempIndexOf(gitDir, tag);
  try {
    try {
      copyIndexFile(path.join(gitDir, 'index'), copy);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const result = await fn(copy);
    renameSync(copy, path.join(gitDir, 'index'));
    return result;
  } finally {
    removeQuietly(copy);
    removeQuietly(`${copy}.lock`);
    if (readToken(lockFile) === token) removeQuietly(lockFile);
  }
}

function readToken(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Clears what a killed withIndexCopy left in a worktree (see the top of this file): our lock, once
 * the process named in it is dead, and our temporary files. Never touches a lock git made (its
 * content is index data, not our token) or one of a live process. Returns whether it cleared a lock.
 */
export async function recoverIndexLock(worktree: string): Promise<boolean> {
  let gitDir: string;
  try {
    gitDir = worktreeGitDir(worktree);
  } catch {
    return false;
  }
  const lockFile = path.join(gitDir, 'index.lock');
  const token = readToken(lockFile);
  const match = token ? TOKEN.exec(token) : null;
  let cleared = false;
  if (token && match && !isAlive(Number(match[1]))) {
    const [, , startHead, tag] = match as unknown as [string, string, string, string];
    await dropRefLocksOfDeadCommit(worktree, gitDir, startHead);
    const copy = tempIndexOf(gitDir, tag);
    // The dead git's own lock on our private copy (killed after moving HEAD, before renaming its
    // refreshed copy into place): with it there, git cannot read the copy as an index.
    removeQuietly(`${copy}.lock`);
    if (await commitOfCopyHappened(worktree, copy, startHead)) renameSync(copy, path.join(gitDir, 'index'));
    else if (await commitHappened(worktree, startHead)) await indexFromHead(worktree, gitDir, copy);
    // Still our token: nobody can have replaced the lock while it was held.
    if (readToken(lockFile) === token) removeQuietly(lockFile);
    cleared = true;
  }
  // Leftovers of dead processes: a lock file never linked into place, copies never put in place.
  for (const name of safeReaddir(gitDir)) {
    const pid = /^index(?:\.lock)?\.council-session-(\d+)-[0-9a-f]+(?:\.lock)?$/.exec(name)?.[1];
    if (pid && !isAlive(Number(pid))) removeQuietly(path.join(gitDir, name));
  }
  return cleared;
}

/**
 * `git commit` ends by moving the branch: it locks the branch's ref (writing the new commit into
 * the lock) and the worktree's HEAD (to append HEAD's reflog), and killed in between it leaves
 * either lock behind, refusing every later commit there. With our index.lock still in place no
 * other commit, checkout or reset in this worktree can have started since, so the worktree's
 * HEAD.lock is the dead commit's; the branch's lock is dropped only when it holds a commit made on
 * top of the HEAD we started from (the branch is shared with no one, but the proof costs little).
 */
async function dropRefLocksOfDeadCommit(worktree: string, gitDir: string, startHead: string): Promise<void> {
  removeQuietly(path.join(gitDir, 'HEAD.lock'));
  const ref = /^ref: (refs\/heads\/\S+)$/m.exec(readToken(path.join(gitDir, 'HEAD')) ?? '')?.[1];
  if (!ref) return;
  let commonDir = gitDir;
  try {
    commonDir = path.resolve(gitDir, readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim());
  } catch {
    // the main checkout's git dir is the common dir
  }
  const refLock = `${path.join(commonDir, ...ref.split('/'))}.lock`;
  const written = readToken(refLock)?.trim();
  if (!written || !/^[0-9a-f]{40,64}$/.test(written)) return;
  if ((await firstParent(worktree, written)) === startHead) removeQuietly(refLock);
}

/** Did a commit on top of `startHead` happen (HEAD is a child of it)? */
async function commitHappened(worktree: string, startHead: string): Promise<boolean> {
  const now = await headCommit(worktree);
  if (now === startHead) return false;
  return (await firstParent(worktree, now)) === startHead;
}

/**
 * The commit happened but its index copy is gone or unreadable: the worktree's index still holds
 * the state before it, and would show the committed work as undone (and a next commit would find
 * "nothing to commit"). Its index becomes HEAD's tree (through the copy's path, then a rename):
 * what the commit staged is exactly what it committed, and the files are not touched.
 */
async function indexFromHead(worktree: string, gitDir: string, copy: string): Promise<void> {
  removeQuietly(copy);
  await readTree(worktree, 'HEAD', copy);
  renameSync(copy, path.join(gitDir, 'index'));
}

/** Did the commit a copy was made for happen: HEAD moved from `startHead` to a child whose tree is the copy's? */
async function commitOfCopyHappened(worktree: string, copy: string, startHead: string): Promise<boolean> {
  try {
    statSync(copy);
  } catch {
    return false;
  }
  const now = await headCommit(worktree);
  if (now === startHead) return false;
  if ((await firstParent(worktree, now)) !== startHead) return false;
  // A copy cut off mid-write is not a valid index: write-tree fails, and it is dropped.
  const tree = await tryWriteTree(worktree, copy);
  return tree !== null && tree === (await treeOf(worktree, now));
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
