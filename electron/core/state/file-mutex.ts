import { closeSync, fstatSync, linkSync, mkdirSync, openSync, renameSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { CouncilError } from '../errors';

/**
 * The short cross-process mutex every shared JSON file is changed under (the registry, the queue,
 * contexts, settings, runs) and every lock release runs under (the per-session mutex of
 * FileLocks): a FILE `<name>.mutex`, created with O_CREAT|O_EXCL (atomic, across processes, on
 * every OS and on NFSv3+), removed when the synchronous critical section ends.
 *
 * Not proper-lockfile's folder (`mkdir`, a modification-time probe with `utimes` + `stat`, a refresh
 * timer, `rmdir`): on ext4 a `mkdir` + `rmdir` pair costs ~0.12 ms against ~0.02 ms for a file's
 * create + remove, and the lock hot path (acquire + release, p50 target 0.5 ms under load) paid it
 * on every release — a third of its time, and more when other work keeps the disk's journal busy.
 * The refresh timer bought nothing here: a synchronous section cannot be interrupted by a timer,
 * so it never ran while a mutex was held.
 *
 * A holder that died (SIGKILL, power) leaves its file behind; whoever finds one older than
 * MUTEX_STALE_MS takes it over. The take-over renames the file aside first and checks that it
 * renamed the very file it found stale (same inode and time), so two waiters reclaiming one dead holder's
 * mutex cannot remove each other's fresh one. A folder left by a process of an older version
 * (proper-lockfile's format) is honoured the same way: busy while fresh, removed once stale.
 */

/** A holder whose mutex is older than this (killed, or frozen) loses it. */
export const MUTEX_STALE_MS = 3000;
/** How long a caller waits for a busy mutex before giving up with `lock-busy`. */
export const MUTEX_WAIT_MS = 15_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let asideCounter = 0;

/** Which file a mutex is: inode and modification time (an inode number alone is reused at once). */
type Identity = string;
const identity = (st: { ino: number; mtimeMs: number }): Identity => `${st.ino}:${st.mtimeMs}`;

/** The mutex file's identity once taken; null when it exists already (busy). */
function tryTake(mutex: string): Identity | null {
  let fd: number;
  try {
    fd = openSync(mutex, 'wx', 0o644);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return null;
    if (code !== 'ENOENT') throw err;
    mkdirSync(path.dirname(mutex), { recursive: true });
    return tryTake(mutex);
  }
  try {
    return identity(fstatSync(fd));
  } finally {
    closeSync(fd);
  }
}

function removeEntry(p: string): void {
  try {
    unlinkSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code !== 'EISDIR' && code !== 'EPERM') throw err;
    rmdirSync(p); // an older version's mutex folder
  }
}

/**
 * Removes `mutex` when it is older than MUTEX_STALE_MS (its holder is gone). Returns whether the
 * caller should try to take it again at once.
 */
function reclaimIfStale(mutex: string): boolean {
  let found;
  try {
    found = statSync(mutex);
  } catch {
    return true; // released meanwhile
  }
  if (Date.now() - found.mtimeMs <= MUTEX_STALE_MS) return false;
  const aside = `${mutex}.stale.${process.pid}.${++asideCounter}`;
  try {
    renameSync(mutex, aside);
  } catch {
    return true; // someone else reclaimed it first
  }
  const moved = statSync(aside);
  if (identity(moved) !== identity(found) && moved.isFile()) {
    // Between our stat and our rename the stale one was replaced by a fresh holder's: put it back
    // (unless yet another process took the name meanwhile, which only its own staleness can end).
    try {
      linkSync(aside, mutex);
    } catch {
      // taken again meanwhile
    }
  }
  removeEntry(aside);
  return true;
}

/** Gives up the mutex we hold, unless it was taken over meanwhile (we stalled past MUTEX_STALE_MS). */
function release(mutex: string, mine: Identity): void {
  try {
    if (identity(statSync(mutex)) !== mine) return;
    unlinkSync(mutex);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Runs the synchronous `fn` while holding the cross-process mutex named by `file` (the file
 * `file + '.mutex'`). Waits with short, growing, jittered pauses while another process holds it.
 */
export async function withMutex<T>(file: string, fn: () => T): Promise<T> {
  const mutex = `${file}.mutex`;
  const deadline = Date.now() + MUTEX_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    const mine = tryTake(mutex);
    if (mine === null) {
      if (reclaimIfStale(mutex)) continue;
      if (Date.now() > deadline) {
        throw new CouncilError('lock-busy', `${path.basename(file)} has been busy for ${MUTEX_WAIT_MS / 1000} s; another process holds its mutex (${mutex})`);
      }
      await sleep(Math.min(1 + attempt, 20) * (0.5 + Math.random()));
      continue;
    }
    try {
      return fn();
    } finally {
      release(mutex, mine);
    }
  }
}
