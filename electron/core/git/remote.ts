import { git } from './git';

/**
 * git between home and a host (issue 17): push and fetch over git's own ssh transport (`env`
 * names council's GIT_SSH, core/hosts/control.ts), and laying a fetched snapshot's files into a
 * mirror worktree.
 */

/** `git push` of `refspecs` to `url`. */
export async function pushRefs(cwd: string, url: string, refspecs: readonly string[], env: Record<string, string>): Promise<void> {
  await git(['push', '-q', '--no-verify', url, ...refspecs], { cwd, env, timeoutMs: 120_000 });
}

/** `git fetch` of `refspecs` from `url` (no tags, no FETCH_HEAD). */
export async function fetchRefs(cwd: string, url: string, refspecs: readonly string[], env: Record<string, string>): Promise<void> {
  await git(['fetch', '-q', '--no-tags', '--no-write-fetch-head', url, ...refspecs], { cwd, env, timeoutMs: 120_000 });
}

/**
 * Makes the worktree's files those of `tree`, given that they are now those of `shownTree`: files
 * of `shownTree` that `tree` lacks are deleted, the others written. The index is left at `tree`.
 */
export async function layTree(cwd: string, shownTree: string, tree: string): Promise<void> {
  await git(['read-tree', shownTree], { cwd });
  await git(['read-tree', '-u', '--reset', tree], { cwd });
}

/** The index back to HEAD, the files untouched (`git reset` mixed). */
export async function resetIndex(cwd: string): Promise<void> {
  await git(['reset', '-q'], { cwd });
}

/** Sets `ref` to `commit`, whatever it was. */
export async function setRef(cwd: string, ref: string, commit: string, reason: string): Promise<void> {
  await git(['update-ref', '-m', reason, ref, commit], { cwd });
}

/** Deletes `ref` if it exists. */
export async function dropRef(cwd: string, ref: string): Promise<void> {
  await git(['update-ref', '-d', ref], { cwd, okExitCodes: [1, 128] });
}
