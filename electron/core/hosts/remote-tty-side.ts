import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { descendants, SIGNAL, watchSnapshots } from './remote-side';

/**
 * An interactive agent on a host (issue 17), the host's side: what `remote.cjs tty…` does, under
 * the host's own node. Home's terminal runs `ssh -tt HOST node remote.cjs tty <spec>` (the spec a
 * base64 JSON argument: with -tt, stdin is the terminal); here:
 *
 * - With tmux on the host (the spec names it), the agent's terminal is held by tmux: a session of
 *   our own tmux server (its socket in ~/.council/tty/, no user config read, no prefix key, no
 *   status line) named for the council session, running `remote.cjs tty-hold` (which starts the
 *   agent in the worktree with the session's variables and records its pid and its exit), and this
 *   process attaches to it. A dropped connection ends only the attach: the agent goes on, and home
 *   attaches again (`tty-attach`).
 * - Without tmux, the agent runs right here, on the connection's terminal; a dropped connection
 *   (SIGHUP) ends it with everything it started.
 *
 * `tty-stop` ends the agent's whole tree and its tmux session; `tty-status` says whether it runs
 * and how it ended; `tty-watch` snapshots the worktree on every change (SIGNAL lines on stdout, as
 * the headless run does on stderr) until home closes its stdin. Nothing here runs a shell of ours:
 * tmux gets one command line made of single-quoted paths.
 */

export interface TtySpec {
  /** The council session's id. */
  id: string;
  cwd: string;
  command: string;
  args: string[];
  /** What council adds to the host's environment for the agent. */
  env: Record<string, string>;
  /** tmux on the host (the host check's path); null: run on the connection's terminal. */
  tmux: string | null;
  cols?: number;
  rows?: number;
}

/** The attach ended with the agent still held by tmux (detached): home attaches again. */
export const TTY_DETACHED = 75;
/** What the holder records when the agent ends. */
export interface TtyExit {
  code: number | null;
  signal: string | null;
  error?: string;
}
export interface TtyStatus {
  held: 'tmux' | 'direct' | null;
  alive: boolean;
  exit: TtyExit | null;
}

const stateDir = (): string => path.join(process.env.HOME || os.homedir(), '.council', 'tty');
/** A tmux session name (no "." or ":"), also the state files' stem. */
export const ttyName = (id: string): string => `council-${id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
const file = (id: string, ext: string): string => path.join(stateDir(), `${ttyName(id)}.${ext}`);
const tmuxSocket = (): string => path.join(stateDir(), 'tmux');

function readJson<T>(name: string): T | null {
  try {
    return JSON.parse(readFileSync(name, 'utf8')) as T;
  } catch {
    return null;
  }
}

function writePrivate(name: string, value: unknown): void {
  mkdirSync(path.dirname(name), { recursive: true, mode: 0o700 });
  writeFileSync(name, `${JSON.stringify(value)}\n`, { mode: 0o600 });
}

/** Our tmux server: its own socket, no user config, nothing in the way of the agent's keys. */
function tmux(program: string, args: string[], stdio: 'pipe' | 'inherit' = 'pipe'): { status: number | null; stderr: string } {
  const r = spawnSync(program, ['-f', '/dev/null', '-S', tmuxSocket(), ...args], { stdio, encoding: 'utf8' });
  return { status: r.status, stderr: String(r.stderr ?? r.error?.message ?? '') };
}

const tmuxHas = (program: string, id: string): boolean => tmux(program, ['has-session', '-t', `=${ttyName(id)}`]).status === 0;

const signal = (pid: number, sig: NodeJS.Signals | 0): boolean => {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
};

/** Whether `pid` is a holder of ours (not a reused pid). */
function isHolder(pid: number | undefined): boolean {
  if (!pid || !signal(pid, 0)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('remote.cjs');
  } catch {
    return true; // no /proc: trust the pid
  }
}

/** Ends the agent and everything below the holder; SIGKILL after the grace. */
async function killTree(holder: number, graceMs: number): Promise<void> {
  const first = descendants(holder);
  for (const p of first) signal(p, 'SIGTERM');
  const end = Date.now() + graceMs;
  while (Date.now() < end && descendants(holder).length) await new Promise((r) => setTimeout(r, 50));
  for (const p of [...first, ...descendants(holder)]) signal(p, 'SIGKILL');
}

/**
 * Runs the agent on this process's terminal (the tmux pane, or the connection's), records its pid
 * and how it ended, and leaves with its exit code. Ctrl-C and Ctrl-\ are the agent's (the whole
 * foreground group gets them): ignored here. A hang-up ends the agent's tree.
 */
function hold(spec: TtySpec, held: 'tmux' | 'direct'): void {
  for (const sig of ['SIGINT', 'SIGQUIT', 'SIGTSTP'] as const) process.on(sig, () => undefined);
  rmSync(file(spec.id, 'exit'), { force: true });
  let child;
  const finish = (exit: TtyExit): void => {
    for (const p of descendants(process.pid)) signal(p, 'SIGKILL');
    writePrivate(file(spec.id, 'exit'), exit);
    rmSync(file(spec.id, 'state'), { force: true });
    if (spec.env.COUNCIL_AUTHORITY) rmSync(spec.env.COUNCIL_AUTHORITY, { force: true });
    if (exit.error) process.stderr.write(`\r\ncouncil: ${exit.error}\r\n`);
    process.exit(exit.code ?? (exit.signal === 'SIGKILL' ? 137 : 143));
  };
  try {
    child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: { ...process.env, ...spec.env }, stdio: 'inherit' });
  } catch (err) {
    finish({ code: 127, signal: null, error: `${spec.command} could not start: ${(err as Error).message}` });
    return;
  }
  writePrivate(file(spec.id, 'state'), { holder: process.pid, agent: child.pid ?? null, held });
  child.on('error', (err) => finish({ code: 127, signal: null, error: `${spec.command} could not start: ${err.message}` }));
  child.on('exit', (code, sig) => finish({ code, signal: sig }));
  const hangUp = (): void => {
    void killTree(process.pid, 1000).then(() => finish({ code: null, signal: 'SIGHUP' }));
  };
  process.on('SIGHUP', hangUp);
  process.on('SIGTERM', hangUp);
}

/** Attaches this terminal to the agent's tmux session; leaves with the agent's exit code once it ended. */
function attach(program: string, id: string): never {
  tmux(program, ['attach-session', '-t', `=${ttyName(id)}`], 'inherit');
  if (tmuxHas(program, id)) process.exit(TTY_DETACHED);
  const exit = readJson<TtyExit>(file(id, 'exit'));
  if (!exit) {
    process.stderr.write(`council: session ${id}'s agent is not running on this host\r\n`);
    process.exit(1);
  }
  if (exit.error) process.stderr.write(`council: ${exit.error}\r\n`);
  process.exit(exit.code ?? (exit.signal === 'SIGKILL' ? 137 : 143));
}

function start(spec: TtySpec): void {
  mkdirSync(stateDir(), { recursive: true, mode: 0o700 });
  if (!spec.tmux) {
    hold(spec, 'direct');
    return;
  }
  if (tmuxHas(spec.tmux, spec.id)) {
    process.stderr.write(`council: session ${spec.id}'s agent still runs on this host (tmux session ${ttyName(spec.id)}): stop it or attach to it\r\n`);
    process.exit(1);
  }
  const specFile = file(spec.id, 'spec');
  writePrivate(specFile, spec);
  const q = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;
  const line = [process.execPath, path.resolve(process.argv[1] ?? ''), 'tty-hold', specFile].map(q).join(' ');
  const made = tmux(spec.tmux, [
    'new-session', '-d', '-s', ttyName(spec.id), '-c', spec.cwd, '-x', String(spec.cols ?? 120), '-y', String(spec.rows ?? 32), line,
    ';', 'set-option', '-g', 'prefix', 'None',
    ';', 'set-option', '-g', 'prefix2', 'None',
    ';', 'set-option', '-g', 'status', 'off',
    ';', 'set-option', '-g', 'escape-time', '0',
    ';', 'set-option', '-g', 'destroy-unattached', 'off',
  ]);
  if (made.status !== 0) {
    rmSync(specFile, { force: true });
    process.stderr.write(`council: tmux could not start the agent's session: ${made.stderr.trim()}\r\n`);
    process.exit(1);
  }
  attach(spec.tmux, spec.id);
}

/** Stops the session's agent here: its tree, then its tmux session. */
async function stop(id: string, tmuxPath: string | null, graceMs: number): Promise<{ stopped: boolean }> {
  const state = readJson<{ holder: number; held: 'tmux' | 'direct' }>(file(id, 'state'));
  let stopped = false;
  if (state && isHolder(state.holder)) {
    stopped = true;
    await killTree(state.holder, graceMs);
    // The holder records the end and leaves; if it does not, it goes too.
    for (let waited = 0; waited < 2000 && signal(state.holder, 0); waited += 50) await new Promise((r) => setTimeout(r, 50));
    signal(state.holder, 'SIGKILL');
  }
  if (tmuxPath && tmuxHas(tmuxPath, id)) {
    stopped = true;
    tmux(tmuxPath, ['kill-session', '-t', `=${ttyName(id)}`]);
  }
  return { stopped };
}

function status(id: string, tmuxPath: string | null): TtyStatus {
  const state = readJson<{ holder: number; held: 'tmux' | 'direct' }>(file(id, 'state'));
  const inTmux = tmuxPath ? tmuxHas(tmuxPath, id) : false;
  const alive = inTmux || (state !== null && isHolder(state.holder));
  return { held: inTmux ? 'tmux' : alive ? (state?.held ?? null) : null, alive, exit: readJson<TtyExit>(file(id, 'exit')) };
}

/** Snapshots the worktree on every change (edits in a burst are one), told on stdout, until stdin ends. */
function watchWorktree(id: string, cwd: string): void {
  const snaps = watchSnapshots(cwd, id, (value) => process.stdout.write(`${SIGNAL}${JSON.stringify(value)}\n`), 60);
  process.stdout.write(`${SIGNAL}${JSON.stringify({ watching: true })}\n`);
  const end = (): void => {
    snaps.close();
    process.exit(0);
  };
  process.stdin.on('end', end);
  process.stdin.on('error', end);
  process.stdin.resume();
}

const decode = <T>(arg: string | undefined): T => JSON.parse(Buffer.from(arg ?? '', 'base64').toString('utf8')) as T;

/** `remote.cjs tty…` (see the file's comment); false when `argv` is not one of these modes. */
export function ttyMain(argv: string[]): boolean {
  const [mode, arg] = argv;
  try {
    switch (mode) {
      case 'tty':
        start(decode<TtySpec>(arg));
        return true;
      case 'tty-hold': {
        const specFile = arg ?? '';
        const spec = readJson<TtySpec>(specFile);
        rmSync(specFile, { force: true });
        if (!spec) {
          process.stderr.write(`council: the agent's spec ${specFile} could not be read\r\n`);
          process.exit(1);
        }
        hold(spec, 'tmux');
        return true;
      }
      case 'tty-attach': {
        const { id, tmux: program } = decode<{ id: string; tmux: string | null }>(arg);
        if (!program || !existsSync(stateDir())) {
          process.stderr.write(`council: session ${id}'s agent is not held by tmux on this host\r\n`);
          process.exit(1);
        }
        attach(program, id);
        return true;
      }
      case 'tty-stop': {
        const { id, tmux: program, graceMs } = decode<{ id: string; tmux: string | null; graceMs?: number }>(arg);
        void stop(id, program, graceMs ?? 3000).then((done) => {
          process.stdout.write(`${JSON.stringify({ ok: true, value: { ...done, status: status(id, program) } })}\n`);
        });
        return true;
      }
      case 'tty-status': {
        const { id, tmux: program, unlink } = decode<{ id: string; tmux: string | null; unlink?: string }>(arg);
        // Before attaching again: the forwarded authority socket of the dropped connection, which
        // sshd leaves behind (a new forward to the same path would fail). Only a socket of ours.
        if (unlink && path.dirname(unlink) === path.join(process.env.HOME || os.homedir(), '.council') && /^a-[0-9a-f]+$/.test(path.basename(unlink))) rmSync(unlink, { force: true });
        process.stdout.write(`${JSON.stringify({ ok: true, value: status(id, program) })}\n`);
        return true;
      }
      case 'tty-watch': {
        const { id, cwd } = decode<{ id: string; cwd: string }>(arg);
        watchWorktree(id, cwd);
        return true;
      }
      default:
        return false;
    }
  } catch (err) {
    process.stderr.write(`council: ${mode}: ${(err as Error).message}\r\n`);
    process.exit(2);
  }
}
