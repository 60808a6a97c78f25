import { DIFF_CONTEXT_LINES } from '../../../shared/commands/diff';
import { git, gitBytes } from './git';
import { parseCount } from './parse';

/** What the review diff asks of git: whole patches, the session's commits, and blobs. */

/**
 * `git diff <revs> -M -U3 [-w] -- [paths]` with paths unquoted but for control characters
 * (core.quotePath off); `paths` (literal pathspecs) restrict it to those files.
 */
export async function fullPatch(cwd: string, revs: readonly string[], ignoreWhitespace: boolean, paths: readonly string[] = []): Promise<string> {
  const args = ['-c', 'core.quotePath=false', ...(paths.length ? ['--literal-pathspecs'] : []), 'diff', ...revs, '-M', `-U${DIFF_CONTEXT_LINES}`, ...(ignoreWhitespace ? ['-w'] : []), '--', ...paths];
  return (await git(args, { cwd })).stdout;
}

/** Where a file renamed in `<revs>` came from (`git diff --raw -M`: no patches), or null. */
export async function renameSource(cwd: string, revs: readonly string[], rel: string): Promise<string | null> {
  const out = (await git(['diff', ...revs, '-M', '--raw', '-z', '--diff-filter=R', '--'], { cwd })).stdout;
  // -z --raw: ":<modes> <ids> R<score>\0<from>\0<to>\0" per rename.
  const fields = out.split('\0');
  for (let i = 0; i + 2 < fields.length; i += 3) if (fields[i + 2] === rel) return fields[i + 1] ?? null;
  return null;
}

/** The id of the empty tree in this repository's hash. */
export async function emptyTree(cwd: string): Promise<string> {
  return (await git(['hash-object', '-t', 'tree', '--stdin'], { cwd, input: '' })).stdout.trim();
}

/** The size of `<commit>:<path>`, or null when that commit has no such file. */
export async function blobSize(cwd: string, commit: string, rel: string): Promise<number | null> {
  const out = await git(['cat-file', '-s', `${commit}:${rel}`], { cwd, okExitCodes: [128] });
  return out.exitCode === 0 ? parseCount(out.stdout, 'cat-file -s') : null;
}

/** The bytes of `<commit>:<path>`. */
export async function blobBytes(cwd: string, commit: string, rel: string): Promise<Buffer> {
  return gitBytes(['cat-file', 'blob', `${commit}:${rel}`], { cwd });
}
