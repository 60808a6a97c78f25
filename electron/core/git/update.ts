import { existsSync } from 'node:fs';
import path from 'node:path';
import { COUNCIL_IDENTITY, hasCommitterIdentity } from './commit';
import { git } from './git';
import { absoluteGitDir } from './refs';

/** Bringing a branch's base into it, in its own worktree: `git merge` or `git rebase`, and undoing either. */

export type UpdateInProgress = 'merge' | 'rebase' | null;

/** Which update git has in progress in this worktree (a merge stopped on conflicts, a rebase stopped). */
export async function updateInProgress(worktree: string): Promise<UpdateInProgress> {
  const gitDir = await absoluteGitDir(worktree);
  if (existsSync(path.join(gitDir, 'rebase-merge')) || existsSync(path.join(gitDir, 'rebase-apply'))) return 'rebase';
  if (existsSync(path.join(gitDir, 'MERGE_HEAD'))) return 'merge';
  return null;
}

/** The committer git would use here, or the tool's own when none is configured (a merge must not fail for want of it). */
async function identityEnv(worktree: string): Promise<Record<string, string> | undefined> {
  return (await hasCommitterIdentity(worktree)) ? undefined : { ...COUNCIL_IDENTITY };
}

/**
 * `git merge --no-ff` of `commit` into the worktree's branch, with `message`. On a conflict (exit 1)
 * the merge is left in progress, for a person or an agent to resolve (or abortUpdate).
 */
export async function mergeInto(worktree: string, commit: string, message: string): Promise<{ ok: boolean; output: string }> {
  const out = await git(['merge', '--no-ff', '--no-edit', '-m', message, commit], { cwd: worktree, okExitCodes: [1, 128], env: await identityEnv(worktree) });
  return { ok: out.exitCode === 0, output: `${out.stdout}${out.stderr}`.trim() };
}

/** `git rebase <commit>` of the worktree's branch; a stopped rebase is left in progress. */
export async function rebaseOnto(worktree: string, commit: string): Promise<{ ok: boolean; output: string }> {
  const env = await identityEnv(worktree);
  const out = await git(['rebase', '--no-autostash', commit], {
    cwd: worktree,
    okExitCodes: [1, 128],
    env: env ? { GIT_COMMITTER_NAME: env.GIT_COMMITTER_NAME!, GIT_COMMITTER_EMAIL: env.GIT_COMMITTER_EMAIL! } : undefined,
  });
  return { ok: out.exitCode === 0, output: `${out.stdout}${out.stderr}`.trim() };
}

/** `git merge --abort` / `git rebase --abort`: back to where the branch and its files were before. */
export async function abortUpdate(worktree: string, kind: Exclude<UpdateInProgress, null>): Promise<void> {
  await git([kind, '--abort'], { cwd: worktree });
}
