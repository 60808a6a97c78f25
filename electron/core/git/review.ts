import { git, gitBytes } from './git';

/** What the review diff asks of git: whole patches, the session's commits, and blobs. */

/** `git diff <revs> -M [-w] --` with paths unquoted but for control characters (core.quotePath off). */
export async function fullPatch(cwd: string, revs: readonly string[], ignoreWhitespace: boolean): Promise<string> {
  return (await git(['-c', 'core.quotePath=false', 'diff', ...revs, '-M', ...(ignoreWhitespace ? ['-w'] : []), '--'], { cwd })).stdout;
}

export interface CommitRecord {
  sha: string;
  subject: string;
  author: string;
  time: string;
}

/** The commits `tip` has that `notIn` does not, newest first (at most `max`). */
export async function commitsBetween(cwd: string, tip: string, notIn: string, max: number): Promise<CommitRecord[]> {
  const out = await git(['log', `--max-count=${max}`, '--format=%H%x1f%s%x1f%an%x1f%aI%x1e', tip, '--not', notIn], { cwd });
  return out.stdout
    .split('\x1e')
    .map((record) => record.replace(/^\n/, ''))
    .filter(Boolean)
    .map((record) => {
      const [sha = '', subject = '', author = '', time = ''] = record.split('\x1f');
      return { sha, subject, author, time };
    });
}

/** The id of the empty tree in this repository's hash. */
export async function emptyTree(cwd: string): Promise<string> {
  return (await git(['hash-object', '-t', 'tree', '--stdin'], { cwd, input: '' })).stdout.trim();
}

/** The size of `<commit>:<path>`, or null when that commit has no such file. */
export async function blobSize(cwd: string, commit: string, rel: string): Promise<number | null> {
  const out = await git(['cat-file', '-s', `${commit}:${rel}`], { cwd, okExitCodes: [128] });
  return out.exitCode === 0 ? Number(out.stdout.trim()) : null;
}

/** The bytes of `<commit>:<path>`. */
export async function blobBytes(cwd: string, commit: string, rel: string): Promise<Buffer> {
  return gitBytes(['cat-file', 'blob', `${commit}:${rel}`], { cwd });
}
