import { mkdirSync, readlinkSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AgentEvent, AgentEventInput, AgentPresetId, AgentRun, OutputChunk, RunMode, RunState } from '../../../shared/agents';
import type { ContextUpdate, Session, SessionContextView } from '../../../shared/models';
import type { Council } from '../council';
import { CouncilError, invalidInput } from '../errors';
import { sessionEnvironment } from '../sessions/bootstrap';
import { councilCommand } from './council-command';
import { checkLockHook } from './hooks/preflight';
import { createParser, hasParser } from './parsers/index';
import { presetFor } from './presets/index';
import { isAlive, killTree } from './runner/process-tree';
import { startAgentProcess, type AgentProcess } from './runner/agent-process';
import { eventEffects, FILES_TOUCHED_LIMIT } from './event-effects';
import { readLog } from './log-file';
import { isLive, RunStore } from './run-store';
import { renderEvent } from './render-event';
import type { Launch, OutputParser, StartupPrompt } from './types';
import { watchActivity } from './worktree-activity';
import { AdvisoryLocks } from './advisory-locks';
import { followRunEvents } from './hooks/run-events';
import { TerminalSizes } from './runner/terminal-sizes';
import { Inbox } from './inbox';
import { InboxDelivery } from './inbox-delivery';
import { hostCouncilCommand, hostHookRunner, hostProgram, remoteAuthoritySocket, remoteRun, type RemoteRun } from './remote-run';
import { serveAuthority, type Authority } from '../hosts/authority';
import { followUpKeys, PasteTracker, SUBMIT_AFTER_MS } from './terminal-input';
import { remoteTty, stopRemoteTerminal, ttyStateFile, writeTtyState, type RemoteTty } from './remote-tty';
import { newLive, type LiveRun } from './live-run';
import { RemoteRuns } from './remote-runs';

/**
 * Starts, watches and stops the agents of one repository's sessions, in this process. Every run
 * is recorded in the shared state (RunStore), so other processes see it, follow its log, ask it to
 * stop, and mark it interrupted when this process is gone. Headless output is parsed into
 * normalized events; events and the worktree watcher keep the session's context current.
 */

export interface ManagerListener {
  run?(run: AgentRun): void;
  event?(run: AgentRun, event: AgentEvent): void;
}

export interface StartOptions {
  preset?: AgentPresetId;
  mode?: RunMode;
  /** Continue the session's latest run (its task, and the CLI's own conversation when known). */
  resume?: boolean;
  attempt?: number;
  /** Use this run id (a supervisor started by the CLI is told the id it printed). */
  runId?: string;
  /** A prompt other than the session's task (e.g. "bring in the base and resolve these files"). */
  task?: string;
  /**
   * A follow-up: the session's latest run is continued on the CLI's own conversation (its id must
   * be known) with this as the new prompt — not the task again (issue 14, item 2).
   */
  followUp?: string;
}

export interface ManagerOptions {
  /** The environment agents inherit (default: this process's). */
  env?: Record<string, string | undefined>;
  /** The user's home (default: os.homedir()). */
  userHome?: string;
  listener?: ManagerListener;
  /** How long a stopped agent gets before SIGKILL. */
  stopGraceMs?: number;
  cols?: number;
  rows?: number;
}

/** How often a pending start-up prompt's answer is looked for (a small file read). */
const STARTUP_POLL_MS = 250;

function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (typeof value === 'string') out[key] = value;
  return out;
}

export class AgentManager {
  readonly store: RunStore;
  private readonly live = new Map<string, LiveRun>();
  private readonly outputListeners = new Map<string, Set<(run: AgentRun, chunk: OutputChunk) => void>>();
  private readonly contextQueue = new Map<string, Promise<void>>();
  private readonly sizes: TerminalSizes;
  /** Follow-ups for the sessions' agents from other processes (`council send`), and their delivery here. */
  readonly inbox: Inbox;
  private readonly delivery: InboxDelivery;
  /** The runs on other machines: their connection, letting them go, adopting them again (remote-runs.ts). */
  private readonly remote: RemoteRuns;

  constructor(
    readonly council: Council,
    private readonly options: ManagerOptions = {},
  ) {
    this.store = new RunStore(council.ws.paths);
    this.inbox = new Inbox(council.ws.paths);
    this.delivery = new InboxDelivery(this.inbox, {
      takerOf: (sessionId) => {
        const live = this.live.get(sessionId);
        // (a dropped remote terminal takes nothing: its follow-ups wait here until it reconnects)
        return live && live.run.mode === 'interactive' && live.process && !live.finishing && live.run.state !== 'disconnected' ? live.run.id : null;
      },
      liveSessions: () => this.live.keys(),
      type: (sessionId, text) => this.typeFollowUp(sessionId, text),
      resume: (sessionId, followUp) => this.start(sessionId, { followUp }),
    });
    this.sizes = new TerminalSizes({ cols: options.cols ?? 120, rows: options.rows ?? 32 });
    this.remote = new RemoteRuns({
      council,
      store: this.store,
      live: this.live,
      sizes: this.sizes,
      delivery: this.delivery,
      session: (ref) => this.session(ref),
      userEnv: () => this.userEnv(),
      listeners: (sessionId) => this.outputListeners.get(sessionId) ?? [],
      patch: (live, changes) => this.patch(live, changes),
      apply: (live, input, record) => this.apply(live, input, record),
      context: (sessionId, update) => this.context(sessionId, update),
      finish: (live, exit) => this.finish(live, exit),
      watch: (live, session) => this.watch(live, session),
      followHeadless: (live, proc, parser, remote) => this.followHeadless(live, proc, parser, remote),
      hookEvent: (live, event) => this.hookEvent(live, event),
      emitRun: (run) => this.emitRun(run),
      hostAlive: (run) => this.hostAlive(run),
    });
  }

  private session(ref: string): Session {
    return this.council.session(ref);
  }

  /** The environment this manager's agents start from (the user's). */
  userEnv(): Record<string, string> {
    return cleanEnv(this.options.env ?? process.env);
  }

  /** The live run of a session in this process, if any. */
  liveRun(sessionId: string): AgentRun | null {
    return this.live.get(sessionId)?.run ?? null;
  }

  /**
   * Whether the session's live run (in this process) has its worktree watcher in place: resolves
   * true once it has (an edit from then on is seen, even one no event reports), false when it has
   * none (no live run here, it ended first, or the watcher could not start). start() waits for the
   * watcher before it starts the agent (so the agent's first writes are seen), which on a big tree
   * takes a moment.
   */
  async watching(ref: string): Promise<boolean> {
    const live = this.live.get(this.session(ref).id);
    return live ? live.watching : false;
  }

  async start(ref: string, options: StartOptions = {}): Promise<AgentRun> {
    const session = this.session(ref);
    if (session.state !== 'ready') throw invalidInput(`session ${session.id} is ${session.state}; its agent cannot start now`);
    const previous = this.store.latest(session.id);
    if (this.live.has(session.id) || (previous && isLive(previous) && this.hostAlive(previous))) {
      throw new CouncilError('conflict', `session ${session.id} already has a running agent (run ${previous?.id ?? '?'}); stop it first`);
    }
    const followUp = options.followUp;
    const continuing = options.resume === true || followUp !== undefined;
    const presetId = options.preset ?? (continuing ? previous?.preset : undefined) ?? session.agent;
    const preset = presetFor(presetId);
    const mode: RunMode = options.mode ?? (continuing ? previous?.mode : undefined) ?? 'interactive';
    if (!preset.modes.includes(mode)) throw invalidInput(`${preset.label} (preset ${preset.id}) cannot run ${mode}`);
    if (followUp !== undefined) checkResumable(session.id, previous, preset);
    const settings = this.council.ws.settings();
    const userEnv = this.userEnv();
    const resume = continuing ? { agentSessionId: previous?.agentSessionId ?? null } : null;
    const task = followUp ?? options.task ?? (options.resume ? previous?.task : undefined) ?? session.task;

    const privateDir = path.join(this.council.ws.paths.agents, session.id);
    mkdirSync(privateDir, { recursive: true });
    const sessionEnv = await sessionEnvironment({ session, repoRoot: this.council.ws.repo.mainRoot });
    // Checked before anything starts: a hook that cannot start counts as "allow" in every CLI.
    // A remote session's hooks run on its host: they start the runtime there (issue 17), and they
    // and council's MCP server there reach home through the socket its ssh forwards.
    const remoteSocket = session.host ? remoteAuthoritySocket(session) : null;
    const council = session.host ? hostCouncilCommand(session, remoteSocket) : councilCommand();
    const launch: Launch = await preset.launch({
      session,
      repoRoot: this.council.ws.repo.mainRoot,
      task: resume && followUp === undefined ? `${task}\n\n(Continue: an earlier run of this task was interrupted; its work so far is in this folder.)` : task,
      mode,
      // On a host, council's MCP server is a relay to the home's (cli/mcp-proxy.ts).
      env: { ...userEnv, ...sessionEnv },
      override: settings.agents[preset.id] ?? {},
      customTemplate: settings.customCommand,
      council,
      privateDir,
      userHome: this.options.userHome ?? os.homedir(),
      resume,
      // A remote session's program is the host's (issue 17).
      ...(session.host ? { locate: hostProgram(session) } : {}),
    });
    // A remote session's agent runs on its host (issue 17), through ssh.
    // Its hooks ask the home, through a socket its ssh forwards there (hosts/authority.ts).
    // An interactive one runs on a terminal there, through `ssh -tt` (remote-tty.ts).
    const authority: Authority | null = session.host ? await serveAuthority(this.council, session) : null;
    let remote: RemoteRun | null;
    let tty: RemoteTty | null;
    try {
      const forward = authority && remoteSocket ? { homeSocket: authority.socket, remoteSocket } : null;
      remote = session.host && mode === 'headless' ? remoteRun(this.council.ws, session, launch, userEnv, mode, forward) : null;
      tty = session.host && mode === 'interactive' ? remoteTty(this.council.ws, session, launch, userEnv, { authority: forward, ...this.sizes.startSize(session.id) }) : null;
    } catch (err) {
      authority?.close();
      throw err;
    }
    // No run of the session is live (checked above): an agent of it that tmux still holds on the
    // host is an orphan of a home process that is gone, ended before the new one starts there.
    if (tty) await stopRemoteTerminal(session);
    // The lock hook must run before the agent does: a hook that cannot is an "allow" in every CLI.
    // On a host: the same self-test, run there (hostHookRunner).
    if (launch.lockHook) {
      const runner = session.host ? hostHookRunner(session, launch.lockHook, { COUNCIL_SESSION_ID: session.id }) : undefined;
      await checkLockHook({ command: launch.lockHook, env: launch.env, cwd: launch.cwd, files: council.argv, label: `${preset.label} (preset ${preset.id})${session.host ? ` on ${session.host.name}` : ''}`, ...(runner ? { runner } : {}) }).catch((err: unknown) => {
        authority?.close();
        throw err;
      });
    }

    const now = new Date().toISOString();
    const run: AgentRun = this.store.write({
      id: options.runId ?? this.store.newId(),
      sessionId: session.id,
      preset: preset.id,
      mode,
      task,
      state: 'starting',
      attempt: options.attempt ?? 1,
      pid: null,
      hostPid: process.pid,
      startedAt: now,
      endedAt: null,
      exitCode: null,
      signal: null,
      reason: null,
      agentSessionId: null,
      filesTouched: [],
      didWork: false,
      costUsd: null,
      inputTokens: null,
      outputTokens: null,
      denials: 0,
      outputBytes: 0,
    });
    // What a later home needs to attach to it again (adoptTerminal).
    if (tty) writeTtyState(ttyStateFile(this.store.recordFile(run)), tty.state);
    const parser = mode === 'headless' ? (launch.parser ?? (hasParser(preset.id, settings.agents[preset.id]?.driver) ? createParser(preset.id, { worktree: remote?.worktree ?? session.worktreePath, driver: settings.agents[preset.id]?.driver }) : null)) : null;
    const { live, resolveEnded } = newLive(run, { remote, tty, authority });
    if ((preset.locksFor?.(settings.agents[preset.id] ?? {}) ?? preset.locks) === 'advisory') {
      live.advisory = new AdvisoryLocks(this.council, session, async (clash) => {
        const text = `edited ${clash.path}, which ${clash.holder} holds — ${preset.id} has no pre-edit hook, so this could not be stopped; coordinate before merging`;
        this.apply(live, { kind: 'message', text }, true);
        // Kept in the context until resolved: a later "finished" message must not hide it.
        await this.council.context.noteClash(session.id, { path: clash.path, holder: clash.holderId }, { cwd: session.worktreePath }).catch(() => undefined);
        await this.context(session.id, { currentFile: clash.path, message: text });
      });
    }
    this.live.set(session.id, live);
    this.emitRun(run);
    // The watcher is in place before the agent starts: a write in its first second is seen too
    // (it used to start after the process, and a custom agent that writes at once got no lock).
    // The session's context says so first: what the watcher flags from now on comes after it.
    // An interactive agent that first asks the person something ("trust this folder?") needs input,
    // not work, until that is answered.
    const started = `${preset.label} started (${mode})`;
    // (Read from the CLI's state at home: not known for an agent on a host, which asks in its terminal.)
    const asksFirst = mode === 'interactive' && !session.host ? (launch.startupPrompt ?? null) : null;
    await this.context(session.id, asksFirst ? { status: 'needs-input', agent: preset.id, message: asksFirst.message, currentFile: null } : { status: 'working', agent: preset.id, message: started, currentFile: null });
    live.watching = this.watch(live, session);
    await live.watching;
    // No output to parse: the hooks say what it does (tools, questions, turns), in its events file.
    if (mode === 'interactive') live.stopEvents = followRunEvents(this.store.eventsFile(run), live.ownEvents, (event) => this.hookEvent(live, event));
    // Follow-ups from other processes reach an interactive agent through its session's inbox.
    if (mode === 'interactive') this.delivery.watch();

    try {
      // On a host, headless: the agent runs detached there and is followed over reconnecting ssh (hosts/remote-attach.ts).
      live.process = remote
        ? await remote.start(this.remote.startOptions(live, privateDir, userEnv, remote.host))
        : await startAgentProcess({
            command: tty?.command ?? launch.command,
            args: tty?.args ?? launch.args,
            cwd: tty ? privateDir : launch.cwd,
            env: tty ? userEnv : launch.env,
            mode: mode === 'interactive' ? 'pty' : 'pipe',
            // Headless: the terminal view shows rendered events and stderr, not the raw JSON stream.
            rawOutput: mode === 'interactive',
            ...this.sizes.startSize(session.id),
            logFile: this.store.logFile(run),
          });
    } catch (err) {
      const reason = `${preset.label} (preset ${preset.id}) could not start: ${(err as Error).message}`;
      live.outcome = { state: 'failed', reason };
      authority?.close();
      const ended = await this.finish(live, { code: null, signal: null });
      resolveEnded(ended);
      return ended;
    }
    const proc = live.process;
    if (remote) {
      remote.onProblem = (text) => {
        if (!proc.output.isClosed) proc.output.append(`${text}\r\n`);
      };
    }
    if (tty) {
      tty.onProblem = (text) => {
        const now = live.process;
        if (now && !now.output.isClosed) now.output.append(`\r\n${text}\r\n`);
      };
      tty.follow();
    }
    live.run = await this.patch(live, { state: live.run.state === 'disconnected' ? 'disconnected' : 'running', pid: proc.pid });
    this.apply(live, { kind: 'started', agentSessionId: null, model: null }, false);
    if (asksFirst) {
      this.apply(live, { kind: 'needs-input', text: asksFirst.message }, true);
      this.followStartupPrompt(live, asksFirst, started);
    }

    proc.output.subscribe((chunk) => {
      if (mode === 'interactive') (live.paste ??= new PasteTracker()).feed(chunk.data);
      for (const listener of this.outputListeners.get(session.id) ?? []) listener(live.run, chunk);
    });
    if (mode === 'headless') {
      this.followHeadless(live, proc, parser, remote);
    } else if (launch.initialInput) {
      // Typed once the program had a moment to draw its prompt.
      setTimeout(() => proc.write(launch.initialInput ?? ''), 500).unref();
    }
    const watchdog = mode === 'headless' && parser?.answered && launch.answerDeadlineMs ? this.answerWatchdog(live, parser, launch, preset.label, preset.id) : null;
    live.settle = async (exit) => {
      if (watchdog) clearTimeout(watchdog);
      for (const event of parser?.end?.() ?? []) this.apply(live, event, true);
      // The host's last snapshot is home before the run is over.
      if (remote) await remote.settled();
      if (tty) await tty.settled();
      authority?.close();
      const ended = await this.finish(live, exit);
      resolveEnded(ended);
    };
    if (tty) live.link = this.remote.followTerminal(live, tty, proc);
    else void proc.exited.then((exit) => live.settle?.(exit));
    return live.run;
  }

  /** A headless run's output: stdout parsed into events, stderr shown (a remote run's own lines taken out). */
  private followHeadless(live: LiveRun, proc: AgentProcess, parser: OutputParser | null, remote: RemoteRun | null | undefined): void {
    proc.onStdoutLine((line) => {
      if (!parser || parser.showsRaw) {
        if (!proc.output.isClosed) proc.output.append(`${line}\r\n`);
        if (!parser) return;
      }
      for (const event of parser.line(line)) this.apply(live, event, true);
    });
    proc.onStderrLine((line) => {
      if (remote?.handles(line)) return;
      live.stderrGist.push(line);
      if (!proc.output.isClosed) proc.output.append(`${line}\r\n`);
      for (const event of parser?.errorLine?.(line) ?? []) this.apply(live, event, true);
    });
  }

  /** Starts the worktree watcher of a run; true once it is in place, false when it could not start. */
  private watch(live: LiveRun, session: Session): Promise<boolean> {
    let watchFailed = false;
    const onWatchError = (err: Error): void => {
      if (watchFailed) return;
      watchFailed = true;
      const hint = (err as NodeJS.ErrnoException).code === 'ENOSPC' ? ' — the OS limit on file watches is reached (Linux: raise fs.inotify.max_user_watches)' : '';
      this.apply(live, { kind: 'message', text: `some folders of this worktree are not watched, so some edits may show late: ${err.message}${hint}` }, true);
    };
    return watchActivity(session.worktreePath, (files) => this.noteFiles(live, files), { onError: onWatchError }).then(
      (stop) => {
        // A run that ended during the scan: finish() has already passed its stopWatch, so stop here.
        if (this.live.get(session.id) === live && !live.finishing) {
          live.stopWatch = stop;
          return true;
        }
        void stop();
        return false;
      },
      () => false,
    );
  }

  /**
   * Stops a headless agent whose model has not answered within its deadline (Launch.answerDeadlineMs):
   * the run fails naming the model server, instead of waiting out the CLI's own retries (opencode:
   * about 70 s, and a reason without the server's address).
   */
  private answerWatchdog(live: LiveRun, parser: OutputParser, launch: Launch, label: string, id: string): NodeJS.Timeout {
    const ms = launch.answerDeadlineMs ?? 0;
    const timer = setTimeout(() => {
      if (parser.answered?.() !== false || live.finishing || live.stopping || live.outcome) return;
      const where = launch.modelServer ? ` at ${launch.modelServer}` : '';
      live.outcomeFinal = true;
      live.outcome = {
        state: 'failed',
        reason: `${label} got no answer from its model server${where} within ${Math.round(ms / 1000)} s; check that the server runs and can be reached (agents.${id}.modelTimeoutSeconds sets this limit)`,
      };
      void live.process?.stop({ graceMs: 1000 });
    }, ms);
    timer.unref();
    return timer;
  }

  /**
   * Until the start-up prompt is answered (read from the CLI's own state), the session needs input;
   * then it works — unless a hook has moved it on meanwhile (the prompt hook says working itself).
   */
  private followStartupPrompt(live: LiveRun, prompt: StartupPrompt, started: string): void {
    const sessionId = live.run.sessionId;
    const timer = setInterval(() => {
      if (this.live.get(sessionId) !== live || live.finishing) {
        clearInterval(timer);
        return;
      }
      if (!prompt.answered()) return;
      clearInterval(timer);
      const unchanged = (now: { status: string; message: string | null }) => now.status === 'needs-input' && now.message === prompt.message;
      void this.context(sessionId, { status: 'working', message: started }, unchanged).catch(() => undefined);
    }, STARTUP_POLL_MS);
    timer.unref();
  }

  /** Waits until the session's live run (in this process) ends. */
  async waitForEnd(ref: string): Promise<AgentRun | null> {
    const session = this.session(ref);
    const live = this.live.get(session.id);
    return live ? live.ended : this.store.latest(session.id);
  }

  /**
   * Stops the session's agent and everything it started. A run hosted by another process (the
   * app, a `council` supervisor) is stopped through its process group; that process records it.
   */
  async stop(ref: string): Promise<AgentRun | null> {
    const session = this.session(ref);
    const live = this.live.get(session.id);
    if (live) {
      live.stopping = true;
      this.store.requestStop(live.run);
      if (live.tty) {
        // On the host: its runtime ends the agent's tree and its tmux session; the terminal's
        // connection then ends on its own (or is stopped below), and the last work comes home.
        const grace = this.options.stopGraceMs ?? 3000;
        await live.tty.stop(grace);
        if (live.link && !live.link.connected) {
          // Disconnected: no terminal to end; no more attempts, and the run ends.
          live.link.cancel();
          return live.ended;
        }
        const ended = await Promise.race([live.ended.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), grace + 5000).unref())]);
        if (ended) return live.ended;
      }
      if (live.remote && live.process) {
        // On the host: its runtime stops the agent's tree and sends the last snapshot; ssh is
        // stopped only if that does not end in time (closing the channel stops the agent too).
        const grace = this.options.stopGraceMs ?? 3000;
        live.process.write('stop\n');
        const ended = await Promise.race([live.ended.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), grace + 5000).unref())]);
        if (ended) return live.ended;
      }
      await live.process?.stop({ graceMs: this.options.stopGraceMs ?? 3000 });
      return live.ended;
    }
    const run = this.store.latest(session.id);
    if (!run || !isLive(run)) return run;
    // A remote agent no home follows (the app closed) runs on on its host: followed here, then stopped there.
    if (!this.hostAlive(run) && (await this.remote.adopt(run)) && this.live.has(session.id)) return this.stop(ref);
    this.store.requestStop(run);
    if (run.pid) await killTree(run.pid, { graceMs: this.options.stopGraceMs ?? 3000 });
    if (!this.hostAlive(run)) return this.store.update(run, (current) => ({ ...current, state: 'stopped', endedAt: new Date().toISOString(), reason: 'stopped by the user' }));
    // Its host records the end; wait for that (briefly), then report what is on disk.
    for (let waited = 0; waited < 5000; waited += 50) {
      const now = this.store.get(run.sessionId, run.id);
      if (now && !isLive(now)) return now;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.store.get(run.sessionId, run.id);
  }

  write(ref: string, data: string): boolean {
    const live = this.live.get(this.session(ref).id);
    // A remote terminal whose connection dropped would swallow what is typed.
    if (!live?.process || live.run.mode !== 'interactive' || live.run.state === 'disconnected') return false;
    live.process.write(data);
    return true;
  }

  /** Resizes the live run's terminal; remembered for the next run either way (runner/terminal-sizes.ts). */
  resize(ref: string, cols: number, rows: number): boolean {
    const id = this.session(ref).id;
    this.sizes.note(id, cols, rows);
    const live = this.live.get(id);
    if (!live?.process) return false;
    return live.process.resize(cols, rows);
  }

  /** The scrollback so far and a subscription to what follows (`unsubscribe` ends it). */
  attach(ref: string, onChunk: (run: AgentRun, chunk: OutputChunk) => void): { run: AgentRun | null; seq: number; data: string; truncated: boolean; unsubscribe: () => void } {
    const session = this.session(ref);
    const listeners = this.outputListeners.get(session.id) ?? new Set();
    this.outputListeners.set(session.id, listeners);
    listeners.add(onChunk);
    const unsubscribe = (): void => {
      listeners.delete(onChunk);
    };
    const live = this.live.get(session.id);
    if (live?.process) {
      const snap = live.process.output.snapshot();
      return { run: live.run, seq: snap.seq + (live.seqBase ?? 0), data: snap.data, truncated: snap.truncated, unsubscribe };
    }
    const run = this.store.latest(session.id);
    if (!run) return { run, seq: 0, data: '', truncated: false, unsubscribe };
    const tail = this.logTail(run);
    if (!isLive(run)) return { run, seq: 0, ...tail, unsubscribe };
    // Hosted by another process (a `council` supervisor): follow its log file.
    const follow = this.followLog(run, (chunk) => onChunk(run, chunk));
    return {
      run,
      seq: 0,
      ...tail,
      unsubscribe: () => {
        follow();
        unsubscribe();
      },
    };
  }

  /** Polls a live run's log (another process writes it) and numbers what it adds, until it ends. */
  private followLog(run: AgentRun, onChunk: (chunk: OutputChunk) => void): () => void {
    const file = this.store.logFile(run);
    let offset = this.store.logSize(run);
    let seq = 0;
    const timer = setInterval(() => {
      const next = readLog(file, offset);
      offset = next.size;
      if (next.text) onChunk({ seq: ++seq, data: next.text });
      const now = this.store.get(run.sessionId, run.id);
      if (!now || !isLive(now)) clearInterval(timer);
    }, 200);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** The end of a run's log (another process's run, or a finished one). */
  logTail(run: AgentRun, maxBytes = 2 * 1024 * 1024): { data: string; truncated: boolean } {
    const { text, truncated } = readLog(this.store.logFile(run), 0, maxBytes);
    return { data: text, truncated };
  }

  runs(ref?: string): AgentRun[] {
    return ref ? this.store.list(this.session(ref).id) : this.store.latestPerSession();
  }

  events(ref: string): AgentEvent[] {
    const run = this.store.latest(this.session(ref).id);
    return run ? this.store.events(run) : [];
  }

  /**
   * After a restart: runs whose host process is gone are marked interrupted (their work stays in
   * the worktree; `start(…, { resume: true })` continues). An agent that outlived its host is
   * stopped: nobody would record what it does.
   */
  async reconcile(): Promise<AgentRun[]> {
    const marked: AgentRun[] = [];
    for (const run of this.store.latestPerSession()) {
      if (!isLive(run) || this.live.has(run.sessionId) || this.hostAlive(run)) continue;
      // A remote agent goes on on its host while no home follows it: followed again (issue 17).
      if (await this.remote.adopt(run)) continue;
      // Only what is provably the agent (a process working in the session's worktree): the pid
      // may have been reused by something unrelated since.
      if (run.pid && isAlive(run.pid) && this.worksIn(run.pid, run.sessionId)) await killTree(run.pid, { graceMs: 1000 });
      // An interactive agent on a host that tmux kept running there (remote-tty.ts): ended there too.
      if (run.mode === 'interactive') await stopRemoteTerminal(this.council.ws.registry.find(run.sessionId));
      const updated = await this.store.update(run, (current) =>
        isLive(current) ? { ...current, state: 'interrupted', endedAt: new Date().toISOString(), reason: `the process that ran it (pid ${current.hostPid}) is gone; its work is in the worktree — resume to continue` } : current,
      );
      if (updated.state === 'interrupted') {
        marked.push(updated);
        await this.context(run.sessionId, { status: 'idle', message: 'agent interrupted (the app or CLI that ran it stopped); resume to continue' }).catch(() => undefined);
        this.emitRun(updated);
      }
    }
    return marked;
  }

  /**
   * Stops every agent this process runs (app quit). `keepRemote`: a remote agent is let go instead,
   * running on on its host, and reattached by the next home to open the repository (reconcile).
   */
  async stopAll(options: { keepRemote?: boolean } = {}): Promise<void> {
    this.delivery.stop();
    await Promise.all([...this.live.values()].map((live) => (options.keepRemote && (live.remote || live.tty?.held) && (live.process || live.link) ? this.remote.release(live) : this.stop(live.run.sessionId).catch(() => null))));
  }

  /** Whether `pid` works inside the session's worktree (Linux: its cwd); false when unknown. */
  private worksIn(pid: number, sessionId: string): boolean {
    const session = this.council.ws.registry.find(sessionId);
    if (!session) return false;
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const root = realpathSync(session.worktreePath);
      return cwd === root || cwd.startsWith(`${root}${path.sep}`);
    } catch {
      return false;
    }
  }

  private hostAlive(run: AgentRun): boolean {
    if (run.hostPid === process.pid) return this.live.has(run.sessionId);
    return isAlive(run.hostPid);
  }

  private apply(live: LiveRun, input: AgentEventInput, record: boolean): void {
    const event = { ...input, at: new Date().toISOString() } as AgentEvent;
    if (record) {
      if (live.stopEvents) live.ownEvents.add(JSON.stringify(event));
      this.store.appendEvent(live.run, event);
    }
    const effects = eventEffects(live.run, event);
    if (event.kind === 'file-changed') void live.advisory?.note([event.path]);
    if (effects.outcome && !live.outcomeFinal) live.outcome = effects.outcome;
    const output = live.process?.output;
    if (record && live.run.mode === 'headless' && output && !output.isClosed) output.append(renderEvent(event));
    if (Object.keys(effects.run).length) {
      live.run = { ...live.run, ...effects.run };
      this.store.write(live.run);
      this.emitRun(live.run);
    }
    if (effects.context) void this.context(live.run.sessionId, effects.context).catch(() => undefined);
    this.options.listener?.event?.(live.run, event);
  }

  /**
   * An event an interactive agent's hook recorded: shown live like any other; it counts as work in
   * the run record. The hook has already written the session's context, and a turn's end is not
   * the run's end.
   */
  private hookEvent(live: LiveRun, event: AgentEvent): void {
    if (this.live.get(live.run.sessionId) !== live) return;
    const { run } = eventEffects(live.run, event);
    if (Object.keys(run).length) {
      live.run = { ...live.run, ...run };
      this.store.write(live.run);
      this.emitRun(live.run);
    }
    this.options.listener?.event?.(live.run, event);
  }

  /** Files the watcher saw change: the run's touched files, the context's current file. */
  private noteFiles(live: LiveRun, files: string[]): void {
    const fresh = files.filter((file) => !live.run.filesTouched.includes(file));
    // Every changed path, also one the CLI's output reported first (AdvisoryLocks checks each once).
    void live.advisory?.note(files);
    if (fresh.length && live.run.filesTouched.length < FILES_TOUCHED_LIMIT) {
      live.run = { ...live.run, filesTouched: [...live.run.filesTouched, ...fresh].slice(0, FILES_TOUCHED_LIMIT), didWork: true };
      this.store.write(live.run);
      this.emitRun(live.run);
    }
    const now = Date.now();
    const last = files.at(-1);
    if (last && now - live.lastFileNote > 500) {
      live.lastFileNote = now;
      void this.context(live.run.sessionId, { currentFile: last }).catch(() => undefined);
    }
  }

  private async finish(live: LiveRun, exit: { code: number | null; signal: string | null }): Promise<AgentRun> {
    const sessionId = live.run.sessionId;
    live.finishing = true;
    live.stopEvents?.();
    if (live.stopWatch) await live.stopWatch().catch(() => undefined);
    // Advisory locks stood for this run's edits: given back now that it is over.
    await live.advisory?.close().catch(() => undefined);
    // What the agent left running in its process group (a dev server, a hung tool) goes with it.
    if (live.process && live.run.pid) await killTree(live.run.pid, { graceMs: 1000 }).catch(() => undefined);
    live.process?.output.flush();
    const stopped = live.stopping || this.store.stopRequested(live.run);
    let state: RunState;
    let reason: string | null;
    if (stopped) {
      state = 'stopped';
      reason = 'stopped by the user';
    } else if (live.outcome?.state === 'failed') {
      state = 'failed';
      reason = live.outcome.reason;
    } else if (exit.code === 0) {
      state = 'done';
      reason = null;
    } else {
      state = 'failed';
      const tail = live.stderrGist.text();
      const how = exit.signal ? `was killed by ${exit.signal}` : exit.code === null ? 'did not start' : `exited with code ${exit.code}`;
      reason = live.outcome?.reason ?? `${live.run.preset} ${how}${tail ? `: ${tail.slice(0, 500)}` : ''}`;
    }
    // The session's status first, then the run's end: a board that hears "run done" and reads the
    // context then never sees the run done beside a session still "working".
    // Stopped: nothing runs and nobody is asked anything — idle, not "needs input".
    const status = state === 'done' ? 'done' : state === 'failed' ? 'failed' : 'idle';
    const preset = live.run.preset;
    const ending = state === 'done' ? `${preset} finished` : state === 'failed' ? `${preset} failed: ${reason ?? ''}` : 'agent stopped by the user';
    // An advisory lock clash stays in the message until the holder lets the file go.
    const clashes = this.openClashes(sessionId);
    const message = clashes.length ? `${ending} — but it edited ${clashes.map((c) => `${c.path} (held by session ${c.holder})`).join(', ')}; coordinate before merging` : ending;
    // An interactive agent stopped after its turn ended (its Stop hook said done) leaves the work done.
    const keepsDone = (now: SessionContextView) => !(state === 'stopped' && now.status === 'done');
    await this.context(sessionId, { status, message: message.slice(0, 2000) }, keepsDone).catch(() => undefined);
    const ended = await this.patch(live, {
      state,
      reason,
      exitCode: exit.code,
      signal: exit.signal,
      endedAt: new Date().toISOString(),
      outputBytes: this.store.logSize(live.run),
    });
    this.live.delete(sessionId);
    // Follow-ups queued while it ran: the agent goes on with them (a stopped one does not).
    void this.delivery.resumeAfter(ended).catch(() => undefined);
    return ended;
  }

  /**
   * Attaches a remote session's interactive agent again now, without waiting out the backoff
   * (it re-attaches by itself too: remote-terminal.ts). Resolves once that attempt is made.
   */
  reattach(ref: string): Promise<AgentRun> {
    return this.remote.reattach(ref);
  }

  /**
   * Types a follow-up into the live interactive agent's terminal and submits it; false when this
   * process runs no interactive agent in the session.
   */
  async typeFollowUp(ref: string, text: string): Promise<boolean> {
    const id = this.session(ref).id;
    if (!this.write(id, followUpKeys(text, this.live.get(id)?.paste?.on === true))) return false;
    await new Promise((resolve) => setTimeout(resolve, SUBMIT_AFTER_MS));
    return this.write(id, '\r');
  }

  private openClashes(sessionId: string): { path: string; holder: string }[] {
    try {
      return this.council.context.openClashes(sessionId);
    } catch {
      return []; // the session went meanwhile
    }
  }

  private async patch(live: LiveRun, changes: Partial<AgentRun>): Promise<AgentRun> {
    live.run = { ...live.run, ...changes };
    this.store.write(live.run);
    this.emitRun(live.run);
    return live.run;
  }

  private emitRun(run: AgentRun): void {
    this.options.listener?.run?.(run);
  }

  /**
   * Context updates of one session, in the order they were asked for (each waits for the one
   * before: the mutex alone does not keep their order, and a late "working" must not overwrite
   * "done"). Paths are the agent's, relative to its worktree. `only`: skipped unless the context
   * then still is what the caller expects.
   */
  private context(sessionId: string, update: ContextUpdate, only?: (current: SessionContextView) => boolean): Promise<void> {
    const previous = this.contextQueue.get(sessionId) ?? Promise.resolve();
    const next = previous.then(async () => {
      const session = this.council.ws.registry.find(sessionId);
      if (!session) return;
      if (only && !only(this.council.context.get(sessionId))) return;
      await this.council.context.update(sessionId, update, { cwd: session.worktreePath });
    });
    const settled = next.catch(() => undefined);
    this.contextQueue.set(sessionId, settled);
    void settled.then(() => {
      if (this.contextQueue.get(sessionId) === settled) this.contextQueue.delete(sessionId);
    });
    return next;
  }
}

/**
 * A follow-up continues the CLI's own conversation: that needs an earlier run of a preset that can
 * resume one, and its conversation id (reported by the CLI: stream-json `init`, a hook's session_id).
 */
function checkResumable(sessionId: string, previous: AgentRun | null, preset: { id: string; label: string; resumes?: boolean }): void {
  if (!previous) throw new CouncilError('conflict', `session ${sessionId} has no earlier agent run to resume: start one with the follow-up as its prompt instead`);
  if (previous.preset !== preset.id) throw invalidInput(`session ${sessionId}'s conversation is ${previous.preset}'s; ${preset.label} cannot continue it (start ${preset.id} afresh instead)`);
  if (!preset.resumes) throw invalidInput(`${preset.label} (preset ${preset.id}) cannot resume a conversation with a new prompt; start it afresh with the follow-up instead`);
  if (!previous.agentSessionId) {
    throw new CouncilError('conflict', `session ${sessionId}'s last ${previous.preset} run (${previous.id}) never reported its conversation id, so it cannot be resumed with a follow-up; start the agent afresh with it instead`);
  }
}
