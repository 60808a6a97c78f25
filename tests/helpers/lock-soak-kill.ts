import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { sleep } from './worker-io';

/**
 * How the lock soak SIGKILLs a worker. A random moment rarely lands inside one of the core's
 * mutexes (they are held for a fraction of a millisecond, synchronously), so half the kills are
 * aimed: the worker is frozen (SIGSTOP) at random moments until it is caught with its session's
 * mutex folder present — inside the critical section — and SIGKILLed right there, which leaves
 * that mutex orphaned for certain. POSIX only (SIGSTOP/SIGCONT).
 */

export interface KillSent {
  /** When SIGKILL was sent (epoch ms): the moment an orphaned mutex's wait starts. */
  sentAt: number;
  /** Aimed kills: whether the worker was caught inside its mutex (else killed when the aim ran out). */
  caughtInMutex: boolean;
}

const alive = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

/** SIGKILL now; null when the process had already exited. */
export function killNow(child: ChildProcess): KillSent | null {
  if (!alive(child)) return null;
  const sentAt = Date.now();
  child.kill('SIGKILL');
  return { sentAt, caughtInMutex: false };
}

/** SIGKILL while the process is inside the mutex `mutexDir` (only it may take that mutex). */
export async function killInsideMutex(child: ChildProcess, mutexDir: string, aimMs: number): Promise<KillSent | null> {
  const deadline = Date.now() + aimMs;
  while (alive(child)) {
    if (Date.now() > deadline) return killNow(child);
    child.kill('SIGSTOP');
    // Long enough for the stop to land on the other core; a frozen process cannot leave the mutex.
    await sleep(1);
    if (existsSync(mutexDir)) {
      const sentAt = Date.now();
      child.kill('SIGKILL');
      return { sentAt, caughtInMutex: true };
    }
    child.kill('SIGCONT');
    await sleep(Math.random() * 3);
  }
  return null;
}
