import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { FileLock } from '../../shared/models';
import type { Council } from '../../electron/core/council';
import type { LockWitness } from './lock-witness';

/**
 * The lock soak's end state, taken once every worker has finished: nothing wedged, nothing left
 * behind. In the project's model the owner of a lock is a session, and a lock whose session is
 * gone is an orphan (file-locks.ts); so "no dead owner" means every session in the registry is one
 * the soak still runs, ready, and no lock record — live or orphaned — is left.
 */
export interface FinalChecks {
  /** Sessions in the registry that are not the soak's current ones, or not `ready`. */
  registryProblems: string[];
  /**
   * Locks of sessions that vanished from the registry and that nobody asked for since, dropped as
   * reconcile does (dropOrphans). Not a fault: an orphan is free for anyone who asks.
   */
  orphanLocksDropped: string[];
  /** Locks still held (every worker ended with a release-all), and lock files of any kind after that clean-up. */
  locksLeft: FileLock[];
  lockFilesLeft: number;
  /** proper-lockfile mutex folders anywhere in the shared state: a wedge if any is left. */
  mutexesLeft: string[];
  witnessesLeft: number;
  /** Temp files of lock writes cut short by a SIGKILL (harmless: never read as locks). */
  tempFilesLeft: number;
  /** Slowest release() through one of the soak sessions' mutexes. */
  sessionMutexMaxMs: number;
  /** A new session taking every path at once: the paths it did not get, and how long it took. */
  notAcquired: string[];
  freshAcquireMs: number;
}

export async function finalChecks(input: {
  council: Council;
  repo: string;
  witness: LockWitness;
  sessions: string[];
  paths: string[];
  probePath: string;
}): Promise<FinalChecks> {
  const { council, repo } = input;
  const expected = new Set(input.sessions);
  const registryProblems = council
    .listSessions()
    .filter((s) => !expected.has(s.id) || s.state !== 'ready')
    .map((s) => `${s.id} (${s.state}${expected.has(s.id) ? '' : ', not a soak session'})`);
  for (const id of expected) if (!council.listSessions().some((s) => s.id === id)) registryProblems.push(`${id} (missing)`);

  const orphanLocksDropped = await council.locks.dropOrphans();
  const locksLeft = council.locks.list();
  const lockDirNames = existsSync(council.locks.dir) ? readdirSync(council.locks.dir) : [];
  const lockFilesLeft = lockDirNames.filter((n) => n.endsWith('.json')).length;
  const tempFilesLeft = lockDirNames.filter((n) => n.endsWith('.tmp')).length;
  const mutexesLeft = mutexFolders(council.ws.paths.dir);
  const witnessesLeft = input.witness.count();

  let sessionMutexMaxMs = 0;
  for (const id of input.sessions) {
    const t0 = Date.now();
    await council.locks.release(input.probePath, id, { cwd: repo });
    sessionMutexMaxMs = Math.max(sessionMutexMaxMs, Date.now() - t0);
  }

  const [checker] = await council.createSessions({ task: 'lock soak: final check', count: 1 });
  if (!checker) throw new Error('the checker session was not created');
  const notAcquired: string[] = [];
  const t0 = Date.now();
  for (const p of input.paths) {
    const result = await council.locks.tryAcquire(p, checker.id, { cwd: repo });
    if (!result.acquired) notAcquired.push(`${p} (held by ${result.owner.sessionId})`);
  }
  const freshAcquireMs = Date.now() - t0;
  await council.locks.releaseAll(checker.id);

  return { registryProblems, orphanLocksDropped, locksLeft, lockFilesLeft, mutexesLeft, witnessesLeft, tempFilesLeft, sessionMutexMaxMs, notAcquired, freshAcquireMs };
}

/** Entries named `*.mutex` anywhere under `dir`: the core's short mutexes (state/file-mutex.ts). */
export function mutexFolders(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.name.endsWith('.mutex')) out.push(full);
    else if (entry.isDirectory()) out.push(...mutexFolders(full));
  }
  return out.sort();
}
