import { CouncilError } from '../errors';
import { git } from './git';

/** Making commits: from a tree (commit-tree), from an index (commit), by replaying (cherry-pick). */

/** Fixed identity for commits the tool makes on its own (snapshots), so they never fail for want of
 * a configured user and never pretend a person made them. */
export const COUNCIL_IDENTITY = {
  GIT_AUTHOR_NAME: 'CLI Council',
  GIT_AUTHOR_EMAIL: 'council@localhost',
  GIT_COMMITTER_NAME: 'CLI Council',
  GIT_COMMITTER_EMAIL: 'council@localhost',
};

const NO_IDENTITY = /Please tell me who you are|empty ident name|unable to auto-detect email|Author identity unknown|Committer identity unknown/i;

/** True for git's complaint that no user name or email is configured. */
export const isIdentityError = (err: unknown): boolean =>
  err instanceof CouncilError && NO_IDENTITY.test(`${err.message}\n${String(err.details?.stderr ?? '')}`);

/**
 * A commit of `tree` with these parents and message. The user's identity when git has one (a
 * merge the user asked for is theirs); the tool's own when none is configured, rather than failing.
 */
export async function commitTree(cwd: string, tree: string, parents: readonly string[], message: string): Promise<string> {
  const args = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-F', '-'];
  try {
    return (await git(args, { cwd, input: message })).stdout.trim();
  } catch (err) {
    if (!isIdentityError(err)) throw err;
    return (await git(args, { cwd, input: message, env: COUNCIL_IDENTITY })).stdout.trim();
  }
}

/**
 * A commit of `tree` on `parent` made by the tool itself (COUNCIL_IDENTITY), dated `date` when
 * given (`<seconds> +0000`), so the same tree on the same parent gives the same commit id.
 */
export async function councilCommit(cwd: string, tree: string, parent: string, message: string, date?: string): Promise<string> {
  const env = date ? { ...COUNCIL_IDENTITY, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : COUNCIL_IDENTITY;
  return (await git(['commit-tree', tree, '-p', parent, '-m', message], { cwd, env })).stdout.trim();
}

/** The user's own `git commit` (hooks and all) of what the index file `indexFile` holds. */
export async function commitIndex(cwd: string, message: string, indexFile: string): Promise<void> {
  await git(['commit', '--quiet', '--no-edit', '-m', message], { cwd, env: { GIT_INDEX_FILE: indexFile } });
}

/** Whether git has a committer identity here (configured, or found by git on its own). */
export async function hasCommitterIdentity(cwd: string): Promise<boolean> {
  const out = await git(['var', 'GIT_COMMITTER_IDENT'], { cwd, okExitCodes: [128, 1] });
  return out.exitCode === 0;
}

/** Replays `commits` onto HEAD; on a conflict (exit 1) the cherry-pick is left in progress. */
export async function cherryPick(cwd: string, commits: readonly string[], env?: Readonly<Record<string, string>>): Promise<{ ok: boolean; stderr: string }> {
  const out = await git(['cherry-pick', '--allow-empty', '--keep-redundant-commits', ...commits], { cwd, okExitCodes: [1], env });
  return { ok: out.exitCode === 0, stderr: out.stderr };
}

/** Gives up a cherry-pick in progress (none in progress is fine). */
export async function abortCherryPick(cwd: string): Promise<void> {
  await git(['cherry-pick', '--abort'], { cwd, okExitCodes: [128] });
}
