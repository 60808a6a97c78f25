import path from 'node:path';
import { runSessions } from '../agents/executor';
import type { AgentManager } from '../agents/manager';
import { Council } from '../council';
import type { HandlerTable } from '../dispatch';
import { invalidInput } from '../errors';
import { appHandlers } from '../handlers/app';
import type { Background, ClientSide } from '../handlers/deps';
import { repositoryHandlers } from '../handlers/index';
import { watchHandlers } from '../handlers/watch';
import { shellHandlers } from '../handlers/shells';
import { Attachments } from './attachments';
import { EventHub, type Send } from './event-hub';
import type { RadarFeed } from './radar-feed';
import { RecentRepos } from './recent';
import { StatusNotifier, type Notice } from './status-notifier';
import type { WatchBudget } from './worktree-watch';
import { watchBudget } from './worktree-watches';

export interface AppCoreOptions {
  /** Where per-user app state lives (recent repositories): Electron's userData, or ~/.council. */
  userDataDir: string;
  host: 'electron' | 'browser';
  version: string;
  /** The native folder picker; only the desktop app has one. */
  pickFolder?: () => Promise<string | null>;
  /** Shows a notice when a watched session becomes done, failed or blocked (OS notifications). */
  notify?: (notice: Notice) => void;
  /** Folder watches the worktree watchers may hold (default: a third of the per-user inotify limit). */
  maxWorktreeWatches?: number;
}

/**
 * What a front end with windows (Electron main, the browser host) serves: one repository owner
 * (Council) per open repository, keyed by its main checkout, and the command handlers
 * (core/handlers/, one file per domain) over them. What belongs to a client — its subscriptions
 * (the hub) and attached terminals — stays here, on the event side. One per process; clients
 * (windows, sockets) come and go.
 */
export class AppCore {
  /** A client whose send fails is removed like one that said goodbye: its watchers stop too. */
  readonly hub = new EventHub((clientId) => this.removeClient(clientId));
  readonly handlers: HandlerTable;
  /** The open repositories, by main checkout. */
  private readonly repositories = new Map<string, Promise<Council>>();
  private readonly attachments = new Attachments();
  private readonly notifier: StatusNotifier | null;
  /** Every open repository's worktree watchers share one budget: the OS limit is per user. */
  private readonly watchBudget: WatchBudget;

  constructor(private readonly options: AppCoreOptions) {
    this.watchBudget = watchBudget(options.maxWorktreeWatches);
    this.notifier = options.notify ? new StatusNotifier(options.notify) : null;
    const repos = { open: (p: string) => this.council(p) };
    const background: Background = {
      queueChanged: (council) => council.mergeInBackground(),
      drainQueue: async (council) => {
        council.mergeInBackground();
        return null;
      },
      startAgents: async (council, ids, preset, concurrency) => {
        const manager = await council.agents();
        void runSessions(manager, ids, { preset, mode: 'headless', concurrency, maxRetries: council.ws.settings().maxRetries }).catch(() => undefined);
      },
    };
    const clients: ClientSide = { hub: this.hub, attachments: this.attachments, repositoryWatched: (council) => this.primeNotices(council) };
    const deps = { repos, background };
    this.handlers = {
      ...appHandlers(deps, { version: options.version, host: options.host, recent: new RecentRepos(options.userDataDir), pickFolder: options.pickFolder }),
      ...repositoryHandlers(deps),
      ...watchHandlers(deps, clients),
      ...shellHandlers(deps, clients),
    };
  }

  addClient(id: string, send: Send): void {
    this.hub.addClient(id, send);
  }

  /** A window closed or a socket dropped: its subscriptions end, and watchers nobody needs stop. */
  removeClient(id: string): void {
    this.attachments.dropClient(id);
    const { repos, sessions } = this.hub.removeClient(id);
    for (const repo of repos) void this.repositories.get(repo)?.then(async (council) => (await council.watcher()).unwatchRepository());
    for (const [repo, session] of sessions) void this.repositories.get(repo)?.then(async (council) => (await council.watcher()).releaseSession(session));
  }

  /**
   * Opens a repository once per process: the first open reconciles its registry with
   * `git worktree list` (the start-up check that repairs what a crash or a manual change left) and
   * its agents' runs, and routes what happens in it to the clients watching it. Keyed by the main checkout, whatever
   * folder inside it was named.
   */
  async council(repoPath: string): Promise<Council> {
    if (!path.isAbsolute(repoPath)) throw invalidInput(`the repository path must be absolute, not "${repoPath}"`);
    const probe = Council.open(repoPath, { watchBudget: this.watchBudget });
    const key = probe.root;
    let council = this.repositories.get(key);
    if (!council) {
      // Then runs whose app or CLI died are marked interrupted (their work stays; they can be resumed).
      council = probe
        .reconcile()
        .then(() => probe.adoptRuns())
        .then(() => this.route(probe));
      council.catch(() => this.repositories.delete(key));
      this.repositories.set(key, council);
    }
    return council;
  }

  /** The agents of one repository run by this process (its owner's). */
  async agents(repoPath: string): Promise<AgentManager> {
    return (await this.council(repoPath)).agents();
  }

  /** The live conflict radar of one repository (its owner's). */
  async radar(repoPath: string): Promise<RadarFeed> {
    return (await this.council(repoPath)).radar();
  }

  /** The owner's events go to the clients watching its repository. */
  private route(council: Council): Council {
    const repo = council.root;
    council.on('agentRun', (run) => this.hub.publishRepo(repo, 'agent.run', { repo, run }));
    council.on('agentEvent', (run, event) => this.hub.publishRepo(repo, 'agent.event', { repo, sessionId: run.sessionId, runId: run.id, event }));
    council.on('radar', (radar) => this.hub.publishRepo(repo, 'radar.changed', { repo, radar }));
    council.on('worktree', (sessionId, paths) => this.hub.publishWorktree(repo, sessionId, paths));
    council.on('state', (change) => {
      if (change.kind === 'worktree') {
        if (change.sessionId) this.hub.publishTouched(repo, change.sessionId);
        return;
      }
      this.hub.publishState({ repo, kind: change.kind, ...(change.sessionId ? { sessionId: change.sessionId } : {}) });
      if (change.kind === 'context' && change.sessionId) this.observe(council, change.sessionId);
    });
    council.on('mergeNotice', (notice) => this.options.notify?.({ repo, ...notice }));
    return council;
  }

  /** The statuses when a repository starts being watched are remembered, not announced. */
  private primeNotices(council: Council): void {
    if (!this.notifier) return;
    for (const c of council.context.all()) this.notifier.observe(council.root, { id: c.sessionId, task: c.task, status: c.status, message: c.message });
  }

  private observe(council: Council, sessionId: string): void {
    if (!this.notifier) return;
    try {
      const c = council.context.get(sessionId);
      this.notifier.observe(council.root, { id: c.sessionId, task: c.task, status: c.status, message: c.message });
    } catch {
      this.notifier.forget(council.root, sessionId); // removed meanwhile
    }
  }

  async close(): Promise<void> {
    this.hub.close();
    this.attachments.clear();
    const councils = await Promise.all([...this.repositories.values()].map((c) => c.catch(() => null)));
    this.repositories.clear();
    await Promise.all(councils.map((council) => council?.close()));
  }
}
