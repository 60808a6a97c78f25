import { existsSync } from 'node:fs';
import path from 'node:path';
import { Council } from '../../electron/core/council';
import { killInsideMutex, killNow, type KillSent } from './lock-soak-kill';
import { finalChecks, type FinalChecks } from './lock-soak-final';
import { LockWitness } from './lock-witness';
import { makeRepo, tempDir } from './repo';
import { sleep } from './worker-io';
import { startWorker, type RunningWorker } from './workers';

/**
 * The lock soak (issue 6, item 2): N worker processes, each one session doing random acquire /
 * release / release-all on 20 paths through the real FileLocks, while this driver SIGKILLs random
 * workers at random moments and starts them again. The workers' LockWitness records any moment
 * with two owners; the driver measures, for every mutex a kill left orphaned, how long until
 * another process got through it, and checks at the end that nothing is wedged or left behind.
 *
 * The project's model of a dead owner (file-locks.ts): a lock belongs to a session, not to a
 * process, so a killed worker's locks stay its session's, and a lock becomes an orphan (taken over
 * by whoever asks for it) only once its session is gone from the registry. So after a kill the
 * replacement worker either
 * - resumes the same session and adopts its locks (half the kills),
 * - or works as a new session, the old one having been removed properly (`removeSession`, which
 *   releases its locks through its maybe-orphaned mutex; a quarter of the kills),
 * - or works as a new session, the old one having vanished from the registry with its locks still
 *   on disk: orphans, which the other workers take over (through that session's mutex) when they
 *   ask for those paths (a quarter).
 */

export interface LockSoakOptions {
  procs: number;
  /** Operations per process (a restarted worker does what its predecessor had left). */
  ops: number;
  kills: number;
  /** Longest random pause between two operations of a worker. */
  maxPauseMs: number;
  /** Random gap before each kill, [min, max]. */
  killGapMs: readonly [number, number];
  /** How long an aimed kill may wait to catch its worker inside its mutex. */
  aimMs?: number;
  /** no-lock: the checker's control run, "acquire" bypasses the lock manager. */
  mode?: 'lock' | 'no-lock';
  log?: (line: string) => void;
}

export type KillOutcome = 'resumed' | 'removed' | 'vanished';

export interface KillRecord {
  slot: number;
  session: string;
  aimed: boolean;
  caughtInMutex: boolean;
  /** Its session's mutex folder was still there once the process was dead. */
  orphanedMutex: boolean;
  /** Locks its session still held after the kill (they outlive the process). */
  locksHeld: number;
  outcome: KillOutcome;
  /** SIGKILL → another process through the orphaned mutex; null when none was orphaned. */
  reclaimMs: number | null;
}

export interface LockSoakReport {
  procs: number;
  opsPerProc: number;
  opsDone: number;
  opCounts: Record<string, number>;
  kills: KillRecord[];
  violations: string[];
  inconsistencies: string[];
  /** Workers that failed (not by our SIGKILL), and probes that never got through. */
  crashes: string[];
  /** From "go" until the last worker finished. */
  wallMs: number;
  final: FinalChecks;
  dirs: { repo: string; witness: string };
}

/** The 20 paths the workers fight over. */
export const SOAK_PATHS = Array.from({ length: 20 }, (_, i) => `src/file-${String(i + 1).padStart(2, '0')}.ts`);
/** Never locked by anyone: releasing it is a no-op that still goes through the session's mutex. */
export const PROBE_PATH = 'soak-probe/never-locked.txt';

interface SoakWorker {
  run: RunningWorker;
  opsDone: number;
  ready: boolean;
  result: boolean;
}

interface KillPlan {
  aimed: boolean;
  outcome: KillOutcome;
  /** When SIGKILL went out; null while aiming, or when the worker finished first. */
  sent: KillSent | null;
}

/** Kill n: even ones aimed inside a mutex, odd ones anywhere; sessions resumed, removed, resumed, vanished. */
const planFor = (n: number): KillPlan => ({ aimed: n % 2 === 0, outcome: (['resumed', 'removed', 'resumed', 'vanished'] as const)[n % 4] ?? 'resumed', sent: null });

interface Slot {
  index: number;
  session: string;
  opsDone: number;
  worker: SoakWorker;
  finished: boolean;
  /** Set while this slot's worker is being killed: the kill's plan, then when SIGKILL went out. */
  killing: KillPlan | null;
  /**
   * Its last kill orphaned a mutex not yet reclaimed. No new kill meanwhile: that folder would be
   * taken for the new worker's, and one orphan counted twice.
   */
  orphanPending: boolean;
}

export async function runLockSoak(options: LockSoakOptions): Promise<LockSoakReport> {
  const log = options.log ?? (() => undefined);
  const mode = options.mode ?? 'lock';
  const repo = makeRepo(Object.fromEntries(SOAK_PATHS.map((p) => [p, `// ${p}\n`]))).root;
  const council = Council.open(repo);
  const witness = new LockWitness(tempDir('council-soak-witness-'));
  const mutexDir = (session: string): string => path.join(council.locks.dir, `session-${session}.mutex`);
  /** What the run gathers as it goes. */
  const report: Pick<LockSoakReport, 'opCounts' | 'kills' | 'violations' | 'inconsistencies' | 'crashes'> = {
    opCounts: {},
    kills: [],
    violations: [],
    inconsistencies: [],
    crashes: [],
  };
  const probes: Promise<void>[] = [];

  const spawn = (session: string, ops: number, start: 'wait-go' | 'now'): SoakWorker => {
    const args = [repo, session, witness.dir, String(ops), SOAK_PATHS.join(','), mode, String(options.maxPauseMs), start];
    const w: SoakWorker = { run: startWorker('lock-soak', args), opsDone: 0, ready: false, result: false };
    onLines(w.run, (line) => {
      if (line.startsWith('op ')) {
        w.opsDone++;
        const kind = line.slice(3);
        report.opCounts[kind] = (report.opCounts[kind] ?? 0) + 1;
      } else if (line === 'ready') w.ready = true;
      else if (line.startsWith('violation ')) report.violations.push(line);
      else if (line.startsWith('inconsistency ')) report.inconsistencies.push(line);
      else if (line.startsWith('RESULT ')) w.result = true;
    });
    return w;
  };

  log(`creating ${options.procs} sessions`);
  const sessions = await council.createSessions({ task: 'lock soak', count: options.procs });
  const slots: Slot[] = sessions.map((s, index) => ({ index, session: s.id, opsDone: 0, worker: spawn(s.id, options.ops, 'wait-go'), finished: false, killing: null, orphanPending: false }));
  await Promise.all(slots.map((s) => s.worker.run.waitFor('ready', 60_000)));
  const started = Date.now();
  for (const s of slots) s.worker.run.child.stdin?.write('go\n');
  log(`${options.procs} workers × ${options.ops} ops started`);

  /** A SIGKILLed worker: what it left behind, then its replacement (same session or a new one). */
  const afterKill = async (slot: Slot, plan: KillPlan, sent: KillSent): Promise<void> => {
    const session = slot.session;
    const record: KillRecord = {
      slot: slot.index,
      session,
      aimed: plan.aimed,
      caughtInMutex: sent.caughtInMutex,
      orphanedMutex: existsSync(mutexDir(session)),
      locksHeld: council.locks.list().filter((l) => l.sessionId === session).length,
      outcome: plan.outcome,
      reclaimMs: null,
    };
    report.kills.push(record);
    log(`kill ${report.kills.length}: slot ${slot.index} (session ${session}, ${plan.aimed ? 'aimed' : 'random'}), ${record.locksHeld} locks held, mutex ${record.orphanedMutex ? 'ORPHANED' : 'free'}, ${record.outcome}`);
    if (record.orphanedMutex) {
      // Another process (this one) needs that mutex at once: release() of a path nobody locks is a
      // no-op, but only after it got through the session's mutex.
      const probe = council.locks.release(PROBE_PATH, session, { cwd: repo });
      slot.orphanPending = true;
      probes.push(
        probe.finally(() => (slot.orphanPending = false)).then(
          () => {
            record.reclaimMs = Date.now() - sent.sentAt;
            log(`orphaned mutex of session ${session} reclaimed ${record.reclaimMs} ms after the SIGKILL`);
          },
          (err: unknown) => {
            record.reclaimMs = Number.POSITIVE_INFINITY;
            report.crashes.push(`probe of session ${session}'s orphaned mutex failed: ${String(err)}`);
          },
        ),
      );
    }
    if (plan.outcome !== 'resumed') slot.session = await replaceSession(council, witness, session, plan.outcome, slot.index);
  };

  const supervise = async (slot: Slot): Promise<void> => {
    for (;;) {
      const w = slot.worker;
      const exit = await w.run.done;
      slot.opsDone += w.opsDone;
      const sent = slot.killing?.sent;
      if (exit.signal === 'SIGKILL' && slot.killing && sent) {
        try {
          await afterKill(slot, slot.killing, sent);
        } catch (err) {
          report.crashes.push(`replacing slot ${slot.index}'s worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
          slot.finished = true;
          return;
        }
        slot.killing = null;
        slot.worker = spawn(slot.session, options.ops - slot.opsDone, 'now');
        continue;
      }
      slot.killing = null;
      slot.finished = true;
      if (exit.code !== 0 || !w.result) report.crashes.push(`slot ${slot.index} (session ${slot.session}) exited ${exit.code ?? exit.signal}: ${exit.stderr.trim()}`);
      return;
    }
  };

  const killLoop = async (): Promise<void> => {
    const inFlight: Promise<void>[] = [];
    let planned = 0;
    while (planned < options.kills && !slots.every((s) => s.finished)) {
      const [min, max] = options.killGapMs;
      await sleep(min + Math.random() * (max - min));
      const candidates = slots.filter((s) => !s.finished && !s.killing && !s.orphanPending && s.worker.ready);
      const slot = candidates[Math.floor(Math.random() * candidates.length)];
      if (!slot) continue;
      const plan = planFor(planned++);
      slot.killing = plan;
      const child = slot.worker.run.child;
      const kill = plan.aimed ? killInsideMutex(child, mutexDir(slot.session), options.aimMs ?? 8000) : Promise.resolve(killNow(child));
      inFlight.push(
        kill.then((sent) => {
          plan.sent = sent;
          if (!sent) planned--; // it had finished first: that kill did not happen
        }),
      );
    }
    await Promise.all(inFlight);
  };

  await Promise.all([killLoop(), ...slots.map(supervise)]);
  const wallMs = Date.now() - started;
  await Promise.all(probes);
  log(`workers done in ${wallMs} ms; final checks`);
  const final = await finalChecks({ council, repo, witness, sessions: slots.map((s) => s.session), paths: SOAK_PATHS, probePath: PROBE_PATH });
  return {
    ...report,
    procs: options.procs,
    opsPerProc: options.ops,
    opsDone: slots.reduce((n, s) => n + s.opsDone, 0),
    wallMs,
    final,
    dirs: { repo, witness: witness.dir },
  };
}

/**
 * A dead worker's session goes, removed properly or vanished from the registry (its locks left as
 * orphans); returns the new session its replacement works as. Its supervisor first gives up its
 * witnesses: from now on those paths are not its own (a witness always means a held lock).
 */
async function replaceSession(council: Council, witness: LockWitness, session: string, how: 'removed' | 'vanished', slot: number): Promise<string> {
  witness.dropSession(session);
  if (how === 'removed') {
    await council.removeSession(session, { force: true });
  } else {
    await council.ws.registry.update((file) => {
      const sessions = { ...file.sessions };
      delete sessions[session];
      return { next: { ...file, sessions }, result: undefined };
    });
  }
  const [fresh] = await council.createSessions({ task: `lock soak, slot ${slot}`, count: 1 });
  if (!fresh) throw new Error('no session created');
  return fresh.id;
}

/** Calls `onLine` for every complete stdout line of a worker. */
function onLines(run: RunningWorker, onLine: (line: string) => void): void {
  let rest = '';
  run.child.stdout?.on('data', (d: Buffer) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
}
