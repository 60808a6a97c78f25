import { git } from './git';
import { parseStatusV2, type StatusEntry } from './parse';

/** A worktree's uncommitted changes (tracked and untracked; ignored files left out). Does not take
 * git's optional index lock, so it never gets in the way of an agent committing at the same time. */
export async function worktreeStatus(worktree: string): Promise<StatusEntry[]> {
  const out = await git(['status', '--porcelain=v2', '-z', '--untracked-files=all'], {
    cwd: worktree,
    env: { GIT_OPTIONAL_LOCKS: '0' },
  });
  return parseStatusV2(out.stdout).filter((e) => e.kind !== 'ignored');
}
