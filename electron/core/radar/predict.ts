import { git } from '../git/git';
import { parseDiffTreeStdin, type NameStatus } from './parse';

/**
 * The radar's questions to git, each answered without touching any working tree: where two commits
 * meet (merge-base), what changed from one commit to another (diff-tree), and what merging two
 * commits would do (git/merge-tree.ts).
 */

/** The best common ancestor of two commits, or null when they share no history. */
export async function mergeBase(cwd: string, a: string, b: string): Promise<string | null> {
  if (a === b) return a;
  const out = await git(['merge-base', a, b], { cwd, okExitCodes: [1] });
  return out.exitCode === 0 ? out.stdout.trim() : null;
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

/** Every leading folder of a path (`a/b/c.ts` → `a`, `a/b`); the top folder is left out. */
function foldersOf(file: string): string[] {
  const folders: string[] = [];
  for (let slash = file.indexOf('/'); slash !== -1; slash = file.indexOf('/', slash + 1)) folders.push(file.slice(0, slash));
  return folders;
}

/** Paths both sides changed, sorted. */
export function overlapOf(a: readonly NameStatus[], b: readonly NameStatus[]): string[] {
  const inB = new Set(b.map((f) => f.path));
  return [...new Set(a.filter((f) => inB.has(f.path)).map((f) => f.path))].sort();
}

/**
 * Whether merging two sides could conflict at all, from their changed files alone. When it cannot,
 * the radar skips `git merge-tree` for the pair. A conflict needs one of:
 *   - a path both sides changed (content, add/add, modify/delete, type changes, renames from or
 *     onto the same path);
 *   - a path one side changed that is a folder on the other (file/directory);
 *   - a file the other side put in a folder this side deleted files from: a folder renamed on one
 *     side moves what the other adds into it ("file location", "directory rename" conflicts).
 *     A rename always shows as a deletion here (renames are off in our diffs), so a side without
 *     deletions renamed nothing; the top folder cannot be renamed.
 * No overlap is not enough on its own (the last two cases have none); the converse holds: none of
 * these ⇒ git has nothing to reconcile, and the merge is clean.
 */
export function mayConflict(a: readonly NameStatus[], b: readonly NameStatus[]): boolean {
  const pathsA = new Set(a.map((f) => f.path));
  const pathsB = new Set(b.map((f) => f.path));
  for (const p of pathsA) if (pathsB.has(p)) return true;
  const foldersA = new Set(a.flatMap((f) => foldersOf(f.path)));
  const foldersB = new Set(b.flatMap((f) => foldersOf(f.path)));
  for (const p of pathsA) if (foldersB.has(p)) return true;
  for (const p of pathsB) if (foldersA.has(p)) return true;
  const emptiedA = new Set(a.filter((f) => f.status === 'D').flatMap((f) => foldersOf(f.path)));
  const emptiedB = new Set(b.filter((f) => f.status === 'D').flatMap((f) => foldersOf(f.path)));
  if (emptiedA.size > 0) for (const f of b) if (foldersOf(f.path).some((d) => emptiedA.has(d))) return true;
  if (emptiedB.size > 0) for (const f of a) if (foldersOf(f.path).some((d) => emptiedB.has(d))) return true;
  return false;
}

