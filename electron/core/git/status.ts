import { git } from './git';
import { parseStatusV2, type StatusEntry, type StatusV2 } from './parse';

/** A worktree's uncommitted changes (tracked and untracked; ignored files left out). Does not take
 * git's optional index lock, so it never gets in the way of an agent committing at the same time. */
export async function worktreeStatus(worktree: string): Promise<StatusEntry[]> {
  const out = await git(['status', '--porcelain=v2', '-z', '--untracked-files=all'], {
    cwd: worktree,
    env: { GIT_OPTIONAL_LOCKS: '0' },
  });
  return parseStatusV2(out.stdout).entries.filter((e) => e.kind !== 'ignored');
}

/**
 * worktreeStatus with HEAD's commit (--branch: its header saves a rev-parse) and renames off (a
 * rename is a deletion and an addition), plus git's output itself (`raw`, for fingerprints).
 */
export async function statusWithHead(worktree: string): Promise<StatusV2 & { raw: string }> {
  const out = await git(['status', '--porcelain=v2', '-z', '--branch', '--untracked-files=all', '--no-renames'], {
    cwd: worktree,
    env: { GIT_OPTIONAL_LOCKS: '0' },
  });
  const { head, entries } = parseStatusV2(out.stdout);
  return { head, entries: entries.filter((e) => e.kind !== 'ignored'), raw: out.stdout };
}
