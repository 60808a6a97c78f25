import { spawn } from 'node:child_process';
import { checkAfterCrash, type CheckResult } from './crash-checker';
import { LifecycleWorld, OP_KINDS, seededRng, type OpKind, type PlannedOp, type Rng } from './lifecycle-world';
import { workerPath } from './workers';

/**
 * THE LIFECYCLE CRASH LOOP. Each run is one real `council` command (session create, remove,
 * remove --force, cleanup, merge --wait) in a process of its own (tests/workers/cli-op: the CLI's
 * own main()), in a process group of its own. First every kind of command runs to the end a few
 * times, to measure how long it takes; then, run after run, the command is SIGKILLed with its whole
 * process group (the git commands it started die with it) at a random moment within its typical
 * duration, counted from the moment the program has loaded and the command starts. After every
 * run, killed or not, the crash checker (crash-checker.ts) recovers the repository as a restarted
 * app would and proves nothing was lost, wedged or left behind.
 *
 * Which command comes next: the kind with the fewest kills so far among those that make sense
 * (so every kind is killed about as often), its target prepared at random (see lifecycle-world.ts).
 */

export interface LoopOptions {
  /** Stop once this many runs were killed inside their command. */
  kills: number;
  /** Source files in the fixture repository. */
  files?: number;
  /** Uninterrupted runs of each kind before the kills, to measure durations. */
  calibrationRuns?: number;
  /** Share of the runs after calibration that are left to finish (the state moves on). */
  completeShare?: number;
  seed?: number;
  /** Stop at the first run whose check fails (tests); else start over on a fresh repository. */
  stopOnFailure?: boolean;
  log?: (line: string) => void;
}

export interface RunRecord {
  index: number;
  op: OpKind;
  note: string;
  /** Killed inside the command (before it printed its end). */
  killed: boolean;
  /** Delay after the command started at which the kill was sent (null: not meant to be killed). */
  delayMs: number | null;
  /** The kind's typical duration at the time (the median of its runs to the end). */
  typicalMs: number;
  /** How long the command ran (to its end, or to the kill). */
  ranMs: number;
  exit: { code: number | null; signal: string | null };
  violations: string[];
  /** What recovery had to do: reconcile's non-empty fields, queue recovery outcomes, locks reclaimed. */
  recovered: string[];
  checkMs: number;
}

export interface LoopResult {
  seed: number;
  runs: RunRecord[];
  /** Durations of the runs to the end, per kind, in ms. */
  durations: Record<OpKind, number[]>;
  mutexReclaimMs: number[];
  wallMs: number;
  repos: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Started {
  pid: number;
  begun: Promise<number>;
  ended: Promise<number>;
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts one command in a process group of its own; resolves `begun`/`ended` at its markers. */
function startCommand(root: string, args: string[]): Started {
  const child = spawn(process.execPath, [workerPath('cli-op'), '--repo', root, '--json', ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onBegin: (t: number) => void = () => undefined;
  let onEnd: (t: number) => void = () => undefined;
  const begun = new Promise<number>((r) => (onBegin = r));
  const ended = new Promise<number>((r) => (onEnd = r));
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (/^begin \d+$/m.test(stdout)) onBegin(performance.now());
    if (/^end -?\d+$/m.test(stdout)) onEnd(performance.now());
  });
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => {
      const t = performance.now();
      onBegin(t);
      onEnd(t);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { pid: child.pid as number, begun, ended, closed };
}

/** Waits until no process of the group is left (the git commands a killed process had started finish on their own). */
export async function groupGone(pgid: number): Promise<void> {
  for (let waited = 0; waited < 30_000; waited += 20) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await sleep(20);
  }
  throw new Error(`process group ${pgid} still has processes after 30 s`);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : 0;
};

function recoveredActions(check: CheckResult): string[] {
  const out: string[] = [];
  for (const [what, ids] of Object.entries(check.reconcile ?? {})) if ((ids as string[]).length) out.push(`reconcile ${what}`);
  for (const r of check.recovery) out.push(`queue ${r.outcome}`);
  for (const lock of check.reclaim.heldReclaimed) out.push(`took over ${lock}`);
  if (check.reclaim.mutexReclaimMs.length) out.push('took over a mutex');
  if (check.fsckHalfMade.length) out.push('fsck saw a half-made worktree before recovery');
  return out;
}

/** Checks that a run to the end did what the command promises (its exit status). */
function completedViolations(op: PlannedOp, exit: { code: number | null; stdout: string; stderr: string }): string[] {
  // The worker prints "end <status>" once the command returned, just before it exits: a kill that
  // lands between the two (the timer and the marker raced) finds the command's work done, and its
  // status is the marker's.
  const marker = /^end (-?\d+)$/m.exec(exit.stdout);
  const code = exit.code ?? (marker ? Number(marker[1]) : null);
  if (code !== null && op.exitCodes.includes(code)) return [];
  return [`the command ran to its end with exit ${code}, expected ${op.exitCodes.join(' or ')}: ${exit.stdout.slice(-600)} ${exit.stderr.slice(-600)}`];
}

export async function runLifecycleCrashLoop(options: LoopOptions): Promise<LoopResult> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const rng: Rng = seededRng(seed);
  const log = options.log ?? (() => undefined);
  const files = options.files ?? 300;
  const calibration = options.calibrationRuns ?? 2;
  const completeShare = options.completeShare ?? 0.1;
  const started = performance.now();
  const durations = Object.fromEntries(OP_KINDS.map((k) => [k, [] as number[]])) as Record<OpKind, number[]>;
  const kills = Object.fromEntries(OP_KINDS.map((k) => [k, 0])) as Record<OpKind, number>;
  const result: LoopResult = { seed, runs: [], durations, mutexReclaimMs: [], wallMs: 0, repos: [] };
  let world = LifecycleWorld.create(files);
  result.repos.push(world.root);
  const calibrate: OpKind[] = [];
  for (let i = 0; i < calibration; i++) calibrate.push(...OP_KINDS);
  log(`seed ${seed}; repository ${world.root} (${files} files)`);

  while (result.runs.filter((r) => r.killed).length < options.kills) {
    await world.replenish();
    const possible = world.possibleOps();
    let kind: OpKind;
    let toKill: boolean;
    const next = calibrate.findIndex((k) => possible.includes(k));
    if (next !== -1) {
      kind = calibrate.splice(next, 1)[0] as OpKind;
      toKill = false;
    } else {
      const fewest = Math.min(...possible.map((k) => kills[k]));
      const choices = possible.filter((k) => kills[k] === fewest);
      kind = choices[Math.floor(rng() * choices.length)] as OpKind;
      // Not before every kind has been measured.
      toKill = calibrate.length === 0 && rng() >= completeShare;
    }
    const op = await world.plan(kind, rng);
    const typicalMs = median(durations[kind]);
    const delayMs = toKill ? Math.round(rng() * typicalMs) : null;

    const cmd = startCommand(world.root, op.args);
    const begunAt = await cmd.begun;
    let killedAt: number | null = null;
    if (delayMs !== null) {
      const outcome = await Promise.race([cmd.ended.then(() => 'ended' as const), sleep(delayMs).then(() => 'timer' as const)]);
      if (outcome === 'timer') {
        try {
          process.kill(-cmd.pid, 'SIGKILL');
          killedAt = performance.now();
        } catch {
          // it had just exited
        }
      }
    }
    const exit = await cmd.closed;
    const endedAt = await cmd.ended;
    await groupGone(cmd.pid);
    const killed = exit.signal === 'SIGKILL' && !/^end -?\d+$/m.test(exit.stdout);
    if (killed) kills[kind]++;
    else durations[kind].push(endedAt - begunAt);

    const checkStarted = performance.now();
    const check = await checkAfterCrash(world.ledger, { merges: op.merges });
    const violations = [...check.violations, ...(killed ? [] : completedViolations(op, exit))];
    const record: RunRecord = {
      index: result.runs.length + 1,
      op: kind,
      note: op.note,
      killed,
      delayMs,
      typicalMs,
      ranMs: Math.round((killed && killedAt !== null ? killedAt : endedAt) - begunAt),
      exit: { code: exit.code, signal: exit.signal },
      violations,
      recovered: recoveredActions(check),
      checkMs: Math.round(performance.now() - checkStarted),
    };
    result.runs.push(record);
    result.mutexReclaimMs.push(...check.reclaim.mutexReclaimMs);
    log(
      `#${record.index} ${kind} (${op.note}) ${killed ? `killed after ${record.ranMs} ms of ~${Math.round(typicalMs)}` : `ran to the end in ${record.ranMs} ms, exit ${exit.code}`}` +
        `${record.recovered.length ? `; recovery: ${record.recovered.join(', ')}` : ''}; check ${record.checkMs} ms${violations.length ? `\n  FAILED:\n  ${violations.join('\n  ')}` : ''}`,
    );
    if (violations.length) {
      if (options.stopOnFailure) break;
      world = LifecycleWorld.create(files);
      result.repos.push(world.root);
      log(`starting over on a fresh repository ${world.root}`);
    }
  }
  result.wallMs = performance.now() - started;
  return result;
}
