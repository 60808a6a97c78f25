import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * What the process playing "main" costs, read from the process itself (Linux /proc where Node has
 * no API): RSS sampled over time, its peak as the kernel kept it, and CPU over a window — its own,
 * and that of the children it reaped meanwhile (the radar's and stats' git processes).
 */

export const MB = 1024 * 1024;

export interface RssSample {
  at: number;
  rss: number;
}

export interface FdSample {
  at: number;
  fds: number;
}

export interface Sampler {
  samples: RssSample[];
  fds: FdSample[];
  /** Samples that could not be taken (EMFILE: no file descriptor left to read /proc with). */
  failed: number;
  between(from: number, to: number): number[];
  fdsBetween(from: number, to: number): number[];
  stop(): void;
}

/**
 * Every `everyMs`: process.memoryUsage.rss() and the number of open file descriptors, with the time
 * of each sample (performance.now()). Reading either opens a /proc file, which fails while the
 * process is out of descriptors: such a sample is counted as failed, not thrown.
 */
export function rssSampler(everyMs = 100): Sampler {
  const samples: RssSample[] = [];
  const fds: FdSample[] = [];
  let failed = 0;
  const take = (): void => {
    const at = performance.now();
    try {
      samples.push({ at, rss: process.memoryUsage.rss() });
      if (process.platform === 'linux') fds.push({ at, fds: readdirSync('/proc/self/fd').length });
    } catch {
      failed++;
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  timer.unref();
  return {
    samples,
    fds,
    get failed() {
      return failed;
    },
    between: (from, to) => samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.rss),
    fdsBetween: (from, to) => fds.filter((s) => s.at >= from && s.at <= to).map((s) => s.fds),
    stop: () => clearInterval(timer),
  };
}

/** The soft limit on open file descriptors (RLIMIT_NOFILE), from /proc/self/limits; null off Linux. */
export function fdLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line ? Number.parseInt(line.slice('Max open files'.length).trim().split(/\s+/)[0] ?? '', 10) : Number.NaN;
    return Number.isFinite(soft) ? soft : null;
  } catch {
    return null;
  }
}

/** The most RSS this process ever had (VmHWM, bytes): a peak no sampling interval can miss. null off Linux. */
export function peakRss(): number | null {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:'));
    const kb = line ? Number.parseInt(line.replace(/\D+/g, ''), 10) : Number.NaN;
    return Number.isFinite(kb) ? kb * 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time (ms) of children this process has waited for (cutime + cstime of /proc/self/stat). */
function reapedChildrenMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command (which may hold spaces) start at field 3; cutime and cstime are 16 and 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[13]) + Number(fields[14]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on every Linux Node supports
  } catch {
    return null;
  }
}

/** Busy and total jiffies of the whole machine (/proc/stat), for how loaded it was meanwhile. */
function machineTicks(): { busy: number; total: number } | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const total = cpu.reduce((a, b) => a + b, 0);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

export interface CpuWindow {
  ms: number;
  /** This process (user + system), % of one core. */
  self: number;
  /** Children reaped during the window (git), % of one core; null off Linux. */
  children: number | null;
  /** The whole machine's busy share, % of all its cores (others' work included); null off Linux. */
  machine: number | null;
}

/** Where the CPU counters stood at a moment, for cpuSince. */
export interface CpuMark {
  wall: number;
  usage: NodeJS.CpuUsage;
  children: number | null;
  machine: ReturnType<typeof machineTicks>;
}

export function cpuMark(): CpuMark {
  return { wall: performance.now(), usage: process.cpuUsage(), children: reapedChildrenMs(), machine: machineTicks() };
}

/** CPU from `mark` until now. */
export function cpuSince(mark: CpuMark): CpuWindow {
  const used = process.cpuUsage(mark.usage);
  const wall = performance.now() - mark.wall;
  const children1 = reapedChildrenMs();
  const machine1 = machineTicks();
  const machine0 = mark.machine;
  return {
    ms: wall,
    self: ((used.user + used.system) / 1000 / wall) * 100,
    children: mark.children === null || children1 === null ? null : ((children1 - mark.children) / wall) * 100,
    machine: machine0 && machine1 ? ((machine1.busy - machine0.busy) / Math.max(1, machine1.total - machine0.total)) * 100 : null,
  };
}

/** Measures CPU over the window `ms` long that starts now. */
export async function cpuOver(ms: number): Promise<CpuWindow> {
  const mark = cpuMark();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return cpuSince(mark);
}

/** /proc/loadavg's three averages, e.g. "1.93 / 1.40 / 1.22", and the number of cores. */
export const loadNow = (): string => `${os.loadavg().map((l) => l.toFixed(2)).join(' / ')} (${os.cpus().length} cores)`;

export const mb = (bytes: number | null): string => (bytes === null || !Number.isFinite(bytes) ? 'n/a' : `${(bytes / MB).toFixed(0)} MB`);
export const pct = (x: number | null): string => (x === null || !Number.isFinite(x) ? 'n/a' : `${x.toFixed(1)} %`);

/**
 * How late this process's event loop ran (everything the main process answers — HTTP, the event
 * socket, watcher events — waits behind a busy loop): p99 and max since the last `take()`, ms.
 */
export function loopDelay(): { take(): { p99: number; max: number } } {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    take() {
      const out = { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 };
      histogram.reset();
      return out;
    },
  };
}
