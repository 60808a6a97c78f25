// Lock-soak worker (tests/helpers/lock-soak.ts starts 8 of them and SIGKILLs them at random): one
// session doing random tryAcquire / acquire / release / releaseAll through the real FileLocks, with
// a LockWitness (tests/helpers/lock-witness.ts) proving exclusivity independently of the locks.
//
// argv: <repo> <sessionId> <witnessDir> <ops> <comma-separated paths> <lock|no-lock> <maxPauseMs> <wait-go|now>
//   no-lock: the checker's control run; "acquiring" always succeeds without the lock manager, so
//   two owners at once happen and the witness must see them.
//   A restarted worker (its predecessor was SIGKILLed) first adopts what its session still holds:
//   the locks survived the process, and so did the session's witnesses.
// stdout: "adopted <n>", "ready", then (after "go" on stdin, with wait-go) one "op <kind>" line per
//   completed operation, "violation …" and "inconsistency …" lines as they happen, and last
//   "RESULT {json}".
import { writeSync } from 'node:fs';
import { Council } from '../../electron/core/council';
import { CouncilError } from '../../electron/core/errors';
import { LockWitness } from '../helpers/lock-witness';
import { say, sleep, waitForLine } from '../helpers/worker-io';

type SoakOpKind = 'acquired' | 'kept' | 'busy' | 'released' | 'release-noop' | 'release-refused' | 'release-all';

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

function parseArgs() {
  const [repo, session, witnessDir, opsText, pathsText, mode, pauseText, start] = process.argv.slice(2);
  if (!repo || !session || !witnessDir || !opsText || !pathsText || (mode !== 'lock' && mode !== 'no-lock') || !pauseText || (start !== 'wait-go' && start !== 'now')) {
    throw new Error('usage: lock-soak <repo> <session> <witnessDir> <ops> <paths> <lock|no-lock> <maxPauseMs> <wait-go|now>');
  }
  return { repo, session, witnessDir, ops: Number(opsText), paths: pathsText.split(','), useLock: mode === 'lock', maxPauseMs: Number(pauseText), waitGo: start === 'wait-go' };
}

async function main(): Promise<void> {
  const args = parseArgs();
  const { repo, session, paths, useLock } = args;
  const council = Council.open(repo);
  const witness = new LockWitness(args.witnessDir);
  /** What this session believes it holds: path → the lock's acquiredAt (to tell a re-take from a new one). */
  const held = new Map<string, string>();
  /** Paths whose witness is this session's (and so may be deleted by us). */
  const mine = new Set<string>();
  const record = { session, pid: process.pid, adopted: 0, ops: 0, violations: 0, inconsistencies: 0 };

  const inconsistent = (what: string): void => {
    record.inconsistencies++;
    say(`inconsistency ${session} ${what}`);
  };

  /** Right after the lock manager said we newly hold `p`. */
  const gotIt = (p: string, acquiredAt: string): void => {
    held.set(p, acquiredAt);
    const claim = witness.claim(p, session);
    if (claim.claimed) {
      mine.add(p);
      return;
    }
    record.violations++;
    const h = claim.holder;
    say(`violation ${session} ${p}: newly acquired while ${h ? `session ${h.session} (pid ${h.pid}, ${isAlive(h.pid) ? 'alive' : 'dead'})` : 'someone'} holds its witness`);
  };

  /** Right before we give `p` back. */
  const lettingGo = (p: string): void => {
    held.delete(p);
    if (mine.delete(p)) witness.drop(p, session);
  };

  // Adopt what the session still holds from a killed predecessor (a fresh session holds nothing).
  const myLocks = useLock ? council.locks.list().filter((l) => l.sessionId === session) : [];
  const myWitnesses = witness.all().filter((w) => w.session === session);
  for (const w of myWitnesses) mine.add(w.path);
  for (const lock of myLocks) {
    held.set(lock.path, lock.acquiredAt);
    if (!mine.has(lock.path)) gotIt(lock.path, lock.acquiredAt); // killed between link() and its witness
  }
  for (const w of myWitnesses) {
    if (!useLock) held.set(w.path, '');
    else if (!held.has(w.path)) inconsistent(`adopt ${w.path}: our witness is there but our lock is gone`);
  }
  record.adopted = held.size;
  say(`adopted ${held.size}`);
  say('ready');
  if (args.waitGo) await waitForLine('go');

  const acquireOp = async (): Promise<SoakOpKind> => {
    const p = pick(paths);
    const had = held.get(p);
    if (!useLock) {
      if (had !== undefined) return 'kept';
      gotIt(p, '');
      return 'acquired';
    }
    let result: { acquired: true; at: string; already: boolean } | { acquired: false; owner: string };
    if (Math.random() < 0.5) {
      const r = await council.locks.tryAcquire(p, session, { cwd: repo });
      result = r.acquired ? { acquired: true, at: r.lock.acquiredAt, already: r.already } : { acquired: false, owner: r.owner.sessionId };
    } else {
      try {
        const lock = await council.locks.acquire(p, session, { cwd: repo, timeoutMs: 5 + Math.floor(Math.random() * 35) });
        // acquire() does not say "already"; a re-take returns the lock as it was taken.
        result = { acquired: true, at: lock.acquiredAt, already: had !== undefined && lock.acquiredAt === had };
      } catch (err) {
        if (!(err instanceof CouncilError) || err.code !== 'lock-busy') throw err;
        result = { acquired: false, owner: String(err.details?.owner) };
      }
    }
    if (!result.acquired) {
      if (had !== undefined) inconsistent(`acquire ${p}: refused (owner ${result.owner}) though we hold it`);
      return 'busy';
    }
    if (result.already) {
      if (had === undefined) inconsistent(`acquire ${p}: already ours though we do not hold it`);
      return 'kept';
    }
    if (had !== undefined) inconsistent(`acquire ${p}: newly acquired though we held it (our lock was lost)`);
    gotIt(p, result.at);
    return 'acquired';
  };

  const releaseOp = async (): Promise<SoakOpKind> => {
    const ours = [...held.keys()];
    const p = ours.length > 0 && Math.random() < 0.8 ? pick(ours) : pick(paths);
    const hadIt = held.has(p);
    if (hadIt) lettingGo(p);
    if (!useLock) return hadIt ? 'released' : 'release-noop';
    try {
      const result = await council.locks.release(p, session, { cwd: repo });
      if (hadIt && !result.released) inconsistent(`release ${p}: was not locked though we held it`);
      if (!hadIt && result.released) inconsistent(`release ${p}: released a lock we did not hold`);
      return result.released ? 'released' : 'release-noop';
    } catch (err) {
      if (!(err instanceof CouncilError) || err.code !== 'conflict') throw err;
      if (hadIt) inconsistent(`release ${p}: refused though we held it`);
      return 'release-refused';
    }
  };

  const releaseAllOp = async (): Promise<SoakOpKind> => {
    const ours = [...held.keys()].sort();
    for (const p of ours) lettingGo(p);
    if (useLock) {
      const released = await council.locks.releaseAll(session);
      if (JSON.stringify(released) !== JSON.stringify(ours)) inconsistent(`releaseAll: released ${JSON.stringify(released)}, we held ${JSON.stringify(ours)}`);
    }
    return 'release-all';
  };

  for (let i = 0; i < args.ops; i++) {
    const r = Math.random();
    const kind = await (r < 0.55 ? acquireOp() : r < 0.9 ? releaseOp() : releaseAllOp());
    record.ops++;
    say(`op ${kind}`);
    await sleep(Math.random() * args.maxPauseMs);
  }
  await releaseAllOp();
  say(`RESULT ${JSON.stringify(record)}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    writeSync(2, `lock-soak failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
