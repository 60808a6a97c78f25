import { git } from './git';
import { parseDiffTree, parseDiffTreeStdin, parseNulList, parseRawNumstat, type NameStatus, type RawNumstatEntry, type TreeChange } from './parse';

/** What differs: between commits and trees (diff-tree), and in a worktree (diff). */

/** Every path that differs between two commits, with both sides' blobs. */
export async function treeChanges(cwd: string, from: string, to: string): Promise<TreeChange[]> {
  const out = await git(['diff-tree', '-r', '-z', '--no-renames', '--no-commit-id', from, to], { cwd });
  return parseDiffTree(out.stdout);
}

/** The paths that differ between two trees or commits (renames off). */
export async function pathsDiffering(cwd: string, from: string, to: string): Promise<string[]> {
  return parseNulList((await git(['diff-tree', '-r', '--name-only', '-z', '--no-renames', from, to], { cwd })).stdout);
}

/**
 * Whether going from `from` to `to` changes a `.gitattributes` file (at any depth). Merges read
 * attributes (merge=union, custom drivers) from the checkout's working tree, not from the commits
 * being merged, so a train must not merge anything on top of an entry that changes them before the
 * checkout holds them (found by the replay of flask's history: CHANGES.rst merge=union).
 */
export async function changesGitAttributes(cwd: string, from: string, to: string): Promise<boolean> {
  const out = await git(['diff-tree', '-r', '--name-only', '-z', '--no-renames', from, to, '--', ...ATTRIBUTE_FILES], { cwd });
  return out.stdout.length > 0;
}

const ATTRIBUTE_FILES = ['.gitattributes', ':(glob)**/.gitattributes'];

/** The first of these steps (from → to) that changes merge attributes, or -1; one git process for
 * them all (`diff-tree --stdin`), where changesGitAttributes is one per step. */
export async function firstGitAttributesChange(cwd: string, steps: readonly DiffRequest[]): Promise<number> {
  const answers = await changedFilesMany(cwd, steps, ATTRIBUTE_FILES);
  return answers.findIndex((files) => files.length > 0);
}

export interface DiffRequest {
  from: string;
  to: string;
}

/**
 * The files changed between each request's two commits (renames off: a rename is a deletion and an
 * addition), all in one `git diff-tree --stdin` process. Each input line is read as "a commit and
 * its parents", so `<to> <from>` diffs from → to; --always prints a header even for an empty diff,
 * which is what keeps the answers in step with the requests. `pathspecs`: only these paths.
 */
export async function changedFilesMany(cwd: string, requests: readonly DiffRequest[], pathspecs: readonly string[] = []): Promise<NameStatus[][]> {
  if (requests.length === 0) return [];
  const limit = pathspecs.length ? ['--', ...pathspecs] : [];
  const out = await git(['diff-tree', '--stdin', '--always', '-r', '-z', '--name-status', '--no-renames', '--format=>%H', ...limit], {
    cwd,
    input: requests.map((r) => `${r.to} ${r.from}\n`).join(''),
  });
  return parseDiffTreeStdin(out.stdout, requests.length);
}

/** The paths left unmerged in a worktree (a conflicted merge or cherry-pick). */
export async function unmergedPaths(worktree: string): Promise<string[]> {
  return parseNulList((await git(['diff', '--name-only', '-z', '--diff-filter=U'], { cwd: worktree })).stdout);
}

/** `git diff <revs> --raw --numstat -z -M`: each changed file with its status and line counts. */
export async function diffSummary(cwd: string, revs: readonly string[]): Promise<RawNumstatEntry[]> {
  return parseRawNumstat((await git(['diff', ...revs, '--raw', '--numstat', '-z', '-M', '--'], { cwd })).stdout);
}

/** `git diff <revs> -M -- <paths>`: the unified patch of these paths. */
export async function diffPatch(cwd: string, revs: readonly string[], paths: readonly string[]): Promise<string> {
  return (await git(['diff', ...revs, '-M', '--', ...paths], { cwd })).stdout;
}

/** The patch that adds an untracked file (`git diff --no-index /dev/null <file>`). */
export async function newFilePatch(cwd: string, relPath: string): Promise<string> {
  return (await git(['diff', '--no-index', '--', '/dev/null', relPath], { cwd, okExitCodes: [1] })).stdout;
}
