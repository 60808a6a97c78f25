import { readdirSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
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
 * Makes the worktree's files those of `tree`, given that they are now those of `shownTree`: only
 * the paths that differ between the two are written or deleted (a watcher of the folder sees just
 * those). The index then holds them as staged: `resetIndex` after.
 */
export async function layTree(cwd: string, shownTree: string, tree: string): Promise<string[]> {
  const out = await git(['diff-tree', '-r', '-z', '--no-renames', '--name-status', shownTree, tree], { cwd });
  const fields = out.stdout.split('\0');
  const write: string[] = [];
  const gone: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const status = fields[i] as string;
    const file = fields[i + 1] as string;
    if (status === 'D') gone.push(file);
    else write.push(file);
  }
  for (const file of gone) {
    const full = path.join(cwd, file);
    rmSync(full, { force: true });
    // Folders it leaves empty go too, as git would leave them.
    for (let dir = path.dirname(full); dir.length > cwd.length && dir.startsWith(cwd); dir = path.dirname(dir)) {
      try {
        if (readdirSync(dir).length) break;
        rmdirSync(dir);
      } catch {
        break;
      }
    }
  }
  if (write.length) {
    await git(['checkout', '--no-overlay', tree, '--pathspec-from-file=-', '--pathspec-file-nul'], { cwd, input: `${write.join('\0')}\0` });
  }
  return [...write, ...gone];
}

/** The index back to HEAD, the files untouched (`git reset` mixed). */
export async function resetIndex(cwd: string): Promise<void> {
  await git(['reset', '-q'], { cwd });
}

/** Deletes `ref` if it exists. */
export async function dropRef(cwd: string, ref: string): Promise<void> {
  await git(['update-ref', '-d', ref], { cwd, okExitCodes: [1, 128] });
}

/** Several revisions at once, in order; null when one of them does not exist. */
export async function revParseAll(cwd: string, revs: readonly string[]): Promise<string[] | null> {
  const out = await git(['rev-parse', ...revs], { cwd, okExitCodes: [128] });
  return out.exitCode === 0 ? out.stdout.trim().split('\n') : null;
}

/**
 * Moves refs as one transaction (`update-ref --stdin`): each to `next`, only from `old` when given
 * (false, nothing moved, when one of them is elsewhere).
 */
export async function moveRefs(cwd: string, moves: readonly { ref: string; next: string; old?: string }[], reason: string): Promise<boolean> {
  const input = ['start', ...moves.map((m) => `update ${m.ref} ${m.next}${m.old ? ` ${m.old}` : ''}`), 'prepare', 'commit', ''].join('\n');
  const out = await git(['update-ref', '-m', reason, '--stdin'], { cwd, input, okExitCodes: [1, 128] });
  if (out.exitCode === 0) return true;
  if (/is at .* but expected|cannot lock ref/i.test(out.stderr)) return false;
  throw new Error(`git update-ref --stdin failed: ${out.stderr.trim()}`);
}

/** The identity commits made here get (user.name / user.email), or null when one is not set. */
export async function gitIdentity(cwd: string): Promise<{ name: string; email: string } | null> {
  const read = async (key: string): Promise<string> => (await git(['config', '--get', key], { cwd, okExitCodes: [1] })).stdout.trim();
  const [name, email] = await Promise.all([read('user.name'), read('user.email')]);
  return name && email ? { name, email } : null;
}
