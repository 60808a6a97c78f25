import type { Session } from '../../../shared/models';
import { invalidInput, notFound } from '../errors';
import { AGENT_BINARIES } from '../hosts/check';
import type { AgentRun } from '../../../shared/agents';
import type { RunStore } from './run-store';
import { hostFor, remoteCommand, syncHome } from '../hosts/remote-session';
import { SIGNAL, type RunSpec } from '../hosts/remote-side';
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { attachRemote, type RemoteProcess } from '../hosts/remote-attach';
import { DEFAULT_BACKOFF, type BackoffOptions, type LinkState } from '../hosts/reconnect';
import path from 'node:path';
import { AUTHORITY_ENV } from './hooks/authority-client';
import { posixQuote, runSsh, sshArgs } from '../hosts/ssh';
import type { BriefRun } from './runner/run-briefly';
import type { CouncilCommand } from './types';
import type { Workspace } from '../workspace';
import type { Launch, LaunchContext } from './types';

/**
 * A remote session's agent (issue 17), as the manager starts it: `ssh HOST node remote.cjs run`
 * over the host's ControlMaster, the preset's launch (program, arguments, the variables council
 * adds) sent as the first line of its stdin, which then stays open — closing it (stopping ssh, home
 * going away) stops the agent there with everything it started. Its stdout is the agent's, parsed
 * at home as a local run's; on stderr the runtime's own lines (remote-side.ts SIGNAL) say when the
 * host took a snapshot, which is fetched into the home's mirror worktree at once.
 */

export interface RemoteRun {
  command: string;
  args: string[];
  /** The host's name. */
  host: string;
  /** The run's folder on the host (remote-detached.ts), where the agent runs detached from ssh. */
  dir: string;
  /** Where the hooks there reach home (null: no authority). */
  remoteSocket: string | null;
  /** Starts the agent on the host, detached, and follows it (remote-attach.ts): what the manager runs. */
  start(options: RemoteStartOptions): Promise<RemoteProcess>;
  /** The worktree on the host (the paths the agent's events name). */
  worktree: string;
  /** The first line to write to the process's stdin. */
  specLine: string;
  /** Takes one stderr line: true when it was the runtime's, not the agent's. */
  handles(line: string): boolean;
  /** Resolves once every snapshot announced so far is home. */
  settled(): Promise<void>;
  /** What went wrong on the way (a snapshot that could not be fetched), for the run's log. */
  onProblem?: (text: string) => void;
}

export interface RemoteStartOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  onLink(state: LinkState): void;
  stopRequested(): boolean;
  /** Where the offsets are kept (beside the run's record), for a reattach after home restarts. */
  stateFile: string;
}

/** What a live remote run keeps beside its record at home: enough to reattach after a restart. */
export interface RemoteRunState {
  host: string;
  dir: string;
  remoteSocket: string | null;
  out: number;
  err: number;
}

/** Beside the run's record at home. */
export function remoteStateFile(store: RunStore, run: Pick<AgentRun, 'sessionId' | 'id'>): string {
  return store.recordFile(run).replace(/\.json$/, '.remote');
}

export function writeRemoteState(file: string, state: RemoteRunState): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(state));
  renameSync(temp, file);
}

export function readRemoteState(file: string): RemoteRunState | null {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as RemoteRunState;
    return typeof value.dir === 'string' && typeof value.host === 'string' && Number.isInteger(value.out) && Number.isInteger(value.err) ? value : null;
  } catch {
    return null;
  }
}

/**
 * One attach's connection: the run's own, with the authority forwarded to a fresh socket beside
 * the agent's (`remoteSocket`, a link the attach moves to it); without an authority, the ControlMaster.
 */
function attachConnection(host: string, ctx: ReturnType<typeof hostFor>, authority: RemoteAuthority | null): () => { sshArgs: string[]; authority?: { link: string; socket: string } } {
  return () => {
    if (!authority) return { sshArgs: sshArgs(host, remoteCommand(ctx, 'attach'), ctx.ssh) };
    const socket = `${authority.remoteSocket}-${randomBytes(3).toString('hex')}`;
    return { sshArgs: withForward(sshArgs(host, remoteCommand(ctx, 'attach'), { ...ctx.ssh, controlPath: null }), { ...authority, remoteSocket: socket }), authority: { link: authority.remoteSocket, socket } };
  };
}

/**
 * Follows a remote run again after home restarted (the agent went on on the host): from the
 * offsets kept beside its record, the authority served anew (its socket forwarded to the same
 * place on the host, where the agent's hooks look).
 */
function reattachRemote(state: RemoteRunState, options: RemoteStartOptions, authority: RemoteAuthority | null): Promise<RemoteProcess> {
  const ctx = hostFor(state.host);
  return attachRemote({
    host: state.host,
    connection: attachConnection(state.host, ctx, authority && state.remoteSocket ? { homeSocket: authority.homeSocket, remoteSocket: state.remoteSocket } : null),
    env: options.env,
    cwd: options.cwd,
    dir: state.dir,
    start: null,
    offsets: { out: state.out, err: state.err },
    logFile: options.logFile,
    onOffsets: (o) => writeRemoteState(options.stateFile, { ...state, ...o }),
    onLink: options.onLink,
    stopRequested: options.stopRequested,
    reattach: true,
    ...(backoffFromEnv() ? { backoff: backoffFromEnv() as BackoffOptions } : {}),
  });
}

/** COUNCIL_RECONNECT_MAX_MS caps the backoff (tests; a slow link wanting quicker tries). */
function backoffFromEnv(): BackoffOptions | null {
  const max = Number(process.env.COUNCIL_RECONNECT_MAX_MS);
  return Number.isInteger(max) && max >= 100 ? { ...DEFAULT_BACKOFF, firstMs: Math.min(DEFAULT_BACKOFF.firstMs, max), maxMs: max } : null;
}

/** Variables council adds to the user's environment (the preset's, the session's), as the host gets them. */
export function addedEnv(launchEnv: Record<string, string>, userEnv: Record<string, string>, session: Session, worktree: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(launchEnv)) if (userEnv[key] !== value) out[key] = value;
  out.COUNCIL_WORKTREE = worktree;
  // The launch's PWD names the home's mirror; on the host the agent works in the host's worktree
  // (a CLI that takes its folder from PWD, like opencode, would otherwise look for the home's path).
  out.PWD = worktree;
  out.COUNCIL_SESSION_ID = session.id;
  return out;
}

/**
 * Where a remote session's program is (LaunchContext.locate): on its host, as the host's last check
 * found it (`council host add|check` lists the agent CLIs on the PATH an ssh command gets there),
 * never this machine's PATH — the home need not have the CLI at all. An agent CLI the check did not
 * find there runs from the settings' program path when one is set (a path as the host sees it,
 * e.g. a machine that shares it); otherwise it is refused before anything starts, naming the host
 * and the fix. A program the check does not look for (a custom command) is left to the host's PATH.
 */
export function hostProgram(session: Session): NonNullable<LaunchContext['locate']> {
  if (!session.host) throw new Error('hostProgram: not a remote session');
  return hostProgramOn(session.host.name);
}

/** hostProgram for a host by name (before a session there exists: the check before a create). */
export function hostProgramOn(name: string): NonNullable<LaunchContext['locate']> {
  const check = hostFor(name).host.check;
  return (spec, configuredPath) => {
    const found = check.agents.find((a) => a.binary === spec.binary);
    if (found) return found.path;
    if (configuredPath) return configuredPath;
    if (!AGENT_BINARIES.some((a) => a.binary === spec.binary)) return spec.binary;
    throw notFound(
      `${spec.label} (preset ${spec.id}) is not installed on ${name}: its last check (${check.checkedAt}) found no \`${spec.binary}\` on the PATH a non-interactive \`ssh ${name}\` command gets (${check.path || 'empty'}). Install it there on that PATH${spec.install ? ` (${spec.install})` : ''}, then run \`council host check ${name}\`.`,
      { host: name, preset: spec.id },
    );
  };
}

/**
 * How the agent's hooks start `council` on the host: the host's node and the runtime there
 * (launch.cjs, which hands the lock hook to the lean bundle), never a path of the home's.
 */
export function hostCouncilCommand(session: Session, authoritySocket: string | null = null): CouncilCommand {
  if (!session.host) throw new Error('hostCouncilCommand: not a remote session');
  const ctx = hostFor(session.host.name);
  // The socket to home goes with the command itself: an agent CLI may start its MCP servers with
  // a reduced environment (Codex does), and `council mcp` there needs it (cli/mcp-proxy.ts).
  return { argv: [ctx.node, path.posix.join(path.posix.dirname(ctx.remoteJs), 'launch.cjs')], env: authoritySocket ? { [AUTHORITY_ENV]: authoritySocket } : {} };
}

/**
 * The socket the agent's hooks reach home through, on the host: in the remote user's ~/.council/,
 * a short name of its own per run (sshd does not remove a stale one by default; remote.cjs does at
 * the end of the run).
 */
export function remoteAuthoritySocket(session: Session): string {
  if (!session.host) throw new Error('remoteAuthoritySocket: not a remote session');
  const ctx = hostFor(session.host.name);
  return path.posix.join(ctx.host.check.home, '.council', `a-${randomBytes(6).toString('hex')}`);
}

export interface RemoteAuthority {
  /** The home's socket (hosts/authority.ts). */
  homeSocket: string;
  /** Where the host's end of the forward is (remoteAuthoritySocket). */
  remoteSocket: string;
}

export function remoteRun(ws: Workspace, session: Session, launch: Launch, userEnv: Record<string, string>, mode: string, authority: RemoteAuthority | null = null): RemoteRun {
  const place = session.host;
  if (!place) throw new Error('remoteRun: not a remote session');
  if (mode !== 'headless') throw invalidInput(`session ${session.id} is on ${place.name}: its agent runs headless for now (an interactive terminal over SSH is not built yet)`);
  const ctx = hostFor(place.name);
  const env = addedEnv(launch.env, userEnv, session, place.path);
  if (authority) env[AUTHORITY_ENV] = authority.remoteSocket;
  const spec: RunSpec = { id: session.id, cwd: place.path, command: launch.command, args: launch.args, env };
  const dir = path.posix.join(ctx.host.check.home, '.council', 'sessions', session.id, `run-${randomBytes(6).toString('hex')}`);
  return buildRun(ws, session, {
    dir,
    remoteSocket: authority?.remoteSocket ?? null,
    start(options) {
      const state: RemoteRunState = { host: place.name, dir, remoteSocket: authority?.remoteSocket ?? null, out: 0, err: 0 };
      writeRemoteState(options.stateFile, state);
      return attachRemote({
        host: place.name,
        connection: attachConnection(place.name, ctx, authority),
        env: options.env,
        cwd: options.cwd,
        dir,
        start: spec,
        logFile: options.logFile,
        onOffsets: (o) => writeRemoteState(options.stateFile, { ...state, ...o }),
        onLink: options.onLink,
        stopRequested: options.stopRequested,
        ...(backoffFromEnv() ? { backoff: backoffFromEnv() as BackoffOptions } : {}),
      });
    },
    command: 'ssh',
    args: authority ? withForward(sshArgs(place.name, remoteCommand(ctx, 'run'), { ...ctx.ssh, controlPath: null }), authority) : sshArgs(place.name, remoteCommand(ctx, 'run'), ctx.ssh),
    specLine: `${JSON.stringify(spec)}\n`,
  });
}

/**
 * A remote run home follows again after it restarted (the agent went on on the host): from its
 * state kept beside the run's record, with the authority served anew.
 */
export function reattachedRun(ws: Workspace, session: Session, state: RemoteRunState, homeSocket: string | null): RemoteRun {
  return buildRun(ws, session, {
    dir: state.dir,
    remoteSocket: state.remoteSocket,
    start: (options) => reattachRemote(state, options, homeSocket && state.remoteSocket ? { homeSocket, remoteSocket: state.remoteSocket } : null),
    command: 'ssh',
    args: [],
    specLine: '',
  });
}

function buildRun(ws: Workspace, session: Session, parts: Pick<RemoteRun, 'dir' | 'remoteSocket' | 'start' | 'command' | 'args' | 'specLine'>): RemoteRun {
  const place = session.host;
  if (!place) throw new Error('remoteRun: not a remote session');
  let chain: Promise<void> = Promise.resolve();
  let latest: string | null = null;
  const run: RemoteRun = {
    ...parts,
    host: place.name,
    worktree: place.path,
    handles(line) {
      if (!line.startsWith(SIGNAL)) return false;
      let said: { snapshot?: string; snapshotError?: string; watchError?: string; error?: string };
      try {
        said = JSON.parse(line.slice(SIGNAL.length)) as typeof said;
      } catch {
        return true;
      }
      if (said.snapshot) {
        latest = said.snapshot;
        // Snapshots in a burst: the one fetched is the newest when its turn comes.
        chain = chain.then(async () => {
          const commit = latest;
          if (!commit) return;
          latest = null;
          await syncHome(ws, session, commit).catch((err: Error) => run.onProblem?.(`the host's work could not be fetched home: ${err.message}`));
        });
      }
      const problem = said.snapshotError ?? said.watchError ?? said.error;
      if (problem) run.onProblem?.(`on ${place.name}: ${problem}`);
      return true;
    },
    settled: () => chain,
  };
  return run;
}

/**
 * The run's own connection, with the home's authority socket forwarded to the host (`-R
 * remote:home`). Not over the ControlMaster: a forward asked through it would stay with the master
 * after the run; on a connection of its own it lives and dies with the run, so once the run's
 * connection is gone the hooks there find no socket and refuse every edit. A forward that cannot
 * be set up ends the connection (ExitOnForwardFailure).
 */
export function withForward(args: string[], authority: RemoteAuthority): string[] {
  const at = args.indexOf('--');
  return [...args.slice(0, at), '-o', 'ControlMaster=no', '-o', 'ControlPath=none', '-o', 'ExitOnForwardFailure=yes', '-o', 'StreamLocalBindUnlink=yes', '-R', `${authority.remoteSocket}:${authority.homeSocket}`, ...args.slice(at)];
}

/**
 * The lock hook's self-test (hooks/preflight.ts) run on the host, as the agent there will run it:
 * `sh -c '<hook line>'` in the session's worktree, with the variables council adds, over the
 * host's ControlMaster. The probe is answered before the hook asks home, so this proves that the
 * host's node and runtime start the hook, not the forward (which fails closed on its own).
 */
export function hostHookRunner(session: Session, command: string, env: Record<string, string>): (input: string) => Promise<BriefRun> {
  if (!session.host) throw new Error('hostHookRunner: not a remote session');
  const place = session.host;
  const ctx = hostFor(place.name);
  const assignments = Object.entries(env).filter(([name]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)).map(([name, value]) => posixQuote(`${name}=${value}`));
  const remote = ['cd', posixQuote(place.path), '&&', 'env', ...assignments, 'sh', '-c', posixQuote(command)];
  return async (input) => {
    try {
      const r = await runSsh(place.name, remote, { ...ctx.ssh, stdin: input, timeoutMs: 30_000 });
      return { code: r.code, signal: null, stdout: r.stdout, stderr: r.stderr, timedOut: false, error: r.code === 255 ? `ssh to ${place.name} failed: ${r.stderr.trim().split('\n').pop() ?? ''}` : null };
    } catch (err) {
      return { code: null, signal: null, stdout: '', stderr: '', timedOut: true, error: (err as Error).message };
    }
  };
}
