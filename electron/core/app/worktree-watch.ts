import { lstatSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

/**
 * Folders never watched inside a worktree: git's own, and dependency and build folders that hold
 * thousands of files nobody reviews. The diff itself always comes from git, so nothing is missed in
 * what the UI shows.
 */
export const UNWATCHED_DIRS = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', 'target', 'dist', 'build', 'out', '.next', '.cache', '.turbo', 'coverage']);

export interface WatchOptions {
  /** The OS refused a watch (e.g. ENOSPC: the inotify limit), or the budget ran out: part of the tree goes unseen. */
  onError?: (error: Error) => void;
  /** Linux: a number of folder watches shared by several watchers (the per-user inotify limit is
   * shared by every program of the user); a watcher that would go past it watches no more folders. */
  budget?: WatchBudget;
}

export interface WatchBudget {
  used: number;
  readonly max: number;
}

const toRel = (root: string, p: string): string => path.relative(root, p).split(path.sep).join('/');
const ignored = (rel: string): boolean => rel.split('/').some((part) => UNWATCHED_DIRS.has(part));

interface Subscriber {
  onChange: (paths: string[]) => void;
  onError?: (error: Error) => void;
}

interface SharedWatch {
  subscribers: Set<Subscriber>;
  /** The first error the OS (or the budget) gave, told to every later subscriber too. */
  error: Error | null;
  started: Promise<() => Promise<void>>;
}

/** One watcher per worktree in this process, whoever asks: the board's, an agent run's, a diff view's. */
const shared = new Map<string, SharedWatch>();

/**
 * Calls `onChange` with repo-relative paths (forward slashes) of files that changed in `root`;
 * resolves, once the watches are in place, to the function that stops this subscription.
 *
 * Every subscription to one worktree in this process shares one set of OS watches: the board's
 * watcher (every session of an open repository) and a live agent's (agents/worktree-activity.ts)
 * used to watch the same folders twice — at 100 agents on 10,000-file worktrees ~96,000 Node
 * watchers (~1.3 KB of RSS each) and as many inotify watches where half would do. The options of
 * the first subscription apply (its budget); a later one is told of any error the watch had.
 */
export async function watchWorktree(root: string, onChange: (paths: string[]) => void, options: WatchOptions = {}): Promise<() => Promise<void>> {
  const key = path.resolve(root);
  const subscriber: Subscriber = { onChange, onError: options.onError };
  let watch = shared.get(key);
  if (!watch) {
    // Subscribed before the scan starts: on Linux it runs at once, and may already report an error.
    const created: SharedWatch = { subscribers: new Set([subscriber]), error: null, started: Promise.resolve(async () => undefined) };
    created.started = startWatch(
      root,
      (paths) => {
        for (const s of created.subscribers) s.onChange(paths);
      },
      {
        budget: options.budget,
        onError: (error) => {
          created.error ??= error;
          for (const s of created.subscribers) s.onError?.(error);
        },
      },
    );
    created.started.catch(() => {
      if (shared.get(key) === created) shared.delete(key);
    });
    shared.set(key, created);
    watch = created;
  } else if (watch.error) options.onError?.(watch.error);
  const mine = watch;
  mine.subscribers.add(subscriber);
  try {
    await mine.started;
  } catch (error) {
    mine.subscribers.delete(subscriber);
    throw error;
  }
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    mine.subscribers.delete(subscriber);
    if (mine.subscribers.size > 0) return;
    if (shared.get(key) === mine) shared.delete(key);
    await (await mine.started)();
  };
}

/**
 * The watch itself. Linux: one inotify watch per FOLDER (a folder's watch reports its files by name), added and
 * dropped as folders come and go. Not chokidar: it takes one watch per file as well, so a 10,000-
 * file worktree cost ~10,500 watches and ~100 MB, and 50 such sessions ran into the per-user
 * inotify limit (bench/agents-scale.ts) and silently saw a quarter of the edits; per folder it is
 * ~500 watches and a few MB. macOS and Windows: the OS's own recursive watch (one handle).
 */
async function startWatch(root: string, onChange: (paths: string[]) => void, options: WatchOptions): Promise<() => Promise<void>> {
  const report = (rel: string): void => {
    if (rel && !ignored(rel)) onChange([rel]);
  };
  const fail = (err: unknown): void => options.onError?.(err instanceof Error ? err : new Error(String(err)));

  if (process.platform !== 'linux') {
    const watcher = watch(root, { recursive: true }, (_event, name) => {
      if (name) report(String(name).split(path.sep).join('/'));
    });
    watcher.on('error', fail);
    return async () => watcher.close();
  }

  const watchers = new Map<string, FSWatcher>();
  let closed = false;

  /** Watches `dir` and every folder below it; reports the files found when `announce` (a folder
   * that appeared after we started: its files are new too). */
  let overBudget = false;
  const add = (dir: string, announce: boolean): void => {
    if (closed || watchers.has(dir)) return;
    const budget = options.budget;
    if (budget && budget.used >= budget.max) {
      if (!overBudget) fail(new Error(`the folder-watch budget (${budget.max} watches) is spent: ${dir} and what is below it go unwatched`));
      overBudget = true;
      return;
    }
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, (_event, name) => {
        if (name) changed(dir, String(name));
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') fail(err);
      return;
    }
    watcher.on('error', () => drop(dir));
    watchers.set(dir, watcher);
    if (budget) budget.used++;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // gone meanwhile: its parent's watch reports that
    }
    for (const entry of entries) {
      const child = path.join(dir, entry.name);
      const rel = toRel(root, child);
      if (ignored(rel)) continue;
      // Symbolic links are not followed: a link to a folder outside would watch someone else's tree.
      if (entry.isDirectory()) add(child, announce);
      else if (announce) report(rel);
    }
  };

  /** Stops watching `dir` and everything below it (it was deleted or moved away). */
  const drop = (dir: string): void => {
    const prefix = `${dir}${path.sep}`;
    for (const [watched, watcher] of watchers) {
      if (watched !== dir && !watched.startsWith(prefix)) continue;
      watcher.close();
      watchers.delete(watched);
      if (options.budget) options.budget.used--;
    }
  };

  const changed = (dir: string, name: string): void => {
    const full = path.join(dir, name);
    const rel = toRel(root, full);
    if (ignored(rel)) return;
    // A folder that appeared (created, or moved in) gets watched and its files reported (they may
    // have been written before its watch existed); one that went away is dropped and reported.
    if (isDirectory(full)) {
      add(full, true);
      return;
    }
    if (watchers.has(full)) drop(full);
    report(rel);
  };

  add(root, false);
  return async () => {
    closed = true;
    for (const watcher of watchers.values()) watcher.close();
    if (options.budget) options.budget.used -= watchers.size;
    watchers.clear();
  };
}

function isDirectory(p: string): boolean {
  try {
    // lstat: a symbolic link to a folder is not a folder we watch.
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}
