import type { AgentRun } from '../../../shared/agents';
import type { Authority } from '../hosts/authority';
import type { AdvisoryLocks } from './advisory-locks';
import { StderrGist } from './failure-reason';
import type { RemoteRun } from './remote-run';
import type { TerminalLink } from './remote-terminal';
import type { RemoteTty } from './remote-tty';
import type { AgentExit, AgentProcess } from './runner/agent-process';
import type { PasteTracker } from './terminal-input';

/** What the agent manager keeps of a run it follows in this process (manager.ts, remote-runs.ts). */
export interface LiveRun {
  run: AgentRun;
  process: AgentProcess | null;
  stopWatch: (() => Promise<void>) | null;
  /** Resolves true once the worktree watcher is in place, false when it never will be. */
  watching: Promise<boolean>;
  /** finish() has begun: a watcher that becomes ready from now on is stopped, not kept. */
  finishing: boolean;
  outcome: { state: 'done' | 'failed'; reason: string | null } | null;
  /** The outcome was decided here (the answer watchdog stopped the agent): what the dying CLI prints
   * after that (Copilot may print a `result` with exit code 0 on SIGTERM) does not change it. */
  outcomeFinal?: boolean;
  stopping: boolean;
  ended: Promise<AgentRun>;
  /** What stderr says went wrong, kept apart from backtraces and other noise (failure-reason.ts). */
  stderrGist: StderrGist;
  /** Last time the watcher moved the context's current file (throttled). */
  lastFileNote: number;
  /** Advisory locks of a preset without a pre-edit hook (null when its hooks enforce the locks). */
  advisory: AdvisoryLocks | null;
  /** Interactive: event lines this process appended itself (the follower skips them). */
  ownEvents: Set<string>;
  /** Interactive: stops following the events the agent's hooks append. */
  stopEvents: (() => void) | null;
  /** Interactive: whether the program turned bracketed paste on (terminal-input.ts). */
  paste?: PasteTracker;
  /** A remote session's run: the agent is on its host, reached over SSH (remote-run.ts). */
  remote?: RemoteRun | null;
  /** A remote session's interactive run: its terminal is on the host (remote-tty.ts). */
  tty?: RemoteTty | null;
  /** tty: its terminal's connection, re-attached after a drop while tmux holds the agent there (remote-terminal.ts). */
  link?: TerminalLink | null;
  /** Let go without stopping (stopAll keepRemote): its terminal's end is not the run's. */
  released?: boolean;
  /** tty: what the run's end does (the last work fetched home, the run recorded); kept for a re-attached terminal. */
  settle?: (exit: AgentExit) => Promise<void>;
  /** tty: chunks of earlier terminals of this run (a re-attached terminal numbers on from them). */
  seqBase?: number;
  /** The home's authority its hooks reach (a remote run's). */
  authority?: Authority | null;
}

/** A run this process follows, from its record (the rest set as it goes). */
export function newLive(run: AgentRun, extra: Partial<LiveRun>): { live: LiveRun; resolveEnded: (run: AgentRun) => void } {
  let resolveEnded!: (run: AgentRun) => void;
  const ended = new Promise<AgentRun>((resolve) => (resolveEnded = resolve));
  const live: LiveRun = { run, process: null, stopWatch: null, watching: Promise.resolve(false), finishing: false, outcome: null, stopping: false, ended, stderrGist: new StderrGist(), lastFileNote: 0, advisory: null, ownEvents: new Set(), stopEvents: null, ...extra };
  return { live, resolveEnded };
}
