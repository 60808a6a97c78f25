import { summarize } from '../../bench/stats';
import { formatMs, renderTable } from '../../bench/table';
import type { LockSoakReport } from './lock-soak';

/** Issue 6: every orphaned mutex is reclaimed within this long after its holder's SIGKILL. */
export const RECLAIM_BOUND_MS = 5000;
/**
 * At the end, a new session's take of all 20 paths, and a release through each session's mutex,
 * answer within this: well under the 3 s after which a dead holder's mutex goes stale, so no step
 * waited out a wedged one.
 */
export const PROMPT_MS = 2000;

/** Orphan reclaim times (ms), one per kill that left its session's mutex behind. */
export const reclaimTimes = (r: LockSoakReport): number[] => r.kills.filter((k) => k.orphanedMutex).map((k) => k.reclaimMs ?? Number.POSITIVE_INFINITY);

/** Locks a vanished session left that another worker took over: the rest were dropped at the end. */
const orphansTakenOver = (r: LockSoakReport): number =>
  r.kills.filter((k) => k.outcome === 'vanished').reduce((n, k) => n + k.locksHeld, 0) - r.final.orphanLocksDropped.length;

/** Everything that makes the soak fail; empty when it passed. */
export function soakFailures(r: LockSoakReport): string[] {
  const f = r.final;
  const failures = [
    ...r.violations,
    ...r.inconsistencies,
    ...r.crashes,
    ...(r.opsDone === r.procs * r.opsPerProc ? [] : [`${r.opsDone} operations done, ${r.procs * r.opsPerProc} planned`]),
    ...r.kills
      .filter((k) => k.orphanedMutex && !((k.reclaimMs ?? Number.POSITIVE_INFINITY) <= RECLAIM_BOUND_MS))
      .map((k) => `session ${k.session}'s orphaned mutex took ${k.reclaimMs} ms to reclaim (bound ${RECLAIM_BOUND_MS} ms)`),
    ...f.registryProblems.map((p) => `registry: ${p}`),
    ...f.locksLeft.map((l) => `lock left: ${l.path} held by ${l.sessionId}`),
    ...(f.lockFilesLeft > 0 ? [`${f.lockFilesLeft} lock file(s) left`] : []),
    ...f.mutexesLeft.map((m) => `mutex left behind: ${m}`),
    ...(f.witnessesLeft > 0 ? [`${f.witnessesLeft} witness file(s) left`] : []),
    ...f.notAcquired.map((p) => `wedged: a new session could not take ${p}`),
    ...(f.freshAcquireMs > PROMPT_MS ? [`a new session took ${f.freshAcquireMs} ms to take all paths`] : []),
    ...(f.sessionMutexMaxMs > PROMPT_MS ? [`a session mutex took ${f.sessionMutexMaxMs} ms to get through`] : []),
  ];
  return failures;
}

export function soakTable(r: LockSoakReport): string {
  const reclaim = summarize(reclaimTimes(r));
  const aimed = r.kills.filter((k) => k.aimed).length;
  const count = (kind: string): number => r.opCounts[kind] ?? 0;
  const rows: [string, string | number][] = [
    ['processes × operations', `${r.procs} × ${r.opsPerProc}`],
    ['operations done', r.opsDone],
    ['  acquired / kept / busy', `${count('acquired')} / ${count('kept')} / ${count('busy')}`],
    ['  released / no-op / refused / release-all', `${count('released')} / ${count('release-noop')} / ${count('release-refused')} / ${count('release-all')}`],
    ['SIGKILLs (aimed at a mutex / random)', `${r.kills.length} (${aimed} / ${r.kills.length - aimed})`],
    ['  then resumed / session removed / vanished', (['resumed', 'removed', 'vanished'] as const).map((o) => r.kills.filter((k) => k.outcome === o).length).join(' / ')],
    ['  locks held by the killed sessions', r.kills.reduce((n, k) => n + k.locksHeld, 0)],
    ['  orphans (of vanished) taken over / dropped at the end', `${orphansTakenOver(r)} / ${r.final.orphanLocksDropped.length}`],
    ['orphaned mutexes', reclaim.n],
    ['orphan reclaim max / p95', reclaim.n ? `${formatMs(reclaim.max)} / ${formatMs(reclaim.p95)}` : '-'],
    ['violations (two owners at once)', r.violations.length],
    ['inconsistencies (lock ≠ belief)', r.inconsistencies.length],
    ['end: a new session takes all 20 paths', `${r.final.notAcquired.length === 0 ? 'all' : `${20 - r.final.notAcquired.length}/20`} in ${formatMs(r.final.freshAcquireMs)}`],
    ['end: slowest release through a session mutex', formatMs(r.final.sessionMutexMaxMs)],
    ['left behind: locks / mutexes / witnesses', `${r.final.lockFilesLeft} / ${r.final.mutexesLeft.length} / ${r.final.witnessesLeft}`],
    ['  (harmless: lock temp files cut short by a kill)', r.final.tempFilesLeft],
    ['wall time (workers)', formatMs(r.wallMs)],
  ];
  return renderTable('Lock soak', ['figure', 'value'], rows, [
    `orphan reclaim: SIGKILL → another process through the dead holder's mutex; bound ${RECLAIM_BOUND_MS} ms`,
  ]);
}
