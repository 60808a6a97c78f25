import type { Session } from '../../../shared/models';
import type { Council } from '../council';
import { serveAuthority, type Authority } from '../hosts/authority';
import { Reconnector, type BackoffOptions, type Link, type LinkState } from '../hosts/reconnect';
import { mayStillRun, readTtyState, reattachedTty, type RemoteTty } from './remote-tty';
import type { AgentExit, AgentProcess } from './runner/agent-process';

/**
 * The terminal connection of an interactive agent on a host (issue 17, item 4), followed through a
 * drop: the same state machine as a headless run's (hosts/reconnect.ts). The first link is the
 * terminal that started the agent; when it ends while tmux still holds the agent on the host (or
 * the host cannot be asked), the link dropped: the run is disconnected, and each attempt after the
 * backoff asks the host (`beforeAttach`), then attaches a new terminal (`attach`: a new `ssh -tt`
 * to the agent's tmux session, which repaints its screen). The agent ended there meanwhile, the run
 * stopped, or a terminal without tmux ended: the link is finished and `onEnd` hears how the agent
 * ended. Free of the manager: it says what happens through the options.
 */

export interface TerminalLinkOptions {
  /** The host's name, for the words shown. */
  host: string;
  tty: RemoteTty;
  /** The terminal that started the agent (null: none, e.g. a run adopted after a restart). */
  first: AgentProcess | null;
  /** Starts a terminal attached to the agent again (a new `ssh -tt`), wired to the run's view. */
  attach(): Promise<AgentProcess>;
  /** Whether the run is being stopped (its terminal's end is then the run's). */
  stopping(): boolean;
  /** The link's changes: connected, or dropped and waiting (attempt, next attempt, why). */
  onLink(state: LinkState): void;
  /**
   * The run's end: how the agent ended (`failed`: a reason, when its end was the connection's).
   */
  onEnd(exit: AgentExit, failed: string | null): void;
  backoff?: BackoffOptions;
}

export interface TerminalLink {
  /** Whether a terminal is attached now. */
  readonly connected: boolean;
  /** Tries again now (not waiting out the backoff); resolves once that attempt connected, failed or the link finished. */
  retryNow(): Promise<void>;
  /** No more attempts; the run's end follows (onEnd). */
  cancel(): void;
}

/** A terminal's end, classified: the agent ended (finished) or the link dropped with it running on. */
interface Closed {
  finished: boolean;
  error: string | null;
}

export function followTerminal(options: TerminalLinkOptions): TerminalLink {
  const { host, tty } = options;
  let end: { exit: AgentExit; failed: string | null } | null = null;
  let first = options.first;
  let waiters: (() => void)[] = [];
  const wakeWaiters = (): void => {
    const now = waiters;
    waiters = [];
    for (const w of now) w();
  };

  /** A terminal that ended: the run's end, or a drop (tmux still holds the agent, or the host cannot be asked). */
  const classify = async (exit: AgentExit): Promise<Closed> => {
    if (options.stopping() || !mayStillRun(exit)) {
      end = { exit, failed: null };
      return { finished: true, error: null };
    }
    if (!tty.held) {
      end = { exit, failed: `the connection to ${host} ended, and the agent there ended with it (without tmux on ${host}, its terminal is the connection's: install tmux there to keep it running)` };
      return { finished: true, error: null };
    }
    const now = await tty.status();
    if (options.stopping() || (now && !now.alive)) {
      end = { exit: now?.exit ? { code: now.exit.code, signal: now.exit.signal } : exit, failed: null };
      return { finished: true, error: null };
    }
    return { finished: false, error: `the connection to ${host} ended${now === null ? ` (and ${host} cannot be reached)` : ''}; the agent goes on there, held by tmux` };
  };

  const connect = (): Link => {
    let closedWith!: (closed: Closed) => void;
    const closed = new Promise<Closed>((resolve) => (closedWith = resolve));
    const up = (async () => {
      let proc = first;
      first = null;
      if (!proc) {
        if (options.stopping()) {
          end = { exit: { code: null, signal: null }, failed: null };
          throw new Error('stopped');
        }
        const now = await tty.beforeAttach();
        if (now === null) throw new Error(`${host} cannot be reached`);
        if (!now.alive || options.stopping()) {
          end = { exit: now.exit ? { code: now.exit.code, signal: now.exit.signal } : { code: null, signal: null }, failed: null };
          throw new Error('ended there');
        }
        proc = await options.attach();
        tty.follow();
      }
      void proc.exited.then(classify).then(closedWith, (err: Error) => closedWith({ finished: false, error: err.message }));
    })();
    up.catch((err: Error) => closedWith(end ? { finished: true, error: null } : { finished: false, error: err.message }));
    return { up, closed };
  };

  const reconnector = new Reconnector({
    connect,
    onState(state) {
      options.onLink(state);
      if (state.connected || state.nextAttemptAt !== null) wakeWaiters();
    },
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  void reconnector
    .run()
    .catch(() => undefined)
    .then(() => {
      wakeWaiters();
      const how = end ?? { exit: { code: null, signal: null }, failed: null };
      options.onEnd(how.exit, how.failed);
    });

  return {
    get connected() {
      return reconnector.state.connected;
    },
    retryNow() {
      const done = new Promise<void>((resolve) => waiters.push(resolve));
      reconnector.now();
      return done;
    },
    cancel() {
      reconnector.cancel();
    },
  };
}

/**
 * The interactive agent on a host a home process that is gone left running (the app closed or
 * crashed): from the state kept beside its run's record (`stateFile`), with the authority served
 * anew. Null when there is none to adopt: no state, another host, no tmux there (it ended with its
 * connection), or the host says it ended.
 */
export async function adoptableTerminal(council: Council, session: Session, stateFile: string): Promise<{ tty: RemoteTty; authority: Authority | null; host: string } | null> {
  const state = readTtyState(stateFile);
  if (!session.host || !state || state.host !== session.host.name) return null;
  const authority = state.remoteSocket ? await serveAuthority(council, session) : null;
  try {
    const tty = reattachedTty(council.ws, session, authority && state.remoteSocket ? { homeSocket: authority.socket, remoteSocket: state.remoteSocket } : null);
    const there = tty.held ? await tty.status() : null;
    if (tty.held && (there === null || there.alive)) return { tty, authority, host: state.host };
  } catch {
    // not one to adopt
  }
  authority?.close();
  return null;
}
