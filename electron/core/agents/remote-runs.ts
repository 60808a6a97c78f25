import path from 'node:path';
import type { AgentEvent, AgentEventInput, AgentRun, OutputChunk } from '../../../shared/agents';
import type { ContextUpdate, Session } from '../../../shared/models';
import type { Council } from '../council';
import { CouncilError, invalidInput } from '../errors';
import { serveAuthority } from '../hosts/authority';
import type { RemoteProcess } from '../hosts/remote-attach';
import type { LinkState } from '../hosts/reconnect';
import { followRunEvents } from './hooks/run-events';
import type { InboxDelivery } from './inbox-delivery';
import { newLive, type LiveRun } from './live-run';
import { createParser, hasParser } from './parsers/index';
import { readRemoteState, reattachedRun, remoteStateFile, type RemoteRun, type RemoteStartOptions } from './remote-run';
import { adoptableTerminal, followTerminal, type TerminalLink } from './remote-terminal';
import { ttyStateFile, type RemoteTty } from './remote-tty';
import { isLive, type RunStore } from './run-store';
import { startAgentProcess, type AgentExit, type AgentProcess } from './runner/agent-process';
import type { TerminalSizes } from './runner/terminal-sizes';
import { PasteTracker } from './terminal-input';
import type { OutputParser } from './types';

/**
 * The agent manager's runs on other machines (issue 17), over what it keeps of them: a remote run's
 * connection moving it between running and disconnected; letting a remote run go when the app
 * closes (it runs on on its host) and following it again from the next home to open the repository
 * (adoption: headless from its saved offsets, interactive by attaching to the tmux session that holds
 * it); an interactive run's terminal re-attached after a drop.
 */

/** What of the agent manager (manager.ts) a remote run is followed with. */
export interface RunHost {
  readonly council: Council;
  readonly store: RunStore;
  /** The runs this process follows, by session id. */
  readonly live: Map<string, LiveRun>;
  readonly sizes: TerminalSizes;
  readonly delivery: InboxDelivery;
  session(ref: string): Session;
  userEnv(): Record<string, string>;
  /** Who follows the session's output. */
  listeners(sessionId: string): Iterable<(run: AgentRun, chunk: OutputChunk) => void>;
  patch(live: LiveRun, changes: Partial<AgentRun>): Promise<AgentRun>;
  apply(live: LiveRun, input: AgentEventInput, record: boolean): void;
  context(sessionId: string, update: ContextUpdate): Promise<void>;
  finish(live: LiveRun, exit: AgentExit): Promise<AgentRun>;
  watch(live: LiveRun, session: Session): Promise<boolean>;
  followHeadless(live: LiveRun, proc: AgentProcess, parser: OutputParser | null, remote: RemoteRun | null | undefined): void;
  hookEvent(live: LiveRun, event: AgentEvent): void;
  emitRun(run: AgentRun): void;
  hostAlive(run: AgentRun): boolean;
}

export class RemoteRuns {
  constructor(private readonly m: RunHost) {}

  /** How a remote run is followed: its connection's changes move the run between running and disconnected. */
  startOptions(live: LiveRun, privateDir: string, userEnv: Record<string, string>, host: string): RemoteStartOptions {
    return {
      cwd: privateDir,
      env: userEnv,
      logFile: this.m.store.logFile(live.run),
      stateFile: remoteStateFile(this.m.store, live.run),
      stopRequested: () => this.m.store.stopRequested(live.run),
      onLink: (link) => this.linkChanged(live, host, link),
    };
  }

  /**
   * A remote run's connection changed (headless or interactive): the run moves between running and
   * disconnected. `inOutput`: said in its output too (not into an interactive agent's screen).
   */
  private linkChanged(live: LiveRun, host: string, link: LinkState, inOutput = true): void {
    if (live.finishing || !isLive(live.run)) return;
    const pid = live.process?.pid || live.run.pid;
    const say = (text: string): void => {
      if (inOutput && live.process && !live.process.output.isClosed) live.process.output.append(text);
    };
    if (link.connected) {
      if (live.run.state === 'disconnected') {
        void this.m.patch(live, { state: 'running', connection: null, pid });
        say(`council: reconnected to ${host}\r\n`);
      }
      return;
    }
    if (link.droppedAt === null) return;
    const connection = { host, droppedAt: link.droppedAt, attempt: link.attempt, nextAttemptAt: link.nextAttemptAt, error: link.error };
    if (live.run.state !== 'disconnected') say(`council: the connection to ${host} dropped; the agent goes on there — reconnecting\r\n`);
    void this.m.patch(live, { state: 'disconnected', connection, pid });
  }

  /** Lets a remote run go without stopping it (stopAll keepRemote). */
  async release(live: LiveRun): Promise<void> {
    live.finishing = true;
    live.stopEvents?.();
    if (live.stopWatch) await live.stopWatch().catch(() => undefined);
    await live.advisory?.close().catch(() => undefined);
    if (live.tty) {
      // Interactive, held by tmux there: its terminal here ends, the agent goes on in tmux.
      live.released = true;
      live.link?.cancel();
      await live.process?.stop({ graceMs: 500 }).catch(() => undefined);
      await live.tty.settled().catch(() => undefined);
    } else {
      await (live.process as RemoteProcess).release();
    }
    live.authority?.close();
    this.m.live.delete(live.run.sessionId);
    // No process follows it now (hostPid 0): the next home to open the repository, or a stop, takes it over.
    const host = live.remote?.host ?? live.tty?.state.host ?? '?';
    const released = await this.m.store
      .update(live.run, (current) =>
        isLive(current) ? { ...current, hostPid: 0, state: 'disconnected', connection: { host, droppedAt: new Date().toISOString(), attempt: 0, nextAttemptAt: null, error: `council closed; the agent runs on on ${host}, and is followed again when the repository is opened` } } : current,
      )
      .catch(() => null);
    if (released) this.m.emitRun(released);
  }

  /**
   * Follows a remote run again whose home process is gone (the app closed or crashed while the
   * agent ran on its host): from the offsets kept beside its record, taken over under the record's
   * mutex (one home only). False when it is not a remote run that can be (the run is then marked
   * interrupted as any other).
   */
  private async adoptRemote(found: AgentRun): Promise<boolean> {
    const session = this.m.council.ws.registry.find(found.sessionId);
    if (!session?.host || found.mode !== 'headless') return false;
    const state = readRemoteState(remoteStateFile(this.m.store, found));
    if (!state || state.host !== session.host.name) return false;
    const authority = state.remoteSocket ? await serveAuthority(this.m.council, session) : null;
    let remote: RemoteRun;
    try {
      remote = reattachedRun(this.m.council.ws, session, state, authority?.socket ?? null);
    } catch {
      authority?.close();
      return false;
    }
    const taken = await this.takeOver(found, state.host);
    if (taken.hostPid !== process.pid) {
      authority?.close();
      return isLive(taken);
    }
    const settings = this.m.council.ws.settings();
    const parser = hasParser(taken.preset, settings.agents[taken.preset]?.driver) ? createParser(taken.preset, { worktree: remote.worktree, driver: settings.agents[taken.preset]?.driver }) : null;
    const { live, resolveEnded } = newLive(taken, { remote, authority });
    this.m.live.set(session.id, live);
    this.m.emitRun(taken);
    live.watching = this.m.watch(live, session);
    const proc = await remote.start(this.startOptions(live, path.join(this.m.council.ws.paths.agents, session.id), this.m.userEnv(), state.host));
    live.process = proc;
    remote.onProblem = (text) => {
      if (!proc.output.isClosed) proc.output.append(`${text}\r\n`);
    };
    proc.output.append(`council: following the agent on ${state.host} again\r\n`);
    proc.output.subscribe((chunk) => {
      for (const listener of this.m.listeners(session.id)) listener(live.run, chunk);
    });
    this.m.followHeadless(live, proc, parser, remote);
    void proc.exited.then(async (exit) => {
      for (const event of parser?.end?.() ?? []) this.m.apply(live, event, true);
      await remote.settled();
      authority?.close();
      resolveEnded(await this.m.finish(live, exit));
    });
    return true;
  }

  /**
   * Makes this process the one following a remote run no home follows (under the record's mutex:
   * one home only), disconnected until it is attached; the record as it is now (another home's pid
   * when one took it first).
   */
  private takeOver(found: AgentRun, host: string): Promise<AgentRun> {
    return this.m.store.update(found, (current) =>
      isLive(current) && !this.m.hostAlive(current)
        ? { ...current, hostPid: process.pid, state: 'disconnected', connection: { host, droppedAt: new Date().toISOString(), attempt: 0, nextAttemptAt: null, error: `home (pid ${current.hostPid}) stopped following it; reattaching` } }
        : current,
    );
  }

  /** A remote run no home follows, followed here again (headless or interactive); false when it cannot be. */
  async adopt(run: AgentRun): Promise<boolean> {
    return (await this.adoptRemote(run).catch(() => false)) || (await this.adoptTerminal(run).catch(() => false));
  }

  /**
   * An interactive agent on a host whose home process is gone (the app closed or crashed) that
   * tmux still holds there: taken over (the run's record, under its mutex) disconnected, and its
   * terminal attached again by remote-terminal.ts. False when it is not one (ended there, no tmux).
   */
  private async adoptTerminal(found: AgentRun): Promise<boolean> {
    const session = this.m.council.ws.registry.find(found.sessionId);
    if (!session?.host || found.mode !== 'interactive') return false;
    const adoptable = await adoptableTerminal(this.m.council, session, ttyStateFile(this.m.store.recordFile(found)));
    if (!adoptable) return false;
    const { tty, authority, host } = adoptable;
    const taken = await this.takeOver(found, host);
    if (taken.hostPid !== process.pid) {
      authority?.close();
      return isLive(taken);
    }
    const { live, resolveEnded } = newLive(taken, { tty, authority });
    this.m.live.set(session.id, live);
    this.m.emitRun(taken);
    live.watching = this.m.watch(live, session);
    await live.watching;
    live.stopEvents = followRunEvents(this.m.store.eventsFile(taken), live.ownEvents, (event) => this.m.hookEvent(live, event));
    this.m.delivery.watch();
    tty.onProblem = (text) => {
      const now = live.process;
      if (now && !now.output.isClosed) now.output.append(`\r\n${text}\r\n`);
    };
    live.settle = async (exit) => {
      await tty.settled();
      authority?.close();
      resolveEnded(await this.m.finish(live, exit));
    };
    live.link = this.followTerminal(live, tty, null);
    return true;
  }

  /**
   * Follows a remote interactive run's terminal connection (remote-terminal.ts): a drop while tmux
   * holds the agent on the host makes the run disconnected, and a new terminal attaches by itself
   * once the host answers again (backoff as a headless run's); the agent's end, a stop, or a drop
   * without tmux ends the run.
   */
  followTerminal(live: LiveRun, tty: RemoteTty, first: AgentProcess | null): TerminalLink {
    const session = this.m.session(live.run.sessionId);
    const host = session.host?.name ?? 'the host';
    return followTerminal({
      host,
      tty,
      first,
      stopping: () => live.stopping || this.m.store.stopRequested(live.run),
      attach: () => this.attachTerminal(live, tty),
      onLink: (state) => {
        if (!state.connected && state.droppedAt !== null && live.run.state !== 'disconnected') {
          const text = `the connection to ${host} dropped; the agent goes on there (held by tmux) — reconnecting`;
          this.m.apply(live, { kind: 'message', text }, true);
          void this.m.context(live.run.sessionId, { message: text }).catch(() => undefined);
        }
        if (state.connected && live.run.state === 'disconnected' && isLive(live.run)) this.m.apply(live, { kind: 'message', text: `reconnected to ${host}: the terminal is attached to the agent again` }, true);
        this.linkChanged(live, host, state, false);
      },
      onEnd: (exit, failed) => {
        if (live.released) return;
        if (failed && !live.outcome) live.outcome = { state: 'failed', reason: failed };
        void live.settle?.(exit);
      },
    });
  }

  /** A new terminal on a remote interactive agent that tmux holds on its host: a new `ssh -tt` attaching to its tmux session, the view and input going on. */
  private async attachTerminal(live: LiveRun, tty: RemoteTty): Promise<AgentProcess> {
    const sessionId = live.run.sessionId;
    const proc = await startAgentProcess({
      command: 'ssh',
      args: tty.attachArgs(),
      cwd: path.join(this.m.council.ws.paths.agents, sessionId),
      env: this.m.userEnv(),
      mode: 'pty',
      rawOutput: true,
      ...this.m.sizes.startSize(sessionId),
      logFile: this.m.store.logFile(live.run),
    });
    // The new terminal's chunks number on from the earlier ones' (a terminal view skips a number it has seen).
    live.seqBase = (live.seqBase ?? 0) + (live.process?.output.snapshot().seq ?? 0);
    live.process = proc;
    live.paste = undefined;
    const base = live.seqBase;
    proc.output.subscribe((chunk) => {
      (live.paste ??= new PasteTracker()).feed(chunk.data);
      for (const listener of this.m.listeners(sessionId)) listener(live.run, { ...chunk, seq: chunk.seq + base });
    });
    live.run = await this.m.patch(live, { pid: proc.pid });
    return proc;
  }

  /**
   * Attaches a remote session's interactive agent again now, without waiting out the backoff
   * (it re-attaches by itself too: remote-terminal.ts). Resolves once that attempt is made.
   */
  async reattach(ref: string): Promise<AgentRun> {
    const session = this.m.session(ref);
    const live = this.m.live.get(session.id);
    if (!live?.tty || !live.link) throw invalidInput(`session ${session.id} has no interactive agent on a host run by this process: nothing to attach to`);
    if (live.link.connected) throw new CouncilError('conflict', `session ${session.id}'s terminal on ${session.host?.name ?? 'its host'} is connected already`);
    await live.link.retryNow();
    return live.run;
  }
}
