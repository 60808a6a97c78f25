// Cross-process test worker: one session hammering a few paths with a random mix of tryAcquire,
// acquire (short timeout), release and releaseAll, while checking mutual exclusion with marker files
// that do not depend on the lock implementation at all.
//
// argv: <repo> <sessionId> <markersDir> <iterations> <comma-separated paths> <lock|no-lock>
//   no-lock: the checker's control run; "acquiring" always succeeds, so two owners at once happen
//   and the checker must see them.
// stdout: "ready", then (after "go" on stdin) "violation …" lines, and one last line
//   "RESULT {json}" with this worker's record.
import { createHash } from 'node:crypto';
import { openSync, closeSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { say, sleep, waitForLine } from '../helpers/worker-io';
import { Council } from '../../electron/core/council';
import { CouncilError } from '../../electron/core/errors';



const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

async function main(): Promise<void> {
  const [repo, sessionId, markersDir, iterationsText, pathsText, mode] = process.argv.slice(2);
  if (!repo || !sessionId || !markersDir || !iterationsText || !pathsText || (mode !== 'lock' && mode !== 'no-lock')) {
    throw new Error('usage: lock-hammer <repo> <sessionId> <markersDir> <iterations> <paths> <lock|no-lock>');
  }
  const iterations = Number(iterationsText);
  const paths = pathsText.split(',');
  const useLock = mode === 'lock';
  const council = Council.open(repo);

  const record = { sessionId, pid: process.pid, ops: 0, acquired: 0, busy: 0, violations: 0, inconsistencies: 0 };
  /** Paths this worker believes it holds. */
  const held = new Set<string>();
  /** Markers this worker created (and so may delete): never someone else's. */
  const myMarkers = new Set<string>();
  const markerOf = (p: string): string => path.join(markersDir, createHash('sha1').update(p).digest('hex'));

  const inconsistent = (what: string): void => {
    record.inconsistencies++;
    say(`inconsistency ${sessionId} ${what}`);
  };

  /** Right after we believe we newly acquired `p`. */
  const gotIt = (p: string): void => {
    record.acquired++;
    held.add(p);
    const marker = markerOf(p);
    try {
      closeSync(openSync(marker, 'wx'));
      myMarkers.add(marker);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      record.violations++;
      say(`violation ${sessionId} ${p}: another owner's marker exists`);
    }
  };

  /** Right before we release `p`. */
  const lettingGo = (p: string): void => {
    held.delete(p);
    const marker = markerOf(p);
    if (myMarkers.delete(marker)) unlinkSync(marker);
  };

  const expectedFailure = (err: unknown, ...codes: string[]): boolean => err instanceof CouncilError && codes.includes(err.code);

  say('ready');
  await waitForLine('go');

  for (let i = 0; i < iterations; i++) {
    record.ops++;
    const r = Math.random();
    if (r < 0.3) {
      // tryAcquire
      const p = pick(paths);
      if (!useLock) {
        if (!held.has(p)) gotIt(p);
      } else {
        const result = await council.locks.tryAcquire(p, sessionId, { cwd: repo });
        if (!result.acquired) {
          record.busy++;
          if (held.has(p)) inconsistent(`tryAcquire ${p}: refused (owner ${result.owner.sessionId}) though we hold it`);
        } else if (result.already) {
          if (!held.has(p)) inconsistent(`tryAcquire ${p}: already ours though we released it`);
        } else {
          if (held.has(p)) inconsistent(`tryAcquire ${p}: newly acquired though we already held it`);
          gotIt(p);
        }
      }
    } else if (r < 0.6) {
      // acquire, waiting a little
      const p = pick(paths);
      if (!useLock) {
        if (!held.has(p)) gotIt(p);
      } else {
        const hadIt = held.has(p);
        try {
          await council.locks.acquire(p, sessionId, { cwd: repo, timeoutMs: 5 + Math.floor(Math.random() * 35) });
          // Re-taking our own lock succeeds without a new acquisition: no second marker.
          if (!hadIt) gotIt(p);
        } catch (err) {
          if (!expectedFailure(err, 'lock-busy')) throw err;
          record.busy++;
          if (hadIt) inconsistent(`acquire ${p}: busy though we hold it`);
        }
      }
    } else if (r < 0.9) {
      // release: mostly something we hold, sometimes any path
      const mine = [...held];
      const p = mine.length > 0 && Math.random() < 0.8 ? pick(mine) : pick(paths);
      const hadIt = held.has(p);
      if (hadIt) lettingGo(p);
      if (useLock) {
        try {
          const result = await council.locks.release(p, sessionId, { cwd: repo });
          if (hadIt && !result.released) inconsistent(`release ${p}: was not locked though we held it`);
          if (!hadIt && result.released) inconsistent(`release ${p}: released a lock we did not hold`);
        } catch (err) {
          // Releasing another session's lock is refused; only legitimate when it is not ours.
          if (!expectedFailure(err, 'conflict')) throw err;
          if (hadIt) inconsistent(`release ${p}: refused though we held it`);
        }
      }
    } else {
      // releaseAll
      const mine = [...held].sort();
      for (const p of mine) lettingGo(p);
      if (useLock) {
        const released = await council.locks.releaseAll(sessionId);
        if (JSON.stringify(released) !== JSON.stringify(mine)) {
          inconsistent(`releaseAll: released ${JSON.stringify(released)}, we held ${JSON.stringify(mine)}`);
        }
      }
    }
    // Let the other processes in between operations, as real agents would.
    await sleep(Math.random() < 0.5 ? 0 : 1);
  }

  for (const p of [...held]) lettingGo(p);
  if (useLock) await council.locks.releaseAll(sessionId);
  say(`RESULT ${JSON.stringify(record)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    writeSync(2, `lock-hammer failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
