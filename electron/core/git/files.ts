import { git } from './git';
import { parseNulList } from './parse';

/** Which files git tracks, ignores or does not know (ls-files, check-ignore). */

/** Of `rels` (worktree-relative), those git ignores in `worktree` (tracked files never are). */
export async function ignoredAmong(worktree: string, rels: readonly string[]): Promise<Set<string>> {
  if (rels.length === 0) return new Set();
  // Exit 1: none of them is ignored.
  const out = await git(['check-ignore', '-z', '--stdin'], { cwd: worktree, input: `${rels.join('\0')}\0`, okExitCodes: [1] });
  return new Set(parseNulList(out.stdout));
}

/** Of `rels`, those in git's index of `worktree`. */
export async function trackedAmong(worktree: string, rels: readonly string[]): Promise<Set<string>> {
  if (rels.length === 0) return new Set();
  const out = await git(['ls-files', '-z', '--', ...rels.map((rel) => `:(literal)${rel}`)], { cwd: worktree });
  return new Set(parseNulList(out.stdout));
}

/** Untracked files, not ignored (a nested repository shows as its folder, with a trailing '/'). */
export async function untrackedFiles(cwd: string, only: readonly string[] = []): Promise<string[]> {
  return parseNulList((await git(['ls-files', '--others', '--exclude-standard', '-z', ...(only.length ? ['--', ...only.map((rel) => `:(literal)${rel}`)] : [])], { cwd })).stdout);
}

/** Ignored untracked files, and ignored folders as a whole (with a trailing '/'). */
export async function ignoredEntries(cwd: string): Promise<string[]> {
  return parseNulList((await git(['ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z'], { cwd })).stdout);
}

/** The ignored untracked files inside these folders (worktree-relative, no trailing '/'). */
export async function ignoredFilesIn(cwd: string, dirs: readonly string[]): Promise<string[]> {
  const specs = dirs.map((dir) => `:(literal)${dir}/`);
  return parseNulList((await git(['ls-files', '--others', '--ignored', '--exclude-standard', '-z', '--', ...specs], { cwd })).stdout);
}
