import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { councilCommit } from './commit';
import { git } from './git';
import { parseNulList, parseStagedEntries, type IndexEntry } from './parse';

/**
 * git's index: filling one from a tree, writing a tree from one, staging paths, reading entries,
 * and checking files out of one. `indexFile` (GIT_INDEX_FILE) works on another index than the
 * worktree's own, e.g. a temporary copy.
 */

const indexEnv = (indexFile: string | undefined): Record<string, string> | undefined => (indexFile ? { GIT_INDEX_FILE: indexFile } : undefined);

/** Fills the index from `treeish` (no files touched). */
export async function readTree(cwd: string, treeish: string, indexFile?: string): Promise<void> {
  await git(['read-tree', treeish], { cwd, env: indexEnv(indexFile) });
}

/** Writes the index as a tree and returns its id. */
export async function writeTree(cwd: string, indexFile?: string): Promise<string> {
  return (await git(['write-tree'], { cwd, env: indexEnv(indexFile) })).stdout.trim();
}

/** writeTree, or null when git cannot (an index cut off mid-write, unmerged entries). */
export async function tryWriteTree(cwd: string, indexFile?: string): Promise<string | null> {
  const out = await git(['write-tree'], { cwd, env: indexEnv(indexFile), okExitCodes: [128] });
  return out.exitCode === 0 ? out.stdout.trim() : null;
}

/** `git add --all -- .`: every change of the worktree, new files too (ignored ones stay out). */
export async function addAll(cwd: string, indexFile?: string): Promise<void> {
  await git(['add', '--all', '--', '.'], { cwd, env: indexEnv(indexFile) });
}

/** The paths the index holds differently from HEAD. */
export async function stagedPaths(cwd: string, indexFile?: string): Promise<string[]> {
  return parseNulList((await git(['diff', '--cached', '--name-only', '-z'], { cwd, env: indexEnv(indexFile) })).stdout);
}

/**
 * `git read-tree -m -u <from> <to>`: moves the index and the files from one tree to the other,
 * refusing (and changing nothing) where a file holds something else. Returns git's refusal.
 */
export async function switchTrees(cwd: string, from: string, to: string, indexFile?: string): Promise<{ ok: boolean; stderr: string }> {
  const out = await git(['read-tree', '-m', '-u', from, to], { cwd, env: indexEnv(indexFile), okExitCodes: [128, 1] });
  return { ok: out.exitCode === 0, stderr: out.stderr };
}

/** `git update-index -q --refresh`: brings the index's stat data up to date where content is unchanged. */
export async function refreshIndex(cwd: string, indexFile?: string): Promise<void> {
  await git(['update-index', '-q', '--refresh'], { cwd, env: indexEnv(indexFile), okExitCodes: [1] });
}

/** Takes `paths` out of the index (never writing a split index). */
export async function unstagePaths(cwd: string, paths: readonly string[], indexFile?: string): Promise<void> {
  await git(['update-index', '--force-remove', '--no-split-index', '-z', '--stdin'], { cwd, env: indexEnv(indexFile), input: paths.map((p) => `${p}\0`).join('') });
}

/** Stages `paths` from the worktree, a file where a folder was or the other way round too. */
export async function stagePaths(cwd: string, paths: readonly string[], indexFile?: string): Promise<void> {
  await git(['update-index', '--add', '--replace', '--no-split-index', '-z', '--stdin'], { cwd, env: indexEnv(indexFile), input: paths.map((p) => `${p}\0`).join('') });
}

/** The stage-0 entries of the worktree's index (`git ls-files -s`), by path. */
export async function stagedEntries(cwd: string): Promise<Map<string, IndexEntry>> {
  return parseStagedEntries((await git(['ls-files', '-s', '-z'], { cwd })).stdout);
}

/** The blob ids of these worktree files, as git would store them (filters applied), in order. */
export async function hashFiles(cwd: string, paths: readonly string[]): Promise<string[]> {
  const out = await git(['hash-object', '--stdin-paths'], { cwd, input: paths.join('\n') + '\n' });
  return out.stdout.trim().split('\n');
}

/** Writes `paths` from the index over the worktree's files. */
export async function checkoutFromIndex(cwd: string, paths: readonly string[]): Promise<void> {
  await git(['checkout-index', '-f', '-z', '--stdin'], { cwd, input: paths.join('\0') + '\0' });
}

/**
 * The tree of a worktree as it is now: HEAD plus its uncommitted work (tracked changes and
 * untracked files, ignored files excluded), written through a temporary index, so the worktree's
 * own index and files are never touched.
 */
export async function snapshotTree(worktree: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'council-index-'));
  const index = path.join(dir, 'index');
  try {
    await readTree(worktree, 'HEAD', index);
    await addAll(worktree, index);
    return await writeTree(worktree, index);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Records a worktree's uncommitted work as a commit on top of its HEAD (see snapshotTree). */
export async function snapshotWorktree(worktree: string, message: string): Promise<string> {
  return councilCommit(worktree, await snapshotTree(worktree), 'HEAD', message);
}
