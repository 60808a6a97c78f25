import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { councilCommit } from './commit';
import { git } from './git';
import { readTree, writeTree } from './index-file';

/** Patches of the worktree: one file's uncommitted diff, split in hunks, and applying one backwards. */

/** `git diff HEAD -- <path>` of one file (literal path, no renames): header and hunks as git prints them. */
export async function uncommittedPatch(worktree: string, relPath: string): Promise<string> {
  return (await git(['--literal-pathspecs', 'diff', '--no-ext-diff', '--no-color', '--no-renames', 'HEAD', '--', relPath], { cwd: worktree })).stdout;
}

export interface SplitPatch {
  /** Everything before the first hunk (`diff --git`, mode lines, `---`/`+++`). */
  header: string;
  /** Each hunk, from its `@@` line to the line before the next one, ending with a newline. */
  hunks: string[];
}

/** A one-file patch cut into its header and hunks (numbered 1… in the order git printed them). */
export function splitPatch(patch: string): SplitPatch {
  const lines = patch.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const first = lines.findIndex((l) => l.startsWith('@@'));
  if (first === -1) return { header: patch, hunks: [] };
  const header = lines.slice(0, first).map((l) => `${l}\n`).join('');
  const hunks: string[] = [];
  let current: string[] = [];
  for (const line of lines.slice(first)) {
    if (line.startsWith('@@') && current.length > 0) {
      hunks.push(current.map((l) => `${l}\n`).join(''));
      current = [];
    }
    current.push(line);
  }
  if (current.length > 0) hunks.push(current.map((l) => `${l}\n`).join(''));
  return { header, hunks };
}

/** Whether `git apply -R` of a patch would apply to the worktree's files now: git's refusal, or null. */
export async function reverseApplyRefusal(worktree: string, patch: string): Promise<string | null> {
  const check = await git(['apply', '-R', '--check', '--recount', '-'], { cwd: worktree, input: patch, okExitCodes: [1, 128] });
  return check.exitCode === 0 ? null : check.stderr.trim() || `git apply --check exited ${check.exitCode}`;
}

/** `git apply -R` of a patch on the worktree's files only (not the index). */
export async function reverseApply(worktree: string, patch: string): Promise<void> {
  await git(['apply', '-R', '--recount', '-'], { cwd: worktree, input: patch });
}

/** Puts one path back as HEAD has it, in the index and the worktree. */
export async function restorePathFromHead(worktree: string, relPath: string): Promise<void> {
  await git(['--literal-pathspecs', 'checkout', '--no-overlay', 'HEAD', '--', relPath], { cwd: worktree });
}

/** Takes one path out of the worktree's index (it stays on disk). */
export async function forgetPath(worktree: string, relPath: string): Promise<void> {
  await git(['--literal-pathspecs', 'rm', '--cached', '--quiet', '--ignore-unmatch', '--', relPath], { cwd: worktree });
}

/** Whether HEAD has this path. */
export async function headHasPath(worktree: string, relPath: string): Promise<boolean> {
  const out = await git(['cat-file', '-e', `HEAD:${relPath}`], { cwd: worktree, okExitCodes: [1, 128] });
  return out.exitCode === 0;
}

/**
 * A commit on top of HEAD whose tree is HEAD's with this one path as the worktree has it now (a
 * change, a new file, a deletion), made through a temporary index: the worktree's own index and
 * files are not touched. What a discard keeps before it discards.
 */
export async function snapshotPath(worktree: string, relPath: string, message: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'council-index-'));
  const index = path.join(dir, 'index');
  try {
    await readTree(worktree, 'HEAD', index);
    await git(['--literal-pathspecs', 'add', '--all', '--force', '--', relPath], { cwd: worktree, env: { GIT_INDEX_FILE: index } });
    return await councilCommit(worktree, await writeTree(worktree, index), 'HEAD', message);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
