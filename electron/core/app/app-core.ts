import path from 'node:path';
import type { SessionCard } from '../../../shared/contract';
import type { RepoInfo } from '../../../shared/models';
import { compareSessions, pickSession } from '../agents/compare';
import { createAndBootstrap } from '../agents/launch-sessions';
import { AgentManager } from '../agents/manager';
import { detectPresets } from '../agents/presets/index';
import { isLive } from '../agents/run-store';
import { Council } from '../council';
import type { HandlerContext, HandlerTable } from '../dispatch';
import { conflict, invalidInput } from '../errors';
import { currentBranch } from '../git/refs';
import { sessionChanges, sessionFileDiff } from '../sessions/changes';
import { inspectWork } from '../sessions/inspect';
import { EventHub, type Send } from './event-hub';
import { RadarFeed } from './radar-feed';
import { MergeQueue, processQueue } from '../merge/index';
import { resolvePrompt } from '../agents/resolve-prompt';
import { RecentRepos } from './recent';
import { settingsHandlers } from '../settings/handlers';
import { watchUserSettings } from '../settings/watch-user';
import { StatusNotifier, type Notice } from './status-notifier';
import { resolveRefusal } from '../../../shared/merge-policy';
import { WorktreeWatches } from './worktree-watches';

/** Worktrees whose board watchers are set up per turn of the event loop (a folder scan each: ~480 folders at 10,000 files). */
const BOARD_WATCH_BATCH = 1;

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
 * Everything a front end (Electron main, the browser host) serves: the command handlers for the
 * contract, and the events they start. One per process; clients (windows, sockets) come and go.
 */
export class AppCore {
  /** A client whose send fails is removed like one that said goodbye: its watchers stop too. */
  readonly hub = new EventHub((clientId) => this.removeClient(clientId));
  readonly handlers: HandlerTable;
  private readonly councils = new Map<string, Promise<Council>>();
  private readonly repoWatches = new Map<string, () => Promise<void>>();
  /** Session worktrees watched for the board (every session of a watched repository) and for diff views. */
  private readonly worktrees: WorktreeWatches;
  private readonly managers = new Map<string, AgentManager>();
  private readonly radars = new Map<string, RadarFeed>();
  /** Repositories whose merge queue this process is working through right now. */
  private readonly merging = new Map<string, Promise<void>>();
  /** Attached terminals: `client\0repo\0session` → unsubscribe. */
  private readonly attachments = new Map<string, () => void>();
  private readonly recent: RecentRepos;
  private readonly notifier: StatusNotifier | null;

  constructor(private readonly options: AppCoreOptions) {
    this.worktrees = new WorktreeWatches(
      (repo, sessionId, paths) => {
        this.hub.publishWorktree(repo, sessionId, paths);
        this.hub.publishTouched(repo, sessionId);
        this.radars.get(repo)?.note(sessionId);
      },
      undefined,
      options.maxWorktreeWatches,
    );
    this.recent = new RecentRepos(options.userDataDir);
    this.notifier = options.notify ? new StatusNotifier(options.notify) : null;
    this.handlers = this.createHandlers();
  }

  addClient(id: string, send: Send): void {
    this.hub.addClient(id, send);
  }

  /** A window closed or a socket dropped: its subscriptions end, and watchers nobody needs stop. */
  removeClient(id: string): void {
    for (const [key, unsubscribe] of this.attachments) {
      if (!key.startsWith(`${id}\0`)) continue;
      unsubscribe();
      this.attachments.delete(key);
    }
    const { repos, sessions } = this.hub.removeClient(id);
    for (const repo of repos) void this.stopRepoWatch(repo);
    for (const [repo, session] of sessions) void this.stopSessionWatch(repo, session);
  }

  /**
   * Opens a repository once per process: the first open reconciles its registry with
   * `git worktree list` (the start-up check that repairs what a crash or a manual change left).
   * Keyed by the main checkout, whatever folder inside it was named.
   */
  async council(repoPath: string): Promise<Council> {
    if (!path.isAbsolute(repoPath)) throw invalidInput(`the repository path must be absolute, not "${repoPath}"`);
    const probe = Council.open(repoPath);
    const key = probe.ws.repo.mainRoot;
    let council = this.councils.get(key);
    if (!council) {
      council = probe.reconcile().then(() => probe);
      council.catch(() => this.councils.delete(key));
      this.councils.set(key, council);
    }
    return council;
  }

  /** The agents of one repository run by this process (one manager per repository). */
  async agents(repoPath: string): Promise<AgentManager> {
    const council = await this.council(repoPath);
    const key = council.ws.repo.mainRoot;
    let manager = this.managers.get(key);
    if (!manager) {
      manager = new AgentManager(council, {
        listener: {
          run: (run) => this.hub.publishRepo(key, 'agent.run', { repo: key, run }),
          event: (run, event) => {
            this.hub.publishRepo(key, 'agent.event', { repo: key, sessionId: run.sessionId, runId: run.id, event });
            if (event.kind === 'file-changed') this.radars.get(key)?.note(run.sessionId);
          },
        },
      });
      this.managers.set(key, manager);
      // Runs whose app or CLI died are marked interrupted (their work stays; they can be resumed).
      await manager.reconcile();
    }
    return manager;
  }

  /** The live conflict radar of one repository (one per repository). */
  async radar(repoPath: string): Promise<RadarFeed> {
    const council = await this.council(repoPath);
    const key = council.ws.repo.mainRoot;
    let feed = this.radars.get(key);
    if (!feed) {
      feed = new RadarFeed(
        council,
        (radar) => this.hub.publishRepo(key, 'radar.changed', { repo: key, radar }),
        (sessionId) => this.worktrees.watchedSince(key, sessionId),
      );
      this.radars.set(key, feed);
    }
    return feed;
  }

  /**
   * Works through a repository's merge queue in the background (one merge at a time across
   * processes: another process holding the merge lock drains it instead). An entry that parks is
   * announced like a blocked session.
   */
  private kickQueue(council: Council): void {
    const key = council.ws.repo.mainRoot;
    if (this.merging.has(key)) {
      void this.merging.get(key)?.then(() => this.kickQueue(council));
      return;
    }
    const run = processQueue(council, {
      waitForLock: true,
      onEvent: (event) => {
        if (event.step === 'parked' && event.entry) {
          this.options.notify?.({ repo: key, sessionId: event.entry.sessionId, title: `Merge of session ${event.entry.sessionId} parked`, body: event.entry.reason ?? event.message });
        }
      },
    })
      .then(() => undefined)
      .catch((err: unknown) => {
        // Outside any entry (a corrupt queue file, git gone): nobody would see it otherwise.
        this.options.notify?.({ repo: key, sessionId: '', title: 'The merge queue stopped', body: err instanceof Error ? err.message : String(err) });
      })
      .finally(() => this.merging.delete(key));
    this.merging.set(key, run);
  }

  private async startRepoWatch(repo: string): Promise<void> {
    if (this.repoWatches.has(repo)) return;
    const council = await this.council(repo);
    const notifier = this.notifier;
    const observe = (sessionId: string): void => {
      try {
        const c = council.context.get(sessionId);
        notifier?.observe(repo, { id: c.sessionId, task: c.task, status: c.status, message: c.message });
      } catch {
        notifier?.forget(repo, sessionId); // removed meanwhile
      }
    };
    if (notifier) for (const c of council.context.all()) notifier.observe(repo, { id: c.sessionId, task: c.task, status: c.status, message: c.message });
    const radar = await this.radar(repo);
    const stopState = await council.watch((changes) => {
      for (const change of changes) {
        if (change.kind === 'sessions') void this.syncBoardWatches(repo, council);
        this.hub.publishState({ repo, kind: change.kind, ...(change.sessionId ? { sessionId: change.sessionId } : {}) });
        // Agents edit (their context and runs say so): that session is read again. Sessions come and
        // go, the base moves (queue), locks change: the radar sees those itself, no worktree re-read.
        if ((change.kind === 'context' || change.kind === 'runs') && change.sessionId) radar.note(change.sessionId);
        else if (change.kind !== 'settings') radar.poke();
        if (notifier && change.kind === 'context' && change.sessionId) observe(change.sessionId);
      }
    });
    // The user's settings apply to this repository too: a change to them is a change of its settings.
    const stopUser = await watchUserSettings(council.ws.settingsScopes.user.file, () => this.hub.publishState({ repo, kind: 'settings' }));
    const stopBoth = async (): Promise<void> => {
      await Promise.all([stopState(), stopUser()]);
    };
    if (this.repoWatches.has(repo)) {
      await stopBoth(); // another subscriber started it meanwhile
      return;
    }
    this.repoWatches.set(repo, stopBoth);
    // The board's worktree watchers come in the background, one worktree per turn of the event
    // loop: at 500 sessions they are seconds of folder scans, and the window wants its answer and
    // its cards first. The radar starts once they are in place, so that its first read of every
    // session is covered by them (radar-feed.ts: a session read before its watcher is re-read).
    const synced = this.syncBoardWatches(repo, council).finally(() => {
      if (this.repoWatches.get(repo) === stopBoth) radar.start();
    });
    await Promise.race([synced, new Promise((resolve) => setImmediate(resolve))]);
  }

  private async stopRepoWatch(repo: string): Promise<void> {
    this.radars.get(repo)?.stop();
    const stop = this.repoWatches.get(repo);
    this.repoWatches.delete(repo);
    await stop?.();
    await Promise.all(this.worktrees.heldBy(repo, 'board').map((id) => this.worktrees.release(repo, id, 'board')));
  }

  /**
   * While a repository is watched, every session's worktree is too: a card's changed-file count
   * follows an edit whoever made it (a person in a shell, an agent without hooks), not only what
   * hooks and runs report. Sessions that came are watched, sessions that went are dropped.
   */
  private async syncBoardWatches(repo: string, council: Council): Promise<void> {
    if (!this.repoWatches.has(repo)) return;
    const ready = council.listSessions().filter((s) => s.state === 'ready');
    const ids = new Set(ready.map((s) => s.id));
    await Promise.all(this.worktrees.heldBy(repo, 'board').filter((id) => !ids.has(id)).map((id) => this.worktrees.release(repo, id, 'board')));
    // The first few are in place before watch.repo answers (a small repository's all of them).
    for (let i = 0; i < ready.length && this.repoWatches.has(repo); i += BOARD_WATCH_BATCH) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      await Promise.all(ready.slice(i, i + BOARD_WATCH_BATCH).map((s) => this.worktrees.hold(repo, s.id, s.worktreePath, 'board')));
    }
    // Stopped meanwhile: what was just added goes too.
    if (!this.repoWatches.has(repo)) await Promise.all(this.worktrees.heldBy(repo, 'board').map((id) => this.worktrees.release(repo, id, 'board')));
  }

  private async startSessionWatch(repo: string, sessionId: string, worktree: string): Promise<void> {
    await this.worktrees.hold(repo, sessionId, worktree, 'diff');
  }

  private async stopSessionWatch(repo: string, sessionId: string): Promise<void> {
    await this.worktrees.release(repo, sessionId, 'diff');
  }

  private async cards(council: Council): Promise<SessionCard[]> {
    const contexts = new Map(council.context.all().map((c) => [c.sessionId, c]));
    return council.listSessions().flatMap((session) => {
      const context = contexts.get(session.id);
      return context ? [{ session, context }] : [];
    });
  }

  private repoInfo(council: Council): RepoInfo {
    const root = council.ws.repo.mainRoot;
    return { root, name: path.basename(root), branch: currentBranch(council.ws.repo.commonDir) };
  }

  private createHandlers(): HandlerTable {
    const session = async (repo: string, id: string) => {
      const council = await this.council(repo);
      return { council, session: council.session(id) };
    };
    return {
      'app.info': () => ({ version: this.options.version, platform: process.platform, host: this.options.host }),
      'repo.open': async ({ path: p }) => {
        const info = this.repoInfo(await this.council(p));
        await this.recent.add(info.root, info.name);
        return info;
      },
      'repo.recent': () => this.recent.list(),
      'repo.pickFolder': async () => {
        if (!this.options.pickFolder) throw invalidInput('there is no folder picker in the browser: type the repository path instead');
        return { path: await this.options.pickFolder() };
      },
      'settings.get': async ({ repo }) => (await this.council(repo)).ws.settings(),
      'settings.update': async ({ repo, ...patch }) => (await this.council(repo)).ws.updateSettings(patch),
      ...settingsHandlers(async (repo) => (await this.council(repo)).ws),
      'sessions.list': async ({ repo }) => this.cards(await this.council(repo)),
      'sessions.create': async ({ repo, task, agent, base, count, mode }) => {
        const manager = await this.agents(repo);
        const { sessions, setupFailures } = await createAndBootstrap(manager, { task, agent: agent ?? null, base, count, startAgent: Boolean(agent) });
        if (!agent) return sessions;
        // Started in the background: the dialog closes at once, each card follows its run.
        for (const s of sessions) {
          if (setupFailures.has(s.id)) continue;
          manager.start(s.id, { mode: mode ?? 'interactive' }).catch((err: Error) => {
            void manager.council.context.update(s.id, { status: 'failed', message: err.message.slice(0, 2000) }).catch(() => undefined);
          });
        }
        return sessions;
      },
      'sessions.work': async ({ repo, id }) => {
        const { council, session: s } = await session(repo, id);
        const work = await inspectWork(council.ws, s);
        return { unmergedCommits: work.unmergedCommits, uncommitted: work.uncommitted };
      },
      'sessions.remove': async ({ repo, id, force }) => {
        const council = await this.council(repo);
        const manager = await this.agents(repo);
        if (isLive(manager.store.latest(council.session(id).id))) {
          if (!force) throw conflict(`session ${council.session(id).id} has a running agent; stop it first (or remove with force, which stops it)`);
          await manager.stop(id);
        }
        const result = await council.removeSession(id, { force: force ?? false });
        await this.stopSessionWatch(repo, result.id);
        return result;
      },
      'sessions.stats': async ({ repo, id }) => (await this.council(repo)).stats(id),
      'sessions.changes': async ({ repo, id }) => {
        const { council, session: s } = await session(repo, id);
        return sessionChanges(council.ws, s);
      },
      'sessions.fileDiff': async ({ repo, id, path: p }) => {
        const { council, session: s } = await session(repo, id);
        return sessionFileDiff(council.ws, s, p);
      },
      'context.update': async ({ repo, id, status, message }) => {
        const council = await this.council(repo);
        const stored = await council.context.update(id, { status, message });
        return council.context.get(stored.sessionId);
      },
      'locks.list': async ({ repo }) => (await this.council(repo)).locks.list(),
      'radar.get': async ({ repo }) => (await this.radar(repo)).compute(),
      'queue.list': async ({ repo }) => new MergeQueue((await this.council(repo)).ws).list(),
      'queue.enqueue': async ({ repo, id, strategy, gate }) => {
        const council = await this.council(repo);
        const entry = await new MergeQueue(council.ws).enqueue(id, { strategy, gate });
        this.kickQueue(council);
        return entry;
      },
      'queue.remove': async ({ repo, entry }) => {
        await new MergeQueue((await this.council(repo)).ws).remove(entry);
        return { removed: true };
      },
      'queue.retry': async ({ repo, entry }) => {
        const council = await this.council(repo);
        const retried = await new MergeQueue(council.ws).retry(entry);
        this.kickQueue(council);
        return retried;
      },
      'queue.move': async ({ repo, entry, index }) => new MergeQueue((await this.council(repo)).ws).move(entry, index),
      'queue.resolve': async ({ repo, entry }) => {
        const manager = await this.agents(repo);
        const parked = new MergeQueue(manager.council.ws).get(entry);
        const refusal = resolveRefusal(parked, manager.council.ws.registry.find(parked.sessionId));
        if (refusal !== null) throw invalidInput(refusal);
        const session = manager.council.session(parked.sessionId);
        const task = resolvePrompt({ task: session.task, baseBranch: session.baseBranch, files: parked.files, reason: parked.reason });
        return manager.start(session.id, { task, mode: manager.store.latest(session.id)?.mode ?? 'headless' });
      },
      'queue.gateLog': async ({ repo, entry }) => new MergeQueue((await this.council(repo)).ws).gateLog(entry),
      'agents.list': async ({ repo }) => detectPresets((await this.council(repo)).ws.settings(), process.env as Record<string, string>),
      'agent.start': async ({ repo, id, preset, mode, resume }) => (await this.agents(repo)).start(id, { preset, mode, resume }),
      'agent.stop': async ({ repo, id }) => (await this.agents(repo)).stop(id),
      'agent.input': async ({ repo, id, data }) => ({ written: (await this.agents(repo)).write(id, data) }),
      'agent.resize': async ({ repo, id, cols, rows }) => ({ resized: (await this.agents(repo)).resize(id, cols, rows) }),
      'agent.attach': async ({ repo, id }, ctx: HandlerContext) => {
        requireClient(ctx);
        const manager = await this.agents(repo);
        const sessionId = manager.council.session(id).id;
        const key = `${ctx.clientId}\0${manager.council.ws.repo.mainRoot}\0${sessionId}`;
        this.attachments.get(key)?.();
        const root = manager.council.ws.repo.mainRoot;
        const { unsubscribe, ...snapshot } = manager.attach(sessionId, (run, chunk) =>
          this.hub.sendTo(ctx.clientId, 'agent.output', { repo: root, sessionId, runId: run.id, seq: chunk.seq, data: chunk.data }),
        );
        this.attachments.set(key, unsubscribe);
        return snapshot;
      },
      'agent.detach': async ({ repo, id }, ctx: HandlerContext) => {
        const manager = await this.agents(repo);
        const key = `${ctx.clientId}\0${manager.council.ws.repo.mainRoot}\0${manager.council.session(id).id}`;
        const unsubscribe = this.attachments.get(key);
        this.attachments.delete(key);
        unsubscribe?.();
        return { stopped: Boolean(unsubscribe) };
      },
      'agent.runs': async ({ repo, id }) => (await this.agents(repo)).runs(id),
      'agent.events': async ({ repo, id }) => (await this.agents(repo)).events(id),
      'compare.sessions': async ({ repo, ids, check }) => compareSessions(await this.agents(repo), ids, { check }),
      'compare.pick': async ({ repo, keep, discard }) => pickSession(await this.agents(repo), keep, discard),
      // Watches are keyed by the repository's main checkout, whatever folder in it was named: one
      // watcher per repository (and per session), however many spellings a client sends.
      'watch.repo': async ({ repo: named }, ctx: HandlerContext) => {
        requireClient(ctx);
        const council = await this.council(named);
        const repo = council.ws.repo.mainRoot;
        if (this.hub.subscribeRepo(ctx.clientId, repo)) await this.startRepoWatch(repo);
        // The queue resumes after a restart: what was waiting (or cut off mid-merge) goes on.
        if (new MergeQueue(council.ws).hasWork()) this.kickQueue(council);
        return { watching: true };
      },
      'watch.session': async ({ repo: named, id }, ctx: HandlerContext) => {
        requireClient(ctx);
        const { council, session: s } = await session(named, id);
        const repo = council.ws.repo.mainRoot;
        const { first, seq } = this.hub.subscribeSession(ctx.clientId, repo, s.id);
        if (first) await this.startSessionWatch(repo, s.id, s.worktreePath);
        return { seq, files: await sessionChanges(council.ws, s) };
      },
      'watch.stop': async ({ repo: named, id }, ctx: HandlerContext) => {
        const repo = (await this.council(named)).ws.repo.mainRoot;
        const ids = id ? [(await this.council(repo)).session(id).id] : this.hub.sessionsOf(ctx.clientId, repo);
        let stopped = false;
        for (const sid of ids) {
          stopped = true;
          if (this.hub.unsubscribeSession(ctx.clientId, repo, sid)) await this.stopSessionWatch(repo, sid);
        }
        if (!id && this.hub.unsubscribeRepo(ctx.clientId, repo)) {
          stopped = true;
          await this.stopRepoWatch(repo);
        }
        return { stopped };
      },
    };
  }

  async close(): Promise<void> {
    this.hub.close();
    for (const unsubscribe of this.attachments.values()) unsubscribe();
    this.attachments.clear();
    await Promise.all([...this.managers.values()].map((manager) => manager.stopAll()));
    for (const feed of this.radars.values()) feed.stop();
    await Promise.all([...this.repoWatches.values()].map((stop) => stop()));
    this.repoWatches.clear();
    await this.worktrees.close();
  }
}

/** Subscriptions belong to a client that events can reach; without one they would never end. */
function requireClient(ctx: HandlerContext): void {
  if (!ctx.clientId) throw invalidInput('watching needs a connected client (a window, or a browser socket that said hello)');
}
