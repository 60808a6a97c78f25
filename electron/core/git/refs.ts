import { readFileSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { CouncilError } from '../errors';
import { git } from './git';
import { parseObjectId } from './parse';

/** The branch the main checkout is on (read from its HEAD file), or null when detached. */
export function currentBranch(commonDir: string): string | null {
  const head = readFileSync(path.join(commonDir, 'HEAD'), 'utf8').trim();
  const match = /^ref: refs\/heads\/(.+)$/.exec(head);
  return match?.[1] ?? null;
}

/**
 * Whether git keeps this repository's refs as files (loose refs, packed-refs, HEAD files) that we
 * may read ourselves. False for reftable, for any other `extensions.refStorage`, and when the
 * config cannot be read: then ask git. The one reftable check.
 */
export function refsInFiles(commonDir: string): boolean {
  let config: string;
  try {
    config = readFileSync(path.join(commonDir, 'config'), 'utf8');
  } catch {
    return false;
  }
  const storage = /^\s*refstorage\s*=\s*(\S*)/im.exec(config)?.[1];
  return storage === undefined || storage.toLowerCase() === 'files';
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
/** Branch names we read from disk ourselves; anything unusual goes to git, which validates it. */
const PLAIN_BRANCH = /^(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._/-]{1,200}$/;

/**
 * A branch's commit read from the files git keeps (a loose ref, else packed-refs), the way git
 * itself does, saving a `git rev-parse` process (~4 ms) on every session create. Returns
 * `undefined` whenever it cannot be sure (reftable storage, a symbolic ref, an unusual name), and
 * the caller then asks git; `null` when the branch does not exist.
 */
export function readBranchCommit(commonDir: string, branch: string): string | null | undefined {
  if (!PLAIN_BRANCH.test(branch) || branch.startsWith('/') || branch.endsWith('/') || branch.endsWith('.lock')) return undefined;
  if (!refsInFiles(commonDir)) return undefined;
  const ref = `refs/heads/${branch}`;
  try {
    const loose = readFileSync(path.join(commonDir, ...ref.split('/')), 'utf8').trim();
    return SHA.test(loose) ? loose : undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return undefined;
  }
  let packed: string;
  try {
    packed = readFileSync(path.join(commonDir, 'packed-refs'), 'utf8');
  } catch {
    return null;
  }
  for (const line of packed.split('\n')) {
    if (line.endsWith(` ${ref}`)) {
      const sha = line.slice(0, line.indexOf(' '));
      return SHA.test(sha) ? sha : undefined;
    }
  }
  return null;
}

/** The commit a ref points at, or null when it does not exist. */
export async function resolveCommit(cwd: string, ref: string): Promise<string | null> {
  const out = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { cwd, okExitCodes: [1, 128] });
  return out.exitCode === 0 ? parseObjectId(out.stdout, `rev-parse ${ref}`) : null;
}

export const branchRef = (branch: string): string => `refs/heads/${branch}`;

/** Whether the repository has any commit at all (HEAD may be unborn while other branches exist). */
export async function hasAnyCommit(cwd: string): Promise<boolean> {
  const out = await git(['rev-list', '-n', '1', '--all'], { cwd });
  return out.stdout.trim() !== '';
}

/**
 * A local branch's commit, or null when it does not exist: read from git's files when that is
 * certain (no process), else asked of git. Reconcile and stats call this for every session.
 */
export async function branchCommit(commonDir: string, cwd: string, branch: string): Promise<string | null> {
  const known = readBranchCommit(commonDir, branch);
  return known === undefined ? resolveCommit(cwd, branchRef(branch)) : known;
}

/** The commit HEAD is on (fails when HEAD is unborn). */
export async function headCommit(cwd: string): Promise<string> {
  return parseObjectId((await git(['rev-parse', '--verify', 'HEAD'], { cwd })).stdout, 'rev-parse HEAD');
}

/** A commit's first parent, or null when it has none (or is unknown). */
export async function firstParent(cwd: string, commit: string): Promise<string | null> {
  const out = await git(['rev-parse', '--verify', '--quiet', `${commit}^1`], { cwd, okExitCodes: [1, 128] });
  return out.exitCode === 0 ? parseObjectId(out.stdout, `rev-parse ${commit}^1`) : null;
}

/** The tree of a commit. */
export async function treeOf(cwd: string, commit: string): Promise<string> {
  return parseObjectId((await git(['rev-parse', '--verify', `${commit}^{tree}`], { cwd })).stdout, `rev-parse ${commit}^{tree}`);
}

/** The full name of the branch HEAD is on (refs/heads/…), or null when detached. */
export async function symbolicHead(cwd: string): Promise<string | null> {
  const out = await git(['symbolic-ref', '-q', 'HEAD'], { cwd, okExitCodes: [1, 128] });
  return out.exitCode === 0 ? out.stdout.trim() : null;
}

/** The git dir of the worktree at `cwd`, asked of git. */
export async function absoluteGitDir(cwd: string): Promise<string> {
  const dir = (await git(['rev-parse', '--absolute-git-dir'], { cwd })).stdout.trim();
  if (!path.isAbsolute(dir)) throw new CouncilError('git-failed', `git rev-parse --absolute-git-dir printed ${JSON.stringify(dir.slice(0, 80))} in ${cwd}, not a folder`);
  return dir;
}

/** `git for-each-ref --format=<format> <pattern>`: one line per ref. */
export async function forEachRef(cwd: string, format: string, pattern: string): Promise<string[]> {
  const out = await git(['for-each-ref', `--format=${format}`, pattern], { cwd });
  return out.stdout.split('\n').filter(Boolean);
}

/** Creates `ref` at `commit`; fails if it already exists. */
export async function createRef(cwd: string, ref: string, commit: string, reason: string): Promise<void> {
  await git(['update-ref', '-m', reason, ref, commit, ''], { cwd });
}

/**
 * Deletes `ref` if it still points at `expected`; anything else (it moved, it is locked) throws.
 * A deletion takes `packed-refs.lock`: a git killed inside one (a removal stopped with Ctrl+C or
 * SIGKILL) leaves that lock, and then no ref of the repository can be deleted by anyone. With
 * `commonDir`, a lock left that way — unchanged for longer than git itself would wait for it — is
 * taken over and the deletion tried once more; a lock that changes is someone's git at work and stays.
 */
export async function deleteRef(cwd: string, ref: string, expected: string, commonDir?: string): Promise<void> {
  const args = ['update-ref', '-d', ref, expected];
  const out = await git(args, { cwd, okExitCodes: [1, 128] });
  if (out.exitCode === 0) return;
  if (commonDir !== undefined && /packed-refs\.lock': File exists/.test(out.stderr) && (await dropStaleLock(path.join(commonDir, 'packed-refs.lock')))) {
    await git(args, { cwd });
    return;
  }
  throw new CouncilError('git-failed', `git update-ref failed: ${out.stderr.trim() || `exit status ${out.exitCode}`}`, { args, exitCode: out.exitCode, stderr: out.stderr });
}

/** git waits up to 1 s for a busy packed-refs.lock (core.packedRefsTimeout): one unchanged for this
 * long was left by a git that is gone. */
export const STALE_GIT_LOCK_MS = 3000;

/** Deletes a git lock file that stays unchanged (same file, size and time) for STALE_GIT_LOCK_MS;
 * true when it is gone (deleted here, or by its owner meanwhile). */
export async function dropStaleLock(file: string, staleMs = STALE_GIT_LOCK_MS): Promise<boolean> {
  const look = (): string | null => {
    try {
      const s = statSync(file, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch {
      return null;
    }
  };
  const first = look();
  if (first === null) return true;
  for (let waited = 0; waited < staleMs; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = look();
    if (now === null) return true;
    if (now !== first) return false;
  }
  try {
    unlinkSync(file);
  } catch {
    // its owner finished meanwhile
  }
  return true;
}

/** Deletes `ref` if it still points at `expected`: false when git refused (moved, locked, gone). */
export async function tryDeleteRef(cwd: string, ref: string, expected: string): Promise<boolean> {
  return (await git(['update-ref', '-d', ref, expected], { cwd, okExitCodes: [1, 128] })).exitCode === 0;
}

/**
 * Moves a branch from `expected` to `next` only if it is still at `expected` (git's own
 * compare-and-swap: the ref is locked, checked and written as one step). False when the branch
 * has moved; anything else that goes wrong throws.
 */
export async function updateRefCas(cwd: string, branchRefName: string, next: string, expected: string, reason: string): Promise<boolean> {
  if (/[\n\0]/.test(reason)) throw new CouncilError('internal', 'a reflog message must be one line');
  const out = await git(['update-ref', '-m', reason, branchRefName, next, expected], { cwd, okExitCodes: [128, 1] });
  if (out.exitCode === 0) return true;
  if (/is at .* but expected|cannot lock ref|reference already exists|unable to resolve reference/i.test(out.stderr)) return false;
  throw new CouncilError('git-failed', `git update-ref failed: ${out.stderr.trim() || `exit status ${out.exitCode}`}`, { exitCode: out.exitCode, stderr: out.stderr });
}
