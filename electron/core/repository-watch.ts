import type { WatchBudget } from './app/worktree-watch';
import { WorktreeWatches } from './app/worktree-watches';
import type { Council } from './council';
import { watchUserSettings } from './settings/watch-user';

/** Worktrees whose board watchers are set up per turn of the event loop (a folder scan each: ~480 folders at 10,000 files). */
const BOARD_WATCH_BATCH = 1;

/**
 * One repository's watchers, owned by its Council: the shared state (any process's changes), the
 * user's settings (they apply here too), and the session worktrees — every ready session's while
 * the repository is watched (the board's counts follow an edit whoever made it), and those a diff
 * view holds. What they see goes out as the owner's events; the radar is told what changed.
 * `watchRepository()` / `unwatchRepository()` are called by the face when its first subscriber
 * comes and its last goes; `close()` stops everything.
 */
export class RepositoryWatch {
  private stopState: (() => Promise<void>) | null = null;
  private starting: Promise<void> | null = null;
  private readonly worktrees: WorktreeWatches;

  constructor(
    private readonly council: Council,
    budget?: WatchBudget,
  ) {
    this.worktrees = new WorktreeWatches(
      (_repo, sessionId, paths) => {
        council.emit('worktree', sessionId, paths);
        council.emit('state', { kind: 'worktree', sessionId });
        void council.radarIfMade()?.then((feed) => feed.note(sessionId));
      },
      undefined,
      budget,
    );
  }

  /** When `sessionId`'s worktree watcher was in place (null: none, so the radar re-reads it). */
  watchedSince(sessionId: string): number | null {
    return this.worktrees.watchedSince(this.council.root, sessionId);
  }

  /** The board's worktree watchers of the last start, once in place (and the radar's sweep started). */
  private boardSynced: Promise<void> = Promise.resolve();

  /** Resolves once the repository's start-up work in the background is done: every worktree that
   * fits the watch budget is watched and the radar runs. What comes after is the repository at rest. */
  async settled(): Promise<void> {
    await this.starting;
    await this.boardSynced;
  }

  get watching(): boolean {
    return this.stopState !== null;
  }

  /** Starts watching the repository (idempotent); the radar's slow sweep runs while it is watched. */
  watchRepository(): Promise<void> {
    this.starting ??= this.start().finally(() => (this.starting = null));
    return this.starting;
  }

  private async start(): Promise<void> {
    if (this.stopState) return;
    const council = this.council;
    const radar = await council.radar();
    const stopState = await council.watch((changes) => {
      for (const change of changes) {
        if (change.kind === 'sessions') void this.syncBoard();
        council.emit('state', change.sessionId ? { kind: change.kind, sessionId: change.sessionId } : { kind: change.kind });
        // Agents edit (their context and runs say so): that session is read again. Sessions come and
        // go, the base moves (queue), locks change: the radar sees those itself, no worktree re-read.
        if ((change.kind === 'context' || change.kind === 'runs') && change.sessionId) radar.note(change.sessionId);
        else if (change.kind !== 'settings' && change.kind !== 'review' && change.kind !== 'messages') radar.poke();
      }
    });
    const stopUser = await watchUserSettings(council.ws.settingsScopes.user.file, () => council.emit('state', { kind: 'settings' }));
    const stop = async (): Promise<void> => {
      await Promise.all([stopState(), stopUser()]);
    };
    this.stopState = stop;
    // The board's worktree watchers come in the background, one worktree per turn of the event
    // loop: at 500 sessions they are seconds of folder scans, and the window wants its answer and
    // its cards first. The radar starts once they are in place, so that its first read of every
    // session is covered by them (radar-feed.ts: a session read before its watcher is re-read).
    const synced = this.syncBoard().finally(() => {
      if (this.stopState === stop) radar.start();
    });
    this.boardSynced = synced.catch(() => undefined);
    await Promise.race([synced, new Promise((resolve) => setImmediate(resolve))]);
  }

  /** Stops watching the repository: the state watchers, the radar's sweep, the board's worktrees. */
  async unwatchRepository(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const stop = this.stopState;
    this.stopState = null;
    (await this.council.radarIfMade())?.stop();
    await stop?.();
    await Promise.all(this.worktrees.heldBy(this.council.root, 'board').map((id) => this.worktrees.release(this.council.root, id, 'board')));
  }

  /**
   * While the repository is watched, every ready session's worktree is too. Sessions that came are
   * watched, sessions that went are dropped.
   */
  private async syncBoard(): Promise<void> {
    if (!this.stopState) return;
    const repo = this.council.root;
    const ready = this.council.listSessions().filter((s) => s.state === 'ready');
    const ids = new Set(ready.map((s) => s.id));
    await Promise.all(this.worktrees.heldBy(repo, 'board').filter((id) => !ids.has(id)).map((id) => this.worktrees.release(repo, id, 'board')));
    // The first few are in place before watch.repo answers (a small repository's all of them).
    for (let i = 0; i < ready.length && this.stopState; i += BOARD_WATCH_BATCH) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      await Promise.all(ready.slice(i, i + BOARD_WATCH_BATCH).map((s) => this.worktrees.hold(repo, s.id, s.worktreePath, 'board')));
    }
    // Stopped meanwhile: what was just added goes too.
    if (!this.stopState) await Promise.all(this.worktrees.heldBy(repo, 'board').map((id) => this.worktrees.release(repo, id, 'board')));
  }

  /** A diff view needs the session's worktree watched; resolves once it is. */
  holdSession(sessionId: string, worktree: string): Promise<void> {
    return this.worktrees.hold(this.council.root, sessionId, worktree, 'diff');
  }

  releaseSession(sessionId: string): Promise<void> {
    return this.worktrees.release(this.council.root, sessionId, 'diff');
  }

  /** The sessions whose worktree is watched for `holder` (the board, or a diff view). */
  heldBy(holder: 'board' | 'diff'): string[] {
    return this.worktrees.heldBy(this.council.root, holder);
  }

  async close(): Promise<void> {
    await this.unwatchRepository();
    await this.worktrees.close();
  }
}
