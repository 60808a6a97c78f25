import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { watchWorktree } from '../app/worktree-watch';

/*
 * What an agent is touching right now, from its worktree's file events: the same watcher the diff
 * view uses (so the same folders stay unwatched: .git, node_modules, build output …), with bursts
 * coalesced so a formatter rewriting 300 files is one report, not 300.
 */

export interface ActivityOptions {
  /** A burst's window: the report goes out this long after its first change (default 50 ms). */
  coalesceMs?: number;
  /** At most this many paths per report, the most recently changed kept (default 20). */
  limit?: number;
  /** A folder could not be watched (ENOSPC: the OS's watch limit); its edits go unseen. */
  onError?: (error: Error) => void;
}

export const DEFAULT_COALESCE_MS = 50;
export const DEFAULT_ACTIVITY_LIMIT = 20;

export interface Coalescer {
  push(paths: readonly string[]): void;
  /** Reports what is pending now, without waiting for the window to end. */
  flush(): void;
  /** Drops what is pending; nothing is reported after this. */
  stop(): void;
}

/**
 * Gathers paths for `windowMs` after the first one of a burst, then reports them most recent first
 * (a path changed twice counts at its latest change), at most `limit`. A window that starts at the
 * first change rather than restarting on each one keeps reports flowing during a long burst.
 */
export function coalesceRecent(windowMs: number, limit: number, report: (paths: string[]) => void): Coalescer {
  // Insertion order is change order: a path seen again is moved to the end.
  const pending = new Map<string, true>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const flush = (): void => {
    timer = null;
    if (stopped || pending.size === 0) return;
    const recent = [...pending.keys()].reverse().slice(0, limit);
    pending.clear();
    report(recent);
  };
  return {
    flush() {
      if (timer) clearTimeout(timer);
      flush();
    },
    push(paths) {
      if (stopped) return;
      for (const p of paths) {
        pending.delete(p);
        pending.set(p, true);
      }
      timer ??= setTimeout(flush, windowMs);
    },
    stop() {
      stopped = true;
      pending.clear();
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

/**
 * Watches `worktree` and calls `onFiles` with the repo-relative paths (forward slashes) changed in
 * each burst, most recent first. Resolves once the watches are in place; the returned function
 * reports what is still pending (an agent's last write before it exited), then stops watching (no
 * report follows it).
 */
export async function watchActivity(
  worktree: string,
  onFiles: (paths: string[]) => void,
  options: ActivityOptions = {},
): Promise<() => Promise<void>> {
  const coalescer = coalesceRecent(options.coalesceMs ?? DEFAULT_COALESCE_MS, options.limit ?? DEFAULT_ACTIVITY_LIMIT, onFiles);
  const stop = await watchWorktree(worktree, (paths) => coalescer.push(paths), { onError: options.onError });
  return async () => {
    coalescer.flush();
    coalescer.stop();
    await stop();
  };
}

/**
 * How many inotify watches process `pid` holds (Linux): the `inotify wd:` lines of
 * /proc/<pid>/fdinfo/<fd> for each fd that is an inotify instance. Every watched folder (and, with
 * chokidar, every watched file) costs one, against a per-user limit (inotifyWatchLimit) shared by
 * every program of that user: when it runs out, watchers fail with ENOSPC. null where there is no
 * inotify, or the process cannot be inspected.
 */
export function inotifyWatchCount(pid: number = process.pid): number | null {
  if (process.platform !== 'linux') return null;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return null;
  }
  let count = 0;
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== 'anon_inode:inotify') continue;
      const info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
      count += info.split('\n').filter((line) => line.startsWith('inotify wd:')).length;
    } catch {
      // The fd was closed between the listing and the look: it holds no watches any more.
    }
  }
  return count;
}

/** The per-user inotify watch limit (/proc/sys/fs/inotify/max_user_watches); null off Linux. */
export function inotifyWatchLimit(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const limit = Number.parseInt(readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8').trim(), 10);
    return Number.isFinite(limit) ? limit : null;
  } catch {
    return null;
  }
}
