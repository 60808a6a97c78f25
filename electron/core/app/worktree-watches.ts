import { inotifyWatchLimit } from '../agents/worktree-activity';
import { watchWorktree, type WatchBudget } from './worktree-watch';

/** The share of the per-user inotify limit these watchers may take (the rest is the user's editors',
 * build watchers', agents' worktree watchers'…; past the limit every one of them fails with ENOSPC). */
export const WORKTREE_WATCH_SHARE = 1 / 3;
/** Where the limit cannot be read (not Linux: one handle per worktree there, no budget needed). */
const DEFAULT_MAX_WATCHES = 60_000;

/**
 * One file watcher per session worktree, shared by whoever needs it: the board of a watched
 * repository (its cards' changed-file counts follow edits made anywhere — an agent without hooks,
 * a person in a shell: issue 12, item 4) and the diff views subscribed to that session. A watcher
 * starts with its first holder and stops with its last.
 */

export type WatchHolder = 'board' | 'diff';

/** A budget of folder watches: `max`, default a share of the per-user inotify limit. */
export function watchBudget(max: number = Math.floor((inotifyWatchLimit() ?? DEFAULT_MAX_WATCHES / WORKTREE_WATCH_SHARE) * WORKTREE_WATCH_SHARE)): WatchBudget {
  return { used: 0, max };
}

type OnChange = (repo: string, sessionId: string, paths: string[]) => void;

interface Entry {
  holders: Set<WatchHolder>;
  /** Resolves to the watcher's stop, once it is in place (null when it could not start). */
  stop: Promise<(() => Promise<void>) | null>;
  /** When the watcher was in place (Date.now()); null before, when it could not start, or once the
   * OS refused part of the tree (edits there go unseen). */
  since: number | null;
}

const key = (repo: string, sessionId: string): string => `${repo}\0${sessionId}`;

export class WorktreeWatches {
  private readonly entries = new Map<string, Entry>();
  /** Folder watches of every worktree watched here, against their share of the per-user limit: at
   * 500 worktrees of 10,000 files (~480 folders each) watching all would need more than the whole
   * limit. Worktrees past it go unwatched (their `watchedSince` is null): the radar re-reads them. */
  private readonly budget: WatchBudget;

  constructor(
    private readonly onChange: OnChange,
    private readonly onError: (repo: string, sessionId: string, error: Error) => void = () => undefined,
    /** Shared by every repository a process watches (the limit is the user's, not a repository's). */
    budget: WatchBudget = watchBudget(),
  ) {
    this.budget = budget;
  }

  /** Keeps `worktree` watched for `holder`; resolves once its watches are in place. */
  async hold(repo: string, sessionId: string, worktree: string, holder: WatchHolder): Promise<void> {
    const k = key(repo, sessionId);
    const existing = this.entries.get(k);
    if (existing) {
      existing.holders.add(holder);
      await existing.stop;
      return;
    }
    const entry: Entry = { holders: new Set([holder]), stop: Promise.resolve(null), since: null };
    let blind = false;
    entry.stop = watchWorktree(worktree, (paths) => this.onChange(repo, sessionId, paths), {
      budget: this.budget,
      onError: (err) => {
        blind = true;
        entry.since = null;
        this.onError(repo, sessionId, err);
      },
    }).then(
      (stop) => {
        if (!blind) entry.since = Date.now();
        return stop;
      },
      () => null,
    );
    this.entries.set(k, entry);
    await entry.stop;
  }

  /** When the session's worktree watcher was in place, covering all of it; null when there is none. */
  watchedSince(repo: string, sessionId: string): number | null {
    return this.entries.get(key(repo, sessionId))?.since ?? null;
  }

  /** `holder` no longer needs the session's worktree watched; the last one out stops the watcher. */
  async release(repo: string, sessionId: string, holder: WatchHolder): Promise<void> {
    const k = key(repo, sessionId);
    const entry = this.entries.get(k);
    if (!entry?.holders.delete(holder) || entry.holders.size > 0) return;
    this.entries.delete(k);
    await (await entry.stop)?.();
  }

  /** The sessions of `repo` that `holder` keeps watched. */
  heldBy(repo: string, holder: WatchHolder): string[] {
    const prefix = `${repo}\0`;
    return [...this.entries].filter(([k, entry]) => k.startsWith(prefix) && entry.holders.has(holder)).map(([k]) => k.slice(prefix.length));
  }

  async close(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map(async (entry) => (await entry.stop)?.()));
  }
}
