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
export async function statusWithHead(worktree: string): Promise<StatusWithHead> {
  const out = await git(['status', ...WITH_HEAD_ARGS], { cwd: worktree, env: { GIT_OPTIONAL_LOCKS: '0' } });
  return withHeadOf(out.stdout);
}

export type StatusWithHead = StatusV2 & { raw: string };

const WITH_HEAD_ARGS = ['--porcelain=v2', '-z', '--branch', '--untracked-files=all', '--no-renames'];

function withHeadOf(raw: string): StatusWithHead {
  const { head, entries } = parseStatusV2(raw);
  return { head, entries: entries.filter((e) => e.kind !== 'ignored'), raw };
}

/** statusWithHead of several worktrees from one git process (statusOutputsMany; null: not answered). */
export async function statusWithHeadMany(cwd: string, worktrees: readonly string[]): Promise<(StatusWithHead | null)[]> {
  const outputs = await statusOutputsMany(cwd, worktrees, WITH_HEAD_ARGS);
  return outputs.map((out) => (out === null ? null : withHeadOf(out)));
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
  const outputs = await statusOutputsMany(cwd, worktrees, ['--porcelain=v2', '-z', '--branch', '--untracked-files=all', '--no-renames']);
  return outputs.map((out) => (out === null ? null : parseStatusV2(out).entries.filter((e) => e.kind !== 'ignored')));
}

/**
 * `git status <args>` of each worktree, as it printed it, from one `git for-each-repo` process (see
 * worktreeStatusMany; null: not answered). `args` must hold `-z` and `--branch` (the header that
 * starts each worktree's output); the optional index lock is never taken.
 */
export async function statusOutputsMany(cwd: string, worktrees: readonly string[], args: readonly string[]): Promise<(string | null)[]> {
  if (!args.includes('-z') || !args.includes('--branch')) throw new Error('statusOutputsMany needs -z and --branch');
  if (worktrees.length === 0) return [];
  const key = 'council.statusof';
  const config = worktrees.flatMap((w) => ['-c', `${key}=${w}`]);
  const out = await git([...config, 'for-each-repo', `--config=${key}`, 'status', ...args], {
    cwd,
    env: { GIT_OPTIONAL_LOCKS: '0' },
    okExitCodes: [1, 128],
  });
  const groups: string[] = [];
  let at = out.stdout.startsWith('# branch.oid ') ? 0 : -1;
  while (at !== -1) {
    const next = out.stdout.indexOf('\0# branch.oid ', at);
    groups.push(out.stdout.slice(at, next === -1 ? undefined : next + 1));
    at = next === -1 ? -1 : next + 1;
  }
  // A failure cut the output short: the last worktree that printed anything may be incomplete.
  const complete = out.exitCode === 0 ? groups.length : groups.length - 1;
  return worktrees.map((_, i) => (i < complete ? (groups[i] ?? null) : null));
}
