import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { QueueEntry } from '../../../shared/merge';
import type { Council } from '../council';
import { CouncilError } from '../errors';
import { branchCommit, branchRef } from '../git/refs';
import { withMergeLock } from '../locks/merge-lock';
import type { Workspace } from '../workspace';
import { repairCheckout } from './checkout';
import { finishMerged } from './finish';
import { deleteJournal, journalLandings, readJournal, type MergeJournal } from './journal';
import { isAncestor } from '../git/history';
import { MergeQueue } from './queue-store';
import type { RecoveryReport, RunContext } from './run-context';
import { cleanupTempWorktrees, tempRoot } from './temp-worktree';

/*
 * Crash recovery of the merge queue (the rules are written down at the top of engine.ts): run
 * first by every processQueue under the merge lock, by the app when it opens a repository, and by
 * the engine itself when a move stopped part-way.
 */

/**
 * Finishes or undoes what a crashed merge left (see the top of engine.ts). Takes the merge lock;
 * when another process holds it, that process is alive and merging, and nothing is done.
 */
export async function recoverQueue(council: Council): Promise<{ busy: boolean; reports: RecoveryReport[] }> {
  const ws = council.ws;
  const queue = new MergeQueue(ws);
  if (!needsRecovery(ws, queue)) return { busy: false, reports: [] };
  try {
    const reports = await withMergeLock(ws, (lost) => recoverLocked({ council, ws, queue, emit: () => undefined, lost, trees: new Map(), ahead: null }), {
      timeoutMs: 0,
      purpose: `merge queue recovery by process ${process.pid}`,
    });
    return { busy: false, reports };
  } catch (err) {
    if (err instanceof CouncilError && err.code === 'lock-busy') return { busy: true, reports: [] };
    throw err;
  }
}

function needsRecovery(ws: Workspace, queue: MergeQueue): boolean {
  if (readJournal(ws)) return true;
  if (queue.list().some((e) => e.state === 'checking' || e.state === 'merging')) return true;
  try {
    return readdirSync(tempRoot(ws)).length > 0;
  } catch {
    return false;
  }
}

export async function recoverLocked(ctx: RunContext): Promise<RecoveryReport[]> {
  const { ws, queue } = ctx;
  if (!needsRecovery(ws, queue)) return [];
  const reports: RecoveryReport[] = [];
  const journal = readJournal(ws);
  if (journal) reports.push(...(await recoverJournal(ctx, journal, 'requeue')));
  for (const entry of queue.list()) {
    if (entry.state !== 'checking' && entry.state !== 'merging') continue;
    // No journal for it: nothing irreversible was under way (or it was all recorded already).
    const session = ws.registry.find(entry.sessionId);
    const base = session ? await branchCommit(ws.repo.commonDir, ws.repo.mainRoot, session.baseBranch) : null;
    if (entry.state === 'merging' && session && base && entry.resultCommit && (await isAncestor(ws.repo.mainRoot, entry.resultCommit, base))) {
      await finishMerged(ctx, [{ entryId: entry.id, sessionId: entry.sessionId, baseBranch: session.baseBranch, baseBefore: entry.baseBefore ?? base, commit: entry.resultCommit, strategy: entry.strategy }]);
      reports.push({ entryId: entry.id, outcome: 'merged', note: 'its merge had happened; the bookkeeping was finished' });
      continue;
    }
    await requeue(queue, entry.id);
    reports.push({ entryId: entry.id, outcome: 'requeued', note: `it was ${entry.state} when its process stopped; back in line` });
  }
  await cleanupTempWorktrees(ws);
  for (const r of reports) ctx.emit({ step: 'recovered', entryId: r.entryId, sessionId: null, message: `${r.outcome}: ${r.note}` });
  return reports;
}

/**
 * `git update-ref` writes the new commit into `<ref>.lock` and renames it over the ref; killed in
 * between, the lock stays and every later move of the branch fails ("cannot lock ref"), so the
 * queue would retry and park forever. A lock holding exactly the journal's candidate is the dead
 * compare-and-swap's (the journal's writer held the merge lock, which we hold now): removed.
 */
function clearDeadBranchLock(ws: Workspace, journal: MergeJournal): void {
  const lock = path.join(ws.repo.commonDir, `${branchRef(journal.baseBranch)}.lock`);
  let content: string;
  try {
    content = readFileSync(lock, 'utf8').trim();
  } catch {
    return;
  }
  if (content === journal.candidate) rmSync(lock, { force: true });
}

function requeue(queue: MergeQueue, id: string): Promise<QueueEntry | null> {
  return queue.patch(id, (e) => (e.state === 'checking' || e.state === 'merging' ? { ...e, state: 'queued', baseBefore: null, resultCommit: null } : null));
}

/** Settles the merge a journal describes: finished when the base has the candidate, else not done. */
export async function recoverJournal(ctx: RunContext, journal: MergeJournal, otherwise: 'requeue' | 'leave'): Promise<RecoveryReport[]> {
  const { ws, queue } = ctx;
  clearDeadBranchLock(ws, journal);
  let base = await branchCommit(ws.repo.commonDir, ws.repo.mainRoot, journal.baseBranch);
  let note = '';
  if (journal.checkout) {
    const repair = await repairCheckout(ws, journal, base);
    base = repair.base;
    note = repair.note;
  }
  const done = base !== null && (await isAncestor(ws.repo.mainRoot, journal.candidate, base));
  const landings = journalLandings(journal);
  const others = landings.length > 1 ? ` (one of ${landings.length} entries moving together)` : '';
  const each = (outcome: RecoveryReport['outcome'], text: string): RecoveryReport[] => landings.map((l) => ({ entryId: l.entryId, outcome, note: `${text}${others}` }));
  if (done) {
    await finishMerged(
      ctx,
      landings.map((l) => ({ entryId: l.entryId, sessionId: l.sessionId, baseBranch: journal.baseBranch, baseBefore: l.baseBefore, commit: l.candidate, strategy: l.strategy })),
    );
    return each('merged', note || `${journal.baseBranch} had moved to the merged result; the bookkeeping was finished`);
  }
  if (otherwise === 'requeue') for (const l of landings) await requeue(queue, l.entryId);
  deleteJournal(ws);
  return each(otherwise === 'requeue' ? 'requeued' : 'left', note || `${journal.baseBranch} had not moved; nothing of the merge happened`);
}

