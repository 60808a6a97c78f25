import { readFileSync } from 'node:fs';
import path from 'node:path';
import { git } from './git';

/** The branch the main checkout is on (read from its HEAD file), or null when detached. */
export function currentBranch(commonDir: string): string | null {
  const head = readFileSync(path.join(commonDir, 'HEAD'), 'utf8').trim();
  const match = /^ref: refs\/heads\/(.+)$/.exec(head);
  return match?.[1] ?? null;
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
  try {
    if (/^\s*refstorage\s*=/im.test(readFileSync(path.join(commonDir, 'config'), 'utf8'))) return undefined;
  } catch {
    return undefined;
  }
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
  return out.exitCode === 0 ? out.stdout.trim() : null;
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
