import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchConfig, SummaryRow } from './result';

/**
 * Figures that hold under load (issue 13, item 7): every measurement of the bench runs twice, on
 * the machine as it is ("idle": nothing of the bench's own besides the measurement) and then with
 * a fixed background load the bench starts itself and stops afterwards. The targets are judged on
 * the loaded figures: users' machines are busy running agents.
 *
 * The load: LOAD_PROCESSES node processes, each spinning `for(;;){}` at normal priority (nice 0),
 * started just before the measurement's loaded run and SIGKILLed right after it. On the 2-core
 * machine the bench was written on they keep both cores busy, so the measured process, its git and
 * its baselines (raw git, `node -e 0`, measured in the same run) all compete with them for CPU the
 * way they compete with two busy agents. How much CPU the spinners really got is printed with each
 * loaded table, so a run whose load did not bite can be told from one where it did.
 */

export const LOAD_PROCESSES = 2;
export const LOAD_DESCRIPTION = `${LOAD_PROCESSES} node processes spinning \`for(;;){}\` at normal priority, started by the bench and killed after each loaded run`;

export type Condition = 'idle' | 'loaded';

/** CPU (ms) a process or thread has used so far, from its stat file (`/proc/<pid>/stat`, `/proc/<pid>/task/<tid>/stat`; null off Linux or once it is gone). */
export function cpuMsOfStat(file: string): number | null {
  try {
    const stat = readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, USER_HZ 100
  } catch {
    return null;
  }
}

const cpuMsOf = (pid: number): number | null => cpuMsOfStat(`/proc/${pid}/stat`);

export class BackgroundLoad {
  private readonly startedAt = performance.now();

  private constructor(private readonly children: ChildProcess[]) {}

  /** Starts the spinners and waits until each is running its loop. */
  static async start(processes = LOAD_PROCESSES): Promise<BackgroundLoad> {
    const children = Array.from({ length: processes }, () =>
      spawn(process.execPath, ['-e', 'process.stdout.write("spinning\\n"); for (;;) {}'], { stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    const load = new BackgroundLoad(children);
    process.once('exit', load.killNow);
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve, reject) => {
            child.once('error', reject);
            child.stdout?.once('data', () => resolve());
          }),
      ),
    );
    return load;
  }

  /** The spinners' CPU since they started, as % of one core each (null off Linux). */
  usage(): number[] | null {
    const wall = performance.now() - this.startedAt;
    const used = this.children.map((c) => (c.pid ? cpuMsOf(c.pid) : null));
    if (used.some((u) => u === null)) return null;
    return used.map((u) => ((u as number) / wall) * 100);
  }

  private readonly killNow = (): void => {
    for (const child of this.children) child.kill('SIGKILL');
  };

  async stop(): Promise<number[] | null> {
    const usage = this.usage();
    process.off('exit', this.killNow);
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    return usage;
  }
}

const CONDITION_LABEL: Record<Condition, string> = { idle: 'idle', loaded: `loaded: ${LOAD_PROCESSES} busy processes` };

/** The same config, its tables titled with the condition and its scratch files in a folder of their own. */
function configFor(cfg: BenchConfig, condition: Condition, note: () => string | null): BenchConfig {
  return {
    ...cfg,
    tmp: path.join(cfg.tmp, condition),
    log: (line) => cfg.log(`[${condition}] ${line}`),
    print: (table) => {
      const extra = note();
      const titled = table.replace(/^### (.*)$/m, `### [${CONDITION_LABEL[condition]}] $1`);
      cfg.print(extra ? `${titled.trimEnd()}\n  ${extra}\n` : titled);
    },
  };
}

/**
 * Runs `measure` on the machine as it is, then again under the background load, and pairs the
 * summary rows: each row of the loaded run (judged against its target) carries the idle run's
 * figures beside it. `measure` must give the same rows, in the same order, both times.
 */
export async function idleThenLoaded(cfg: BenchConfig, measure: (cfg: BenchConfig, condition: Condition) => Promise<SummaryRow[]>): Promise<SummaryRow[]> {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(path.join(cfg.tmp, 'idle'), { recursive: true });
  mkdirSync(path.join(cfg.tmp, 'loaded'), { recursive: true });
  const idle = await measure(configFor(cfg, 'idle', () => null), 'idle');
  const load = await BackgroundLoad.start();
  let loaded: SummaryRow[];
  try {
    const note = (): string | null => {
      const usage = load.usage();
      return `background load: ${LOAD_DESCRIPTION}; they got ${usage ? usage.map((u) => `${u.toFixed(0)} %`).join(' and ') : 'n/a'} of a core so far (${os.cpus().length} cores)`;
    };
    loaded = await measure(configFor(cfg, 'loaded', note), 'loaded');
  } finally {
    await load.stop();
  }
  return pairRows(idle, loaded);
}

/** The loaded rows, each with the idle row of the same measurement beside it. */
export function pairRows(idle: readonly SummaryRow[], loaded: readonly SummaryRow[]): SummaryRow[] {
  return loaded.map((row, i) => {
    const before = idle.find((r) => r.measurement === row.measurement) ?? idle[i];
    return before ? { ...row, idle: { ours: before.ours, baseline: before.baseline, value: before.value, pass: before.pass } } : row;
  });
}
