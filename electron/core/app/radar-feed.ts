import { unwatchFile, watchFile } from 'node:fs';
import path from 'node:path';
import type { Radar } from '../../../shared/merge';
import type { Council } from '../council';
import { RadarService } from '../radar/radar';

/**
 * Keeps one repository's radar live for the windows watching it: a session whose worktree,
 * context or run changed is marked for a fresh snapshot, and the radar is recomputed once the
 * burst is over (debounced) and published.
 *
 * What reaches it, whoever made the change: an edit to a file, from the session's worktree
 * watcher (every folder of every worktree of a watched repository, app/worktree-watches.ts);
 * a commit, `git add`, reset or checkout, from the HEAD and index files the radar reads at every
 * compute (no process); a session made or removed, the base moved, a lock taken, from the shared
 * state's watcher (`poke`: a compute, nothing re-read). A slow sweep re-reads only the sessions no
 * watcher covers (none yet, one that failed or lost part of the tree, one past the watch budget,
 * one whose watcher began after the last read), a few per sweep: with every worktree watched and
 * nothing changed, it starts no git process at all. At 100 sessions the old sweep, one
 * `git status` per session every 30 s, cost a quarter of a core.
 */

const DEBOUNCE_MS = 300;
const SWEEP_MS = 30_000;
/**
 * Sessions no watcher covers, re-read per sweep at most (those read longest ago first). Where every
 * worktree fits the watch budget (app/worktree-watches.ts) this is only the odd failed watcher;
 * past it (500 worktrees of 10,000 files), the rest are re-read in turn, 4 × 50–100 ms of git per
 * 30 s (about 1 % of a core), each within (uncovered sessions / 4) × 30 s.
 */
const UNWATCHED_PER_SWEEP = 4;
/**
 * How often the base branch's ref is looked at (a stat of its file and of packed-refs, no process):
 * a merge made outside the queue — `git merge` in the main checkout, a push into it — moves the
 * base without touching the shared state, and the sweep alone would see it only within 30 s.
 */
const BASE_POLL_MS = 1000;

export class RadarFeed {
  readonly service: RadarService;
  private timer: NodeJS.Timeout | null = null;
  private sweep: NodeJS.Timeout | null = null;
  private last: string | null = null;
  /** The base branch whose ref files are polled (while started), and those files. */
  private base: { branch: string; files: string[] } | null = null;
  private readonly onBaseRef = (): void => this.poke();

  constructor(
    private readonly council: Council,
    private readonly publish: (radar: Radar) => void,
    /** When a session's worktree watcher was in place (Date.now()), null without one: such
     * sessions are re-read by the sweep. Default: no watcher anywhere (every sweep re-reads all). */
    private readonly watchedSince: (sessionId: string) => number | null = () => null,
  ) {
    this.service = new RadarService(council);
  }

  compute(): Promise<Radar> {
    return this.service.compute();
  }

  /** Something changed in `sessionId`'s worktree (or, without an id, anywhere): re-read it, recompute soon. */
  note(sessionId?: string): void {
    this.service.invalidate(sessionId);
    this.poke();
  }

  /** Something the radar reads for itself changed (sessions came or went, the base or a lock
   * moved): recompute soon, re-reading no worktree but those whose HEAD or index moved. */
  poke(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS);
    this.timer.unref();
  }

  /** Starts the slow sweep (while a window watches the repository). */
  start(): void {
    if (this.sweep) return;
    this.sweep = setInterval(() => this.sweepOnce(), SWEEP_MS);
    this.sweep.unref();
    // A compute, not a re-read of every session: a new radar reads each one once anyway, and one
    // already computed (a window asked for it) re-reads only what moved or what no watcher covers.
    this.poke();
  }

  /** One pass of the sweep: the sessions no watcher covers are re-read; the rest cost a file read. */
  sweepOnce(): void {
    this.service.invalidateUnwatched(this.watchedSince, UNWATCHED_PER_SWEEP);
    this.poke();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.sweep) clearInterval(this.sweep);
    this.timer = this.sweep = null;
    this.watchBase(null);
  }

  /** Polls the ref files of the radar's base branch (null: none), so that the base moving by any
   * means is a compute within about a second. Only while started. */
  private watchBase(branch: string | null): void {
    if (branch === 'HEAD') branch = null; // a detached main checkout: no branch to poll
    if (branch === (this.base?.branch ?? null)) return;
    for (const file of this.base?.files ?? []) unwatchFile(file, this.onBaseRef);
    this.base = null;
    if (branch === null || this.sweep === null) return;
    const { commonDir } = this.council.ws.repo;
    const files = [path.join(commonDir, 'refs', 'heads', ...branch.split('/')), path.join(commonDir, 'packed-refs')];
    for (const file of files) watchFile(file, { interval: BASE_POLL_MS, persistent: false }, this.onBaseRef);
    this.base = { branch, files };
  }

  private async refresh(): Promise<void> {
    this.timer = null;
    try {
      const radar = await this.service.compute();
      if (this.sweep !== null) this.watchBase(radar.base.branch);
      // Only a different answer is news (durations and timestamps aside).
      const key = JSON.stringify({ base: radar.base, pairs: radar.pairs, lockOwners: radar.lockOwners, sessions: radar.sessions.map((s) => [s.sessionId, s.files, s.merged]) });
      if (key === this.last) return;
      this.last = key;
      this.publish(radar);
    } catch {
      // A session removed mid-compute, git busy: the next change or sweep tries again.
    }
  }
}
