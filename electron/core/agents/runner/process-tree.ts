import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';

/**
 * Stopping an agent means stopping everything it started: its shell commands, test runners, dev
 * servers. The agent runs as the leader of its own session and process group (pipe mode spawns it
 * `detached`, node-pty's children call setsid), so one signal to the group reaches most of it. But a
 * descendant may have started a group or session of its own (a daemon, a nested pty, a `detached`
 * child), so we also walk parent links from the agent and signal every descendant by pid.
 *
 * Linux reads /proc; macOS asks `ps` (an argument array, never a shell string). Zombies count as dead:
 * in a container whose PID 1 does not reap orphans they would otherwise be "alive" forever.
 */

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** Session id; null where the platform does not tell (macOS). */
  sid: number | null;
  /** Identifies the process together with its pid (Linux start time in clock ticks); null if unknown. */
  start: string | null;
}

export interface KillTreeOptions {
  /** How long the tree has to exit after SIGTERM before what is left gets SIGKILL. Default 3000 ms. */
  graceMs?: number;
  /** How often to look whether they are gone. Default 25 ms. */
  pollMs?: number;
}

export interface KillTreeResult {
  /** Every process that was signalled (the agent, its group and its descendants). */
  pids: number[];
  /** Those still alive when the grace period ended, which got SIGKILL. */
  forced: number[];
}

export const DEFAULT_KILL_GRACE_MS = 3000;
/** After SIGKILL a process is gone within milliseconds unless stuck in the kernel; waiting longer hides a bug. */
const AFTER_SIGKILL_LIMIT_MS = 5000;

/** Every live process on the machine (zombies excluded). */
export async function processTable(): Promise<ProcessInfo[]> {
  return process.platform === 'linux' ? linuxProcessTable() : psProcessTable();
}

/** The pids of all live descendants of `pid` (children, their children, …), not `pid` itself. */
export async function descendants(pid: number): Promise<number[]> {
  const table = await processTable();
  return [...descendantsIn(table, [pid])].filter((p) => p !== pid);
}

/** Whether `pid` is a running process (a zombie is not). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  const stat = readStat(pid);
  return stat !== null && stat.state !== 'Z';
}

/**
 * SIGTERM to the agent's process group and to each of its descendants; after `graceMs`, SIGKILL to
 * whatever of them is still alive (looking again for children started meanwhile). Resolves when
 * none is alive; rejects only if something survives SIGKILL for seconds (stuck in the kernel).
 */
export async function killTree(pid: number, options: KillTreeOptions = {}): Promise<KillTreeResult> {
  const graceMs = options.graceMs ?? DEFAULT_KILL_GRACE_MS;
  const pollMs = options.pollMs ?? 25;
  /** pid → its start time, so a pid reused by an unrelated process is never signalled. */
  const targets = new Map<number, string | null>();
  const alive = (): number[] => [...targets].filter(([p, start]) => stillSame(p, start)).map(([p]) => p);

  const collect = async (): Promise<boolean> => {
    const table = await processTable();
    // The agent, the members of its group or session (orphans of it included) and what we found
    // before; the walk from them finds the rest, whatever group they have moved to.
    const members = table.filter((p) => p.pgid === pid || p.sid === pid).map((p) => p.pid);
    const byPid = new Map(table.map((p) => [p.pid, p]));
    for (const p of descendantsIn(table, [pid, ...members, ...alive()])) {
      const info = byPid.get(p);
      if (info && !targets.has(p)) targets.set(p, info.start);
    }
    // The group can be signalled as long as it has a member: its id cannot be reused until then.
    return table.some((p) => p.pgid === pid);
  };
  const signal = (groupExists: boolean, sig: NodeJS.Signals): void => {
    if (groupExists) trySignal(-pid, sig);
    for (const p of alive()) trySignal(p, sig);
  };

  signal(await collect(), 'SIGTERM');
  const all = new Set(targets.keys());
  const deadline = Date.now() + graceMs;
  while (alive().length > 0 && Date.now() < deadline) await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));

  let forced: number[] = [];
  if (alive().length > 0) {
    // Survivors may have started children during the grace period: find those too.
    const groupExists = await collect();
    forced = alive();
    for (const p of targets.keys()) all.add(p);
    signal(groupExists, 'SIGKILL');
    const limit = Date.now() + AFTER_SIGKILL_LIMIT_MS;
    while (alive().length > 0) {
      if (Date.now() > limit) throw new Error(`processes still alive ${AFTER_SIGKILL_LIMIT_MS} ms after SIGKILL: ${alive().join(', ')}`);
      await sleep(pollMs);
    }
  }
  return { pids: [...all].sort((a, b) => a - b), forced };
}

/** `roots` and everything below them, following ppid links. */
function descendantsIn(table: readonly ProcessInfo[], roots: readonly number[]): Set<number> {
  const children = new Map<number, number[]>();
  for (const p of table) {
    const list = children.get(p.ppid);
    if (list) list.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  const found = new Set<number>();
  const queue = roots.filter((p) => table.some((t) => t.pid === p));
  for (const p of queue) found.add(p);
  while (queue.length > 0) {
    const next = queue.pop() as number;
    for (const child of children.get(next) ?? []) {
      if (found.has(child)) continue;
      found.add(child);
      queue.push(child);
    }
  }
  return found;
}

/** Alive and, where we can tell, the same process as when we first saw it (not a reused pid). */
function stillSame(pid: number, start: string | null): boolean {
  if (!isAlive(pid)) return false;
  if (start === null || process.platform !== 'linux') return true;
  return readStat(pid)?.start === start;
}

function trySignal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // ESRCH: already gone. EPERM: not ours to stop (it left our user); nothing more we can do.
  }
}

interface Stat {
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  start: string;
}

/** Fields of /proc/<pid>/stat (proc(5)); the command name may contain spaces and parentheses. */
function parseStat(text: string): Stat | null {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ": state(3) ppid(4) pgrp(5) session(6) … starttime(22).
  const [state, ppid, pgid, sid] = fields;
  const start = fields[19];
  if (state === undefined || ppid === undefined || pgid === undefined || sid === undefined || start === undefined) return null;
  return { state, ppid: Number(ppid), pgid: Number(pgid), sid: Number(sid), start };
}

function readStat(pid: number): Stat | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** /proc/<pid>/stat files open at once while reading the table. */
const TABLE_READERS = 32;

async function readLinuxProcessTable(): Promise<ProcessInfo[]> {
  const names = (await readdir('/proc')).filter((n) => /^\d+$/.test(n));
  const rows: (ProcessInfo | null)[] = [];
  let next = 0;
  const reader = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next++] as string;
      try {
        const stat = parseStat(await readFile(`/proc/${name}/stat`, 'utf8'));
        rows.push(stat && stat.state !== 'Z' ? { pid: Number(name), ppid: stat.ppid, pgid: stat.pgid, sid: stat.sid, start: stat.start } : null);
      } catch {
        rows.push(null); // exited while we were reading
      }
    }
  };
  await Promise.all(Array.from({ length: TABLE_READERS }, reader));
  return rows.filter((r): r is ProcessInfo => r !== null);
}

let reading: Promise<ProcessInfo[]> | null = null;
let queued: Promise<ProcessInfo[]> | null = null;

/**
 * One read of the table at a time, and at most TABLE_READERS files open for it. Stopping 100
 * agents at once (app quit, stopAll) asks for the table ~200 times together; each read used to
 * open a file per process on the machine at once — 200 × ~1,400 files — and the process ran out
 * of file descriptors (EMFILE), lost processes from the table (an unreadable one counted as
 * exited), and crashed when a `git` spawn failed for want of a descriptor (bench/agents-scale.ts).
 * A caller never gets a table read before it asked: one that asks during a read waits for the
 * next, which everyone asking meanwhile shares.
 */
function linuxProcessTable(): Promise<ProcessInfo[]> {
  const start = (): Promise<ProcessInfo[]> => {
    const read = readLinuxProcessTable().finally(() => {
      if (reading === read) reading = null;
    });
    reading = read;
    return read;
  };
  if (reading === null) return start();
  queued ??= reading
    .catch(() => undefined)
    .then(() => {
      queued = null;
      return start();
    });
  return queued;
}

async function psProcessTable(): Promise<ProcessInfo[]> {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat='], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, out) => (err ? reject(err) : resolve(out)));
  });
  const rows: ProcessInfo[] = [];
  for (const line of stdout.split('\n')) {
    const [pid, ppid, pgid, state] = line.trim().split(/\s+/);
    if (!pid || !ppid || !pgid || !state || state.startsWith('Z')) continue;
    rows.push({ pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), sid: null, start: null });
  }
  return rows;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
