import { DIFF_CONTEXT_LINES } from '../../../shared/commands/diff';
import { git, gitBytes } from './git';

/** What the review diff asks of git: whole patches, the session's commits, and blobs. */

/** `git diff <revs> -M -U3 [-w] -- [paths]` with paths unquoted but for control characters (core.quotePath off). */
export async function fullPatch(cwd: string, revs: readonly string[], ignoreWhitespace: boolean): Promise<string> {
  return (await git(['-c', 'core.quotePath=false', 'diff', ...revs, '-M', `-U${DIFF_CONTEXT_LINES}`, ...(ignoreWhitespace ? ['-w'] : []), '--'], { cwd })).stdout;
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
