import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readlinkSync, readSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { runAgent, SIGNAL, type RunSpec } from './remote-side';

/**
 * A remote agent that outlives its SSH connection (issue 17, item 4), the host's side. Plain Node,
 * no shell; run as out/cli/remote.cjs of council's runtime there.
 *
 * - `remote.cjs supervise DIR` (started by `attach`, never by home): in a session of its own
 *   (setsid), so nothing of the SSH channel reaches it. Runs the agent as `remote.cjs run` does
 *   (runAgent: own process group, worktree watched, snapshots), the agent's stdout appended to
 *   DIR/out.log, its stderr and the runtime's lines (SIGNAL) whole lines to DIR/err.log; when it
 *   ends, DIR/exit.json ({code, signal}) is written last. SIGTERM stops the agent's whole tree.
 * - `remote.cjs attach` (its JSON line on stdin, AttachSpec): starts the supervisor when asked and
 *   not started yet (once per DIR: spec.json is created exclusively), then streams both logs from
 *   the offsets given, as frames on stdout (one JSON line each, AttachFrame: only whole lines, each
 *   with the offset just past it, so home reattaches exactly where it stopped), until the agent has
 *   ended and everything is sent. Its stdin stays open: `stop` stops the agent (SIGTERM to the
 *   supervisor), `done` (home has the end) removes DIR. The channel closing ends only the attach.
 */

export interface AttachSpec {
  /** The run's folder on the host (~/.council/sessions/<session>/<run>). */
  dir: string;
  /** Bytes of out.log / err.log home already has. */
  out: number;
  err: number;
  /** Start the agent (when it has not been started in DIR yet). */
  start?: RunSpec;
  /**
   * The home's authority as this connection forwards it: `socket` (a fresh path per connection,
   * never a stale one left by a dropped connection, which sshd would not bind over), pointed to by
   * `link` (the agent's COUNCIL_AUTHORITY), which the attach moves to it. While no connection is up,
   * the link points at a socket nobody serves: the hooks there refuse.
   */
  authority?: { link: string; socket: string };
}

export type AttachFrame =
  | { k: 'attached'; supervisor: number | null }
  | { k: 'o' | 'e'; t: string; n: number }
  | { k: 'ended'; code: number | null; signal: string | null }
  | { k: 'lost'; reason: string };

const files = (dir: string) => ({
  spec: path.join(dir, 'spec.json'),
  pid: path.join(dir, 'supervisor.pid'),
  out: path.join(dir, 'out.log'),
  err: path.join(dir, 'err.log'),
  exit: path.join(dir, 'exit.json'),
});

/** `remote.cjs supervise DIR`. */
export function superviseMain(dir: string): void {
  const f = files(dir);
  const spec = JSON.parse(readFileSync(f.spec, 'utf8')) as RunSpec;
  writeFileSync(f.pid, String(process.pid));
  const out = openSync(f.out, 'a');
  const err = openSync(f.err, 'a');
  // Whole lines only, so a runtime line never lands inside one of the agent's.
  let partial: Buffer = Buffer.alloc(0);
  const stderr = (chunk: Buffer): void => {
    const all = partial.length ? Buffer.concat([partial, chunk]) : chunk;
    const nl = all.lastIndexOf(10);
    if (nl === -1) {
      partial = all;
      return;
    }
    writeSync(err, all.subarray(0, nl + 1));
    partial = Buffer.from(all.subarray(nl + 1));
  };
  let exit: { code: number | null; signal: string | null } | null = null;
  const say = (value: unknown): void => {
    const said = value as { exit?: number | null; signal?: string | null };
    if (said && typeof said === 'object' && 'exit' in said) exit = { code: said.exit ?? null, signal: said.signal ?? null };
    writeSync(err, `${SIGNAL}${JSON.stringify(value)}\n`);
  };
  const stops: (() => void)[] = [];
  process.on('SIGTERM', () => stops.forEach((fn) => fn()));
  process.on('SIGHUP', () => undefined);
  process.on('SIGPIPE', () => undefined);
  process.on('uncaughtException', (e) => say({ error: `the runtime's supervisor: ${e.message}` }));
  void runAgent(spec, null, say, { stdout: out, stderr, onStop: (fn) => stops.push(fn) }).then((code) => {
    if (partial.length) writeSync(err, Buffer.concat([partial, Buffer.from('\n')]));
    closeSync(out);
    closeSync(err);
    writeFileSync(`${f.exit}.tmp`, JSON.stringify(exit ?? { code, signal: null }));
    renameSync(`${f.exit}.tmp`, f.exit);
    process.exit(0);
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const CHUNK = 256 * 1024;
/** How long a supervisor may take to write its pid after spec.json is there. */
const START_GRACE_MS = 15_000;

/** `remote.cjs attach`: reads its AttachSpec line from stdin, then streams (see the file's comment). */
export function attachEntry(): void {
  let buffered = '';
  let spec: AttachSpec | null = null;
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d: string) => {
    buffered += d;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (!spec) {
        spec = JSON.parse(line) as AttachSpec;
        attach(spec);
      } else if (line === 'stop') stopAgent(spec);
      else if (line === 'done') {
        rmSync(spec.dir, { recursive: true, force: true });
        if (spec.authority) {
          rmSync(spec.authority.link, { force: true });
          rmSync(spec.authority.socket, { force: true });
        }
        process.exit(0);
      }
    }
  });
  // Home is gone: only this attach ends; the agent goes on.
  process.stdin.on('end', () => process.exit(0));
  process.stdout.on('error', () => process.exit(0));
}

function supervisorPid(dir: string): number | null {
  try {
    const pid = Number(readFileSync(files(dir).pid, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function stopAgent(spec: AttachSpec): void {
  const pid = supervisorPid(spec.dir);
  if (pid && !existsSync(files(spec.dir).exit)) process.kill(pid, 'SIGTERM');
}

function attach(spec: AttachSpec): void {
  const f = files(spec.dir);
  mkdirSync(spec.dir, { recursive: true, mode: 0o700 });
  if (spec.start) {
    let fresh = true;
    try {
      writeFileSync(f.spec, JSON.stringify(spec.start), { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      fresh = false;
    }
    if (fresh) {
      const script = process.argv[1] as string;
      const child = spawn(process.execPath, [script, 'supervise', spec.dir], { cwd: spec.dir, detached: true, stdio: 'ignore' });
      child.unref();
    }
  }
  if (spec.authority) pointAuthority(spec.authority.link, spec.authority.socket);
  const frame = (value: AttachFrame): boolean => process.stdout.write(`${JSON.stringify(value)}\n`);
  frame({ k: 'attached', supervisor: supervisorPid(spec.dir) });
  const offsets = { o: spec.out, e: spec.err };
  const buffer = Buffer.alloc(CHUNK);
  /** Sends the whole lines past the offset (all of it when `last`); false when stdout is full. */
  const pump = (kind: 'o' | 'e', file: string, last: boolean): boolean => {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return true;
    }
    try {
      for (;;) {
        const read = readSync(fd, buffer, 0, CHUNK, offsets[kind]);
        if (read === 0) return true;
        const chunk = buffer.subarray(0, read);
        let start = 0;
        let nl: number;
        let room = true;
        while ((nl = chunk.indexOf(10, start)) !== -1) {
          const text = chunk.subarray(start, nl).toString('utf8');
          offsets[kind] += nl + 1 - start;
          start = nl + 1;
          room = frame({ k: kind, t: text.endsWith('\r') ? text.slice(0, -1) : text, n: offsets[kind] }) && room;
        }
        if (start === 0 && read === CHUNK) {
          // A line longer than a chunk: sent in pieces.
          offsets[kind] += read;
          room = frame({ k: kind, t: chunk.toString('utf8'), n: offsets[kind] }) && room;
          continue;
        }
        if (start < read && last && read < CHUNK) {
          offsets[kind] += read - start;
          return frame({ k: kind, t: chunk.subarray(start, read).toString('utf8'), n: offsets[kind] }) && room;
        }
        if (!room) return false;
        if (read < CHUNK) return true;
      }
    } finally {
      closeSync(fd);
    }
  };
  const startedAt = Date.now();
  let finished = false;
  const tick = (): void => {
    if (finished) return;
    const ended = existsSync(f.exit);
    // The supervisor gone without an exit file (the host restarted, it was killed): the agent is lost.
    const pid = supervisorPid(spec.dir);
    const lost = !ended && (pid ? !alive(pid) && !existsSync(f.exit) : !existsSync(f.spec) || Date.now() - (statSafe(f.spec) ?? startedAt) > START_GRACE_MS);
    const roomy = pump('o', f.out, ended || lost) && pump('e', f.err, ended || lost);
    if (!roomy) {
      process.stdout.once('drain', tick);
      return;
    }
    if (ended || lost) {
      finished = true;
      if (ended) {
        const exit = JSON.parse(readFileSync(f.exit, 'utf8')) as { code: number | null; signal: string | null };
        frame({ k: 'ended', code: exit.code, signal: exit.signal });
      } else frame({ k: 'lost', reason: pid ? `the runtime that ran the agent on this host (pid ${pid}) ended without recording the agent's exit` : `the agent was never started in ${spec.dir}` });
      // Home answers `done` (removes DIR) or goes away.
      return;
    }
    setTimeout(tick, 50);
  };
  tick();
}

/** Moves the link to this connection's socket (atomically) and removes the socket it pointed to before. */
function pointAuthority(link: string, socket: string): void {
  let before: string | null = null;
  try {
    before = readlinkSync(link);
  } catch {
    // none yet, or not a link (a socket of an older runtime): replaced below
  }
  const temp = `${link}.${process.pid}`;
  rmSync(temp, { force: true });
  symlinkSync(socket, temp);
  renameSync(temp, link);
  if (before && before !== socket) rmSync(before, { force: true });
}

function statSafe(file: string): number | null {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}
