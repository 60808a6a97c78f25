import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { inotifyWatchCount } from '../../electron/core/agents/worktree-activity';
import { UNWATCHED_DIRS } from '../../electron/core/app/worktree-watch';

/**
 * Which inodes a process's inotify watches are on (Linux: the `inotify wd:… ino:… sdev:…` lines of
 * /proc/<pid>/fdinfo), so a check can say not only how many watches the worktree watchers hold but
 * that they are on exactly the folders of the worktrees: each folder once, no file, nothing left
 * over after the agents stop.
 */

/** `major:minor:inode`, the same for a watch (kernel encoding) and for a stat() (user space encoding). */
type InodeKey = string;

/** The kernel's s_dev in fdinfo: major in the top 12 bits of 32, minor in the low 20. */
const kernelDevKey = (sdevHex: string, inoHex: string): InodeKey => {
  const sdev = Number.parseInt(sdevHex, 16);
  return `${Math.floor(sdev / 2 ** 20)}:${sdev % 2 ** 20}:${Number.parseInt(inoHex, 16)}`;
};

/** glibc's dev_t as stat() returns it: major in bits 8–19 and 32–43, minor in bits 0–7 and 20–31. */
const statDevKey = (dev: number, ino: number): InodeKey => {
  const d = BigInt(dev);
  const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn);
  const minor = (d & 0xffn) | ((d >> 12n) & ~0xffn);
  return `${major}:${minor}:${ino}`;
};

/** Every watch `pid` holds, as the inode it is on (a folder watched twice by one inotify instance is one watch). */
export function watchedInodes(pid: number = process.pid): InodeKey[] | null {
  if (process.platform !== 'linux') return null;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return null;
  }
  const keys: InodeKey[] = [];
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== 'anon_inode:inotify') continue;
      for (const line of readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8').split('\n')) {
        const m = /^inotify wd:[0-9a-f]+ ino:([0-9a-f]+) sdev:([0-9a-f]+)/.exec(line);
        if (m) keys.push(kernelDevKey(m[2] as string, m[1] as string));
      }
    } catch {
      // closed between the listing and the look: no watches there any more
    }
  }
  return keys;
}

export interface TreeInventory {
  /** Folders a worktree watcher should watch (UNWATCHED_DIRS and everything below them left out). */
  folders: Map<InodeKey, string>;
  /** Files in those folders (a watch on one would be a regression to one watch per file). */
  files: Map<InodeKey, string>;
}

/** The folders and files of `roots` that a worktree watcher covers, keyed by inode. */
export function inventory(roots: readonly string[]): TreeInventory {
  const folders = new Map<InodeKey, string>();
  const files = new Map<InodeKey, string>();
  const walk = (dir: string): void => {
    const st = statSync(dir);
    folders.set(statDevKey(st.dev, st.ino), dir);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!UNWATCHED_DIRS.has(entry.name)) walk(full);
      } else if (entry.isFile()) {
        const fst = statSync(full);
        files.set(statDevKey(fst.dev, fst.ino), full);
      }
    }
  };
  for (const root of roots) walk(root);
  return { folders, files };
}

export interface WatchCoverage {
  /** Every watch the process holds. */
  total: number;
  /** Folders of the worktrees, and how many of them are watched. */
  folders: number;
  foldersWatched: number;
  /** Up to 5 folders with no watch. */
  unwatchedExamples: string[];
  /** Watches on files of the worktrees (0 by design: a folder's watch reports its files). */
  filesWatched: number;
  /** Watches on anything else (the shared-state watcher, other worktrees). */
  elsewhere: number;
}

/** How the watches of `pid` cover the folders of `worktrees` right now. */
export function watchCoverage(worktrees: readonly string[], pid: number = process.pid): WatchCoverage | null {
  const watched = watchedInodes(pid);
  if (watched === null) return null;
  const { folders, files } = inventory(worktrees);
  const set = new Set(watched);
  let foldersWatched = 0;
  const unwatchedExamples: string[] = [];
  for (const [key, dir] of folders) {
    if (set.has(key)) foldersWatched++;
    else if (unwatchedExamples.length < 5) unwatchedExamples.push(dir);
  }
  const filesWatched = watched.filter((key) => files.has(key)).length;
  return { total: watched.length, folders: folders.size, foldersWatched, unwatchedExamples, filesWatched, elsewhere: watched.length - foldersWatched - filesWatched };
}

/** inotify watches held by this user's other processes (not `exclude`): they share the per-user limit. */
export function othersWatches(exclude: readonly number[] = [process.pid]): number | null {
  if (process.platform !== 'linux') return null;
  const uid = process.getuid?.();
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || exclude.includes(Number(entry)) || Number(entry) === process.pid) continue;
    try {
      if (uid !== undefined && statSync(`/proc/${entry}`).uid !== uid) continue;
    } catch {
      continue;
    }
    total += inotifyWatchCount(Number(entry)) ?? 0;
  }
  return total;
}
