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

/**
 * The uncommitted changes of several worktrees (as worktreeStatus, renames shown as a deletion and
 * an addition), in ONE process: `git for-each-repo` runs `git status` in each, one after the other,
 * from its own small process. Starting a git process from a large one (the app's main, with
 * hundreds of MB mapped) costs 5–10 ms of its main thread under load, more than the status itself;
 * the merge queue looks at up to nine worktrees at the start of a train. Each worktree's output
 * starts with its `# branch.oid` header. for-each-repo stops at the first worktree that fails: that
 * one and those after it get null (the caller asks them one by one).
 */
export async function worktreeStatusMany(cwd: string, worktrees: readonly string[]): Promise<(StatusEntry[] | null)[]> {
  if (worktrees.length === 0) return [];
  const key = 'council.statusof';
  const config = worktrees.flatMap((w) => ['-c', `${key}=${w}`]);
  const out = await git([...config, 'for-each-repo', `--config=${key}`, 'status', '--porcelain=v2', '-z', '--branch', '--untracked-files=all', '--no-renames'], {
    cwd,
    env: { GIT_OPTIONAL_LOCKS: '0' },
    okExitCodes: [1, 128],
  });
  const groups: string[][] = [];
  for (const field of out.stdout.split('\0')) {
    if (field.startsWith('# branch.oid ')) groups.push([]);
    groups[groups.length - 1]?.push(field);
  }
  // A failure cut the output short: the last worktree that printed anything may be incomplete.
  const complete = out.exitCode === 0 ? groups.length : groups.length - 1;
  return worktrees.map((_, i) => (i < complete && groups[i] ? parseStatusV2(groups[i].join('\0')).entries.filter((e) => e.kind !== 'ignored') : null));
}
