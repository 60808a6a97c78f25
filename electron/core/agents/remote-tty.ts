import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Session } from '../../../shared/models';
import { hostFor, syncHome, type HostContext } from '../hosts/remote-session';
import { SIGNAL } from '../hosts/remote-side';
import { TTY_DETACHED, type TtySpec, type TtyStatus } from '../hosts/remote-tty-side';
import { posixQuote, runSsh, sshArgs } from '../hosts/ssh';
import type { Workspace } from '../workspace';
import { AUTHORITY_ENV } from './hooks/authority-client';
import { addedEnv, withForward, type RemoteAuthority } from './remote-run';
import type { Launch } from './types';

/**
 * An interactive agent of a remote session (issue 17), the home's side. The session's terminal at
 * home (a node-pty PTY, as for a local agent) runs `ssh -tt HOST node remote.cjs tty <spec>`: the
 * spec (program, arguments, the variables council adds, the worktree there, tmux or not) is a
 * base64 JSON argument, since with -tt stdin is the terminal. On the host the runtime starts the
 * agent in the worktree on a terminal (core/hosts/remote-tty-side.ts): held by tmux when the host
 * has it, so a dropped connection leaves the agent running and home attaches again
 * (`attachArgs`); else on the connection's own terminal, ended with it.
 *
 * The connection is the run's own, with the home's authority socket forwarded (`-R`, as for a
 * headless run: it goes with the connection, so the hooks there fail closed without it); ssh's
 * escape character is off (what is typed is the agent's). A second channel over the host's
 * ControlMaster (`tty-watch`) says when the worktree there changed; each snapshot is fetched into
 * the home's mirror at once, and a last one when the run ends. Stopping asks the host (over the
 * ControlMaster) to end the agent's tree and its tmux session.
 */

export interface RemoteTty {
  /** What a later home needs to attach to the agent again (kept beside the run's record: ttyStateFile). */
  state: RemoteTtyState;
  command: string;
  /** The first connection's ssh arguments (starts the agent, attaches to it). */
  args: string[];
  /** The worktree on the host. */
  worktree: string;
  /** tmux holds the agent's terminal on the host (a dropped connection leaves it running). */
  held: boolean;
  /** ssh arguments that attach a terminal to the agent again (held only). */
  attachArgs(): string[];
  /** Starts fetching the host's work home as it changes (again after a reconnect). */
  follow(): void;
  /** The agent on the host: running, how it ended; null when the host cannot be asked. */
  status(): Promise<TtyStatus | null>;
  /** status(), and the dropped connection's forwarded socket there removed (attachArgs forwards it anew). */
  beforeAttach(): Promise<TtyStatus | null>;
  /** Ends the agent on the host (its tree, its tmux session); false when the host cannot be asked. */
  stop(graceMs: number): Promise<boolean>;
  /** Stops following, then fetches the host's last work home. */
  settled(): Promise<void>;
  /** What went wrong on the way (a snapshot that could not be fetched), for the run's terminal. */
  onProblem?: (text: string) => void;
}

/** Beside a remote interactive run's record: its host, and where its hooks there find the home's authority. */
export interface RemoteTtyState {
  host: string;
  remoteSocket: string | null;
}

export function ttyStateFile(recordFile: string): string {
  return recordFile.replace(/\.json$/, '.tty');
}

export function writeTtyState(file: string, state: RemoteTtyState): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(state));
  renameSync(temp, file);
}

export function readTtyState(file: string): RemoteTtyState | null {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as RemoteTtyState;
    return typeof value.host === 'string' && (value.remoteSocket === null || typeof value.remoteSocket === 'string') ? value : null;
  } catch {
    return null;
  }
}

/** The exit of the first connection's ssh when the connection itself failed or dropped. */
const SSH_FAILED = 255;

/** Whether an ended connection may have left the agent running on the host (to be asked). */
export function mayStillRun(exit: { code: number | null; signal: string | null }): boolean {
  return exit.code === null || exit.code === SSH_FAILED || exit.code === TTY_DETACHED;
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');

/** The longest spec sent as an argument (the remote shell's command line has a limit of its own). */
const SPEC_MAX = 96 * 1024;

function runtimeWords(ctx: HostContext, mode: string, arg: unknown): string[] {
  return [posixQuote(ctx.node), posixQuote(ctx.remoteJs), mode, encode(arg)];
}

/** ssh arguments of a terminal connection: -tt, no escape character, the authority forwarded. */
function terminalArgs(ctx: HostContext, words: string[], authority: RemoteAuthority | null): string[] {
  const base = sshArgs(ctx.host.name, words, { ...ctx.ssh, controlPath: authority ? null : ctx.ssh.controlPath });
  const at = base.indexOf('-T');
  const args = [...base.slice(0, at), '-tt', '-e', 'none', ...base.slice(at + 1)];
  return authority ? withForward(args, authority) : args;
}

function lastJson<T>(stdout: string): T | null {
  try {
    const answer = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { ok?: boolean; value?: T };
    return answer.ok ? (answer.value ?? null) : null;
  } catch {
    return null;
  }
}

/**
 * Ends whatever of the session's interactive agent still runs on its host (its tree, its tmux
 * session), with no run of this process behind it: one left by a home process that is gone. Never
 * throws; false when it is not a remote session or the host could not be asked.
 */
export async function stopRemoteTerminal(session: Session | null | undefined, graceMs = 1000): Promise<boolean> {
  if (!session?.host) return false;
  try {
    const ctx = hostFor(session.host.name);
    const tmux = ctx.host.check.tmux?.ok ? ctx.host.check.tmux.path : null;
    const r = await runSsh(session.host.name, runtimeWords(ctx, 'tty-stop', { id: session.id, tmux, graceMs }), { ...ctx.ssh, timeoutMs: graceMs + 30_000 });
    return lastJson<unknown>(r.stdout) !== null;
  } catch {
    return false;
  }
}

export interface RemoteTtyOptions {
  authority: RemoteAuthority | null;
  cols?: number;
  rows?: number;
}

export function remoteTty(ws: Workspace, session: Session, launch: Launch, userEnv: Record<string, string>, options: RemoteTtyOptions): RemoteTty {
  const place = session.host;
  if (!place) throw new Error('remoteTty: not a remote session');
  const ctx = hostFor(place.name);
  const tmux = ctx.host.check.tmux?.ok ? ctx.host.check.tmux.path : null;
  const env = addedEnv(launch.env, userEnv, session, place.path);
  if (options.authority) env[AUTHORITY_ENV] = options.authority.remoteSocket;
  const spec: TtySpec = { id: session.id, cwd: place.path, command: launch.command, args: launch.args, env, tmux, ...(options.cols ? { cols: options.cols } : {}), ...(options.rows ? { rows: options.rows } : {}) };
  const words = runtimeWords(ctx, 'tty', spec);
  if ((words[3] ?? '').length > SPEC_MAX) {
    throw new Error(`the agent's command line for ${place.name} is too long for an interactive start there (${Math.round((words[3] ?? '').length / 1024)} KB): shorten the task, or run it headless`);
  }
  return ttyOf(ws, session, ctx, tmux, words, options.authority);
}

/**
 * The interactive agent a home process that is gone started on the session's host (issue 17): to
 * attach to it again (its tmux session there), with the authority served anew at the same place.
 */
export function reattachedTty(ws: Workspace, session: Session, authority: RemoteAuthority | null): RemoteTty {
  if (!session.host) throw new Error('reattachedTty: not a remote session');
  const ctx = hostFor(session.host.name);
  const tmux = ctx.host.check.tmux?.ok ? ctx.host.check.tmux.path : null;
  return ttyOf(ws, session, ctx, tmux, null, authority);
}

function ttyOf(ws: Workspace, session: Session, ctx: HostContext, tmux: string | null, words: string[] | null, authority: RemoteAuthority | null): RemoteTty {
  const place = session.host as NonNullable<Session['host']>;
  const options = { authority };
  const who = { id: session.id, tmux };

  let watcher: ChildProcess | null = null;
  let chain: Promise<void> = Promise.resolve();
  let latest: string | null = null;
  const problem = (text: string): void => tty.onProblem?.(text);
  /** A snapshot the host announced (the newest of a burst is fetched), or (none) a fresh one taken now. */
  const fetchHome = (commit?: string): void => {
    if (commit) latest = commit;
    chain = chain.then(async () => {
      const wanted = commit ? latest : undefined;
      if (commit && !wanted) return;
      latest = null;
      await syncHome(ws, session, wanted ?? undefined).then(
        () => undefined,
        (err: Error) => problem(`the host's work could not be fetched home: ${err.message}`),
      );
    });
  };
  const unfollow = (): void => {
    const child = watcher;
    watcher = null;
    if (!child) return;
    child.stdin?.end();
    setTimeout(() => child.kill('SIGTERM'), 2000).unref();
  };

  const askStatus = async (arg: unknown): Promise<TtyStatus | null> => {
    try {
      const r = await runSsh(place.name, runtimeWords(ctx, 'tty-status', arg), { ...ctx.ssh, timeoutMs: 20_000 });
      return lastJson<TtyStatus>(r.stdout);
    } catch {
      return null;
    }
  };

  const tty: RemoteTty = {
    state: { host: place.name, remoteSocket: authority?.remoteSocket ?? null },
    command: 'ssh',
    args: words ? terminalArgs(ctx, words, authority) : [],
    worktree: place.path,
    held: tmux !== null,
    attachArgs: () => terminalArgs(ctx, runtimeWords(ctx, 'tty-attach', who), options.authority),
    follow() {
      if (watcher) return;
      const child = spawn('ssh', sshArgs(place.name, runtimeWords(ctx, 'tty-watch', { id: session.id, cwd: place.path }), ctx.ssh), { stdio: ['pipe', 'pipe', 'ignore'] });
      watcher = child;
      child.on('error', () => undefined);
      child.stdin.on('error', () => undefined);
      let buffered = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        buffered += d;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) !== -1) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (!line.startsWith(SIGNAL)) continue;
          try {
            const said = JSON.parse(line.slice(SIGNAL.length)) as { snapshot?: string; snapshotError?: string; watchError?: string };
            if (said.snapshot) fetchHome(said.snapshot);
            const wrong = said.snapshotError ?? said.watchError;
            if (wrong) problem(`on ${place.name}: ${wrong}`);
          } catch {
            // not ours
          }
        }
      });
      child.on('close', () => {
        if (watcher === child) watcher = null;
      });
    },
    status: () => askStatus(who),
    beforeAttach: () => askStatus({ ...who, ...(options.authority ? { unlink: options.authority.remoteSocket } : {}) }),
    async stop(graceMs) {
      try {
        const r = await runSsh(place.name, runtimeWords(ctx, 'tty-stop', { ...who, graceMs }), { ...ctx.ssh, timeoutMs: graceMs + 30_000 });
        return lastJson<unknown>(r.stdout) !== null;
      } catch {
        return false;
      }
    },
    async settled() {
      unfollow();
      fetchHome();
      await chain;
    },
  };
  return tty;
}
