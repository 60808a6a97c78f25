import type { AgentEvent, AgentRun } from '../../shared/agents';
import type { Radar } from '../../shared/merge';
import type { Session, SessionStats } from '../../shared/models';
import type { AgentManager } from './agents/manager';
import type { RadarFeed } from './app/radar-feed';
import type { WatchBudget } from './app/worktree-watch';
import { ContextStore } from './context/context';
import { FileLocks } from './locks/file-locks';
import { withMergeLock, type MergeLockOptions } from './locks/merge-lock';
import type { MergeEvent, ProcessResult } from './merge/engine';
import { MergeQueue } from './merge/queue-store';
import type { RepositoryWatch } from './repository-watch';
import { cleanupSessions } from './sessions/cleanup';
import { commitSession } from './sessions/commit';
import { createSessions, type CreateSessionOptions } from './sessions/create';
import { sessionStats } from './sessions/inspect';
import { reconcile } from './sessions/reconcile';
import { removeSession } from './sessions/remove';
import { watchState, type StateChange } from './state/watch';
import { Workspace } from './workspace';

/**
 * What happens in one repository, for whoever shows it (the app core routes these to the windows
 * watching it). Listeners are kept by the owner; a face subscribes once per repository.
 */
export interface RepositoryEvents {
  /** A run of an agent this process hosts started, changed state or ended. */
  agentRun(run: AgentRun): void;
  agentEvent(run: AgentRun, event: AgentEvent): void;
  /** The live radar has a different answer. */
  radar(radar: Radar): void;
  /** Shared state changed (any process), or files changed in a watched session worktree. */
  state(change: { kind: StateChange['kind'] | 'settings' | 'worktree'; sessionId?: string }): void;
  /** Changed paths of a watched session's worktree (the diff views' deltas). */
  worktree(sessionId: string, paths: string[]): void;
  /** The background merge parked an entry, or stopped on an error outside any entry. */
  mergeNotice(notice: { sessionId: string; title: string; body: string }): void;
}

export interface CouncilOptions {
  /** The folder watches this process may hold, shared by every repository it watches (default: a
   * share of the per-user inotify limit, app/worktree-watches.ts). */
  watchBudget?: WatchBudget;
}

type Listeners = { [K in keyof RepositoryEvents]: Set<RepositoryEvents[K]> };

/**
 * The owner of one repository: its sessions, locks and context (cheap, made at once), and the
 * services that cost something — the agents run by this process, the live radar, the merge queue
 * worked in this process, the watchers — made on first use, so a CLI process that only lists
 * sessions pays nothing for them. `close()` stops everything it started. The app core holds one per
 * open repository (keyed by its main checkout); the CLI opens one per process; the command handlers
 * (core/handlers/) take it from either. Nothing here imports Electron, and the costly services'
 * modules are loaded only when first used (`council lock acquire` before each agent edit must not
 * evaluate them).
 */
export class Council {
  readonly locks: FileLocks;
  readonly context: ContextStore;
  private readonly listeners: Listeners = { agentRun: new Set(), agentEvent: new Set(), radar: new Set(), state: new Set(), worktree: new Set(), mergeNotice: new Set() };
  private queueStore: MergeQueue | null = null;
  private agentManager: Promise<AgentManager> | null = null;
  private shellManager: Promise<import('./shells/shell-manager').ShellManager> | null = null;
  private adopted: Promise<void> | null = null;
  private radarFeed: Promise<RadarFeed> | null = null;
  private watchers: Promise<RepositoryWatch> | null = null;
  /** The watchers once made (the radar asks them synchronously which worktrees they cover). */
  private watchNow: RepositoryWatch | null = null;
  /** The merge this process is working through right now (the app's background merge). */
  private merging: Promise<void> | null = null;
  private closed = false;

  constructor(
    readonly ws: Workspace,
    private readonly options: CouncilOptions = {},
  ) {
    this.locks = new FileLocks(ws);
    this.context = new ContextStore(ws);
  }

  /** Opens the repository that contains `start` (any folder of the main checkout or a worktree). */
  static open(start: string, options: CouncilOptions = {}): Council {
    return new Council(Workspace.open(start), options);
  }

  /** The shared context, as the lock domain asks for it (LockScope): here it is always open. */
  contextStore(): Promise<ContextStore> {
    return Promise.resolve(this.context);
  }

  /** The main checkout: what names this repository, whatever folder inside it was opened. */
  get root(): string {
    return this.ws.repo.mainRoot;
  }

  // ── Events ────────────────────────────────────────────────────────────────────────────────

  /** Listens to one kind of event; returns the way to stop. */
  on<K extends keyof RepositoryEvents>(kind: K, listener: RepositoryEvents[K]): () => void {
    const set = this.listeners[kind] as Set<RepositoryEvents[K]>;
    set.add(listener);
    return () => void set.delete(listener);
  }

  /** Tells every listener of `kind`; one listener's failure never stops the others (or the caller). */
  emit<K extends keyof RepositoryEvents>(kind: K, ...args: Parameters<RepositoryEvents[K]>): void {
    for (const listener of this.listeners[kind] as Set<(...a: Parameters<RepositoryEvents[K]>) => void>) {
      try {
        listener(...args);
      } catch {
        // a listener's own problem
      }
    }
  }

  // ── Sessions ──────────────────────────────────────────────────────────────────────────────

  createSessions(options: CreateSessionOptions): Promise<Session[]> {
    return createSessions(this.ws, options);
  }

  listSessions(): Session[] {
    return this.ws.registry.all();
  }

  session(idOrPrefix: string): Session {
    return this.ws.registry.resolve(idOrPrefix);
  }

  stats(idOrPrefix: string): Promise<SessionStats> {
    return sessionStats(this.ws, this.session(idOrPrefix));
  }

  commit(idOrPrefix: string, message: string): ReturnType<typeof commitSession> {
    return commitSession(this.ws, idOrPrefix, message);
  }

  /**
   * Removes the session's worktree and branch (git only: whether its agent may be running is the
   * removal policy's question, core/handlers/session-removal.ts, which every face goes through).
   */
  removeSession(idOrPrefix: string, options: { force?: boolean } = {}): ReturnType<typeof removeSession> {
    return removeSession(this.ws, idOrPrefix, options);
  }

  cleanup(olderThanMs?: number): ReturnType<typeof cleanupSessions> {
    return cleanupSessions(this.ws, olderThanMs ?? this.ws.settings().staleAfterMinutes * 60_000);
  }

  reconcile(): ReturnType<typeof reconcile> {
    return reconcile(this.ws);
  }

  /** Calls `onChange` when any process changes this repository's shared state. */
  watch(onChange: (changes: StateChange[]) => void, options?: { debounceMs?: number }): Promise<() => Promise<void>> {
    return watchState(this.ws.paths, onChange, options);
  }

  withMergeLock<T>(fn: (lost: () => boolean) => Promise<T>, options?: MergeLockOptions): Promise<T> {
    return withMergeLock(this.ws, fn, options);
  }

  // ── Services made on first use ────────────────────────────────────────────────────────────

  /** The repository's merge queue (one store for every caller in this process). */
  get queue(): MergeQueue {
    this.queueStore ??= new MergeQueue(this.ws);
    return this.queueStore;
  }

  /** The agents this process runs in the repository's sessions (made on first use). */
  agents(): Promise<AgentManager> {
    this.agentManager ??= this.makeAgents();
    return this.agentManager;
  }

  /** The plain shells this process runs in the repository's sessions' worktrees (made on first use). */
  shells(): Promise<import('./shells/shell-manager').ShellManager> {
    this.shellManager ??= import('./shells/shell-manager').then(({ ShellManager }) => new ShellManager(this));
    return this.shellManager;
  }

  /** The shells when something already made them (nothing to stop otherwise). */
  shellsIfMade(): Promise<import('./shells/shell-manager').ShellManager> | null {
    return this.shellManager;
  }

  /**
   * Once per owner: runs whose host process is gone are marked interrupted (their work stays; they
   * can be resumed), and an agent that outlived its host is stopped. The app does it when it opens
   * the repository; a CLI verb does not (it reads every run record, and `session create` on a
   * repository of 500 sessions must cost what git costs).
   */
  adoptRuns(): Promise<void> {
    this.adopted ??= this.agents().then(async (manager) => {
      await manager.reconcile().catch(() => undefined);
    });
    return this.adopted;
  }

  private async makeAgents(): Promise<AgentManager> {
    const { AgentManager } = await import('./agents/manager');
    const manager = new AgentManager(this, {
      listener: {
        run: (run) => this.emit('agentRun', run),
        event: (run, event) => {
          this.emit('agentEvent', run, event);
          if (event.kind === 'file-changed') void this.radarIfMade()?.then((feed) => feed.note(run.sessionId));
        },
      },
    });
    return manager;
  }

  /** The live conflict radar (recomputed after changes, published as `radar` events). */
  radar(): Promise<RadarFeed> {
    // A session whose worktree a watcher covers is re-read when it says so; the others by the sweep.
    this.radarFeed ??= import('./app/radar-feed').then(
      ({ RadarFeed }) =>
        new RadarFeed(
          this,
          (radar) => this.emit('radar', radar),
          (sessionId) => this.watchNow?.watchedSince(sessionId) ?? null,
        ),
    );
    return this.radarFeed;
  }

  /** The radar when something already made it (a note to a radar nobody made is no work). */
  radarIfMade(): Promise<RadarFeed> | null {
    return this.radarFeed;
  }

  /**
   * Works through the merge queue in this process, in the background (one merge at a time across
   * processes: another process holding the merge lock drains it instead). Asked again while it
   * runs, it goes once more when this run ends. A parked entry, or a stop outside any entry, is a
   * `mergeNotice`.
   */
  mergeInBackground(): void {
    if (this.closed) return;
    if (this.merging) {
      void this.merging.then(() => this.mergeInBackground());
      return;
    }
    const run = this.processQueue({
      waitForLock: true,
      onEvent: (event) => {
        if (event.step === 'parked' && event.entry) {
          this.emit('mergeNotice', { sessionId: event.entry.sessionId, title: `Merge of session ${event.entry.sessionId} parked`, body: event.entry.reason ?? event.message });
        }
      },
    })
      .then(() => undefined)
      .catch((err: unknown) => {
        // Outside any entry (a corrupt queue file, git gone): nobody would see it otherwise.
        this.emit('mergeNotice', { sessionId: '', title: 'The merge queue stopped', body: err instanceof Error ? err.message : String(err) });
      })
      .finally(() => (this.merging = null));
    this.merging = run;
  }

  /** Works through the merge queue in this process until nothing is waiting (merge/engine.ts). */
  async processQueue(options: { waitForLock?: boolean; signal?: AbortSignal; onEvent?: (event: MergeEvent) => void } = {}): Promise<ProcessResult> {
    const { processQueue } = await import('./merge/engine');
    return processQueue(this, options);
  }

  /** The repository's watchers (state, user settings, session worktrees), made on first use. */
  watcher(): Promise<RepositoryWatch> {
    this.watchers ??= import('./repository-watch').then(({ RepositoryWatch }) => (this.watchNow = new RepositoryWatch(this, this.options.watchBudget)));
    return this.watchers;
  }

  /** The watchers when something already made them (nothing to release otherwise). */
  watcherIfMade(): Promise<RepositoryWatch> | null {
    return this.watchers;
  }

  /** Stops everything this owner started: agents it runs, the radar, the watchers; no new background merge starts. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const [manager, feed, watch, shells] = await Promise.all([this.agentManager, this.radarFeed, this.watchers, this.shellManager].map((p) => p?.catch(() => null) ?? null));
    (feed as RadarFeed | null)?.stop();
    await Promise.all([
      // A remote agent runs on on its host; the next home to open the repository follows it again.
      (manager as AgentManager | null)?.stopAll({ keepRemote: true }),
      (watch as RepositoryWatch | null)?.close(),
      (shells as import('./shells/shell-manager').ShellManager | null)?.stopAll(),
    ]);
    // A merge under way is not waited for (its gate may run for minutes): the merge lock and the
    // journal make it safe to cut off, and the next process to open the queue recovers it.
  }
}
