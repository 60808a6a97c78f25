import { existsSync } from 'node:fs';
import path from 'node:path';
import type { QueueEntry } from '../../../shared/merge';
import { agentRunningIn } from '../agents/run-store';
import type { Council } from '../council';
import { CouncilError } from '../errors';
import { branchCommit, branchRef } from '../git/refs';
import { holderOf, type LockHolder } from '../locks/held-lock';
import { withMergeLock } from '../locks/merge-lock';
import { commitSession, committedMessage } from '../sessions/commit';
import { computeCandidate, type Candidate } from './candidate';
import { bringAlong, findCheckout, prepareCheckoutLock, releaseCheckout, type BaseCheckout } from './checkout';
import { finishMerged } from './finish';
import { runGate } from './gate';
import { deleteJournal, journalLandings, readJournal, writeJournal, type MergeJournal } from './journal';
import { lookAhead, usableLookAhead } from './look-ahead';
import { updateRefCas } from '../git/refs';
import { worktreeStatus } from '../git/status';
import { recoverJournal, recoverLocked } from './recovery';
import { messageOf, shortSha, type MergeEvent, type RecoveryReport, type RunContext } from './run-context';
import { addTempWorktree, removeTempWorktree } from './temp-worktree';
import { extendTrain, firstMovedTip, type Landing } from './train';
import { agentRunningReason } from '../../../shared/merge-policy';

export { recoverQueue } from './recovery';
export type { MergeEvent, MergeStep, RecoveryReport } from './run-context';

/*
 * THE MERGE QUEUE ENGINE
 *
 * Finished sessions are brought into their base branch one at a time, in queue order, by whichever
 * process runs `processQueue` (the app, `council merge --wait`, a background `council queue run`).
 *
 * One at a time. Everything below runs under the repository's merge lock (locks/merge-lock.ts: a
 * cross-process lock, refreshed while held, taken over 10 s after its holder died). A process that
 * finds it busy returns (or, with `waitForLock`, polls): the holder re-reads the queue after
 * releasing the lock and takes the lock again if anything is waiting, so an entry queued while the
 * lock was held is never stranded.
 *
 * Per entry (state `checking` from the moment it is claimed):
 *  1. Preconditions: the session exists and is ready, and its agent is not running (a live run
 *     whose host process is alive): otherwise it parks, "the agent is still running". Its pending
 *     work is committed (commitSession, with its task as the message).
 *  2. The candidate, without touching any checkout (candidate.ts): merge = `git merge-tree
 *     --write-tree` + commit-tree with parents [base, session]; squash = that tree with parent
 *     [base]; rebase = cherry-pick of base..session in a scratch detached worktree (or the session's
 *     own commits when it already starts from the base). A conflict parks the entry with the files
 *     and git's conflict lines; the base is not touched. When the base already has everything the
 *     entry is merged with nothing to do.
 *  3. The gate, if any (gate.ts): run on the candidate in a scratch worktree, output kept in
 *     gate-logs/<entry>.log; a failure or timeout parks the entry. Scratch worktrees are always
 *     removed (and after a crash, by recovery).
 *  4. The base moves by compare-and-swap (`git update-ref <ref> <candidate> <old>`), so it is only
 *     ever the old commit or the candidate. If the base branch is checked out (the user's main
 *     checkout, or a linked worktree of theirs), that checkout is brought along in the same step
 *     (checkout.ts: our own hold on its index.lock, a two-tree `read-tree -m -u` through a
 *     temporary index, the index swapped in, then the CAS). A file the merge changes that has
 *     local changes there parks the entry with those files named, and nothing is touched; local
 *     changes to other files stay as they are (what `git checkout`/`git pull --ff-only` do). A
 *     merge, rebase, cherry-pick or revert in progress there parks it too. When the CAS fails
 *     because someone else moved the base meanwhile, the entry is computed again on the new base
 *     (the gate too), up to three times. Just before the move, the session's branch must still be
 *     where its merge was built from (else it is computed again, with the new commits).
 *     Without a gate, the plain entries waiting behind this one join it as a train (train.ts):
 *     each merged on the one before, then the base moves once to the last result.
 *  5. Bookkeeping: the session's locks are released, its context set to done ("merged into <base>
 *     as <sha>"), the entry marked merged (resultCommit), and with the setting removeAfterMerge the
 *     session removed (never forced: a merge-strategy session is then fully in the base; a squashed
 *     or rebased one is removed only when the base provably has its content, its tip archived).
 *
 * Crash safety (recovery.ts). Before anything irreversible, the journal (journal.ts, fsync'd) records the entry,
 * the base branch, its old commit, the candidate and any checkout being brought along (with the
 * inode of our index.lock); the entry is marked `merging` with baseBefore and resultCommit. After a
 * crash, `recoverQueue` (run first by every processQueue, and by the app when it opens a repo)
 * decides from git's state, never from hope:
 *  - the base is the candidate, or contains it: the merge happened; the bookkeeping is finished
 *    and the entry marked merged;
 *  - the base is still the old commit: it did not happen; a half-updated checkout is repaired
 *    first (finished when its new index was already in place, else the files we wrote are put
 *    back), then the entry goes back in line (`queued`);
 *  - entries caught `checking` (nothing irreversible done) go back in line; scratch worktrees are
 *    removed.
 * The session's branch is never rewritten or deleted by the queue (only committed to), so all of
 * its commits stay reachable from it or, once merged, from the base.
 */

export interface ProcessOptions {
  /** Progress, synchronously, at each step (a listener's exception is ignored). */
  onEvent?: (event: MergeEvent) => void;
  /** When another process holds the merge lock: keep trying while anything is waiting (that
   * process normally drains the queue; a dead one loses the lock after 10 s). Default: return. */
  waitForLock?: boolean;
  lockPollMs?: number;
  /** Stop after the entry in hand. */
  signal?: AbortSignal;
}
export interface ProcessResult {
  /** Entries this call settled, in order (merged or parked). */
  settled: QueueEntry[];
  /** Set when another process held the merge lock and this call returned without waiting. */
  busy: LockHolder | null;
  recovery: RecoveryReport[];
}

/** How often an entry is computed again when someone else keeps moving the base under it. */
const MAX_ROUNDS = 3;

class Parked extends Error {
  constructor(
    readonly reason: string,
    readonly files: string[] = [],
  ) {
    super(reason);
  }
}
/** The entry was removed from the queue while it was being checked. */
class EntryGone extends Error {}
/** The merge lock was lost (its holder froze past the stale time): another process may be merging. */
class LockLost extends Error {}
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function emitter(onEvent: ProcessOptions['onEvent']): (event: MergeEvent) => void {
  return (event) => {
    try {
      onEvent?.(event);
    } catch {
      // a listener's failure must not stop a merge half-way
    }
  };
}

/**
 * Processes the queue until nothing is waiting: takes the merge lock, recovers what a crashed
 * process left, then merges or parks each waiting entry in order.
 */
export async function processQueue(council: Council, options: ProcessOptions = {}): Promise<ProcessResult> {
  const ws = council.ws;
  const queue = council.queue;
  const emit = emitter(options.onEvent);
  const settled: QueueEntry[] = [];
  const recovery: RecoveryReport[] = [];
  const trees = new Map<string, string>();
  while (queue.hasWork() || readJournal(ws)) {
    if (options.signal?.aborted) break;
    try {
      await withMergeLock(
        ws,
        async (lost) => {
          const ctx: RunContext = { council, ws, queue, emit, lost, signal: options.signal, trees, ahead: null };
          recovery.push(...(await recoverLocked(ctx)));
          for (;;) {
            if (options.signal?.aborted || lost()) return;
            const entry = await queue.claimNext();
            if (!entry) return;
            emit({ step: 'claimed', entryId: entry.id, sessionId: entry.sessionId, message: `checking session ${entry.sessionId} (${entry.strategy})`, entry });
            settled.push(...(await runEntry(ctx, entry)));
          }
        },
        { timeoutMs: 0, purpose: `merge queue run by process ${process.pid}` },
      );
    } catch (err) {
      if (!(err instanceof CouncilError && err.code === 'lock-busy')) throw err;
      if (!options.waitForLock) return { settled, busy: holderOf(ws.paths.merge), recovery };
      await sleep(options.lockPollMs ?? 250);
    }
  }
  return { settled, busy: null, recovery };
}

/** Settles the claimed entry (and any train it led): the entries merged or parked, in order. */
async function runEntry(ctx: RunContext, claimed: QueueEntry): Promise<QueueEntry[]> {
  const temps: string[] = [];
  const followers: string[] = [];
  const found = (ids: string[]): QueueEntry[] => ids.map((id) => ctx.queue.find(id)).filter((e): e is QueueEntry => e !== undefined);
  try {
    return await attemptEntry(ctx, claimed, temps, followers);
  } catch (err) {
    if (err instanceof LockLost) {
      // Another process may hold the lock now and be working on these entries: write nothing (its
      // recovery puts back in line whatever this one left claimed).
      followers.length = 0;
      return [];
    }
    if (err instanceof EntryGone) return [];
    const journal = readJournal(ctx.ws);
    if (journal && journalLandings(journal).some((l) => l.entryId === claimed.id)) {
      // Stopped during the move: settle it exactly as crash recovery would, then say why.
      const [report] = await recoverJournal(ctx, journal, 'leave');
      if (report?.outcome === 'merged') {
        followers.length = 0;
        return found(journalLandings(journal).map((l) => l.entryId));
      }
    }
    const parked = err instanceof Parked ? await park(ctx, claimed, err.reason, err.files) : await park(ctx, claimed, `the merge failed unexpectedly: ${messageOf(err)}`, []);
    return parked ? [parked] : [];
  } finally {
    // Followers not landed (the move did not happen, or stopped part-way): back in line. Not those
    // a journal still names: the move may have happened, and recovery settles them from git.
    const journal = readJournal(ctx.ws);
    const moving = new Set(journal ? journalLandings(journal).map((l) => l.entryId) : []);
    await ctx.queue.unclaim(followers.filter((id) => !moving.has(id))).catch(() => undefined);
    for (const dir of temps) await removeTempWorktree(ctx.ws, dir).catch(() => undefined);
  }
}

async function park(ctx: RunContext, claimed: QueueEntry, reason: string, files: string[]): Promise<QueueEntry | null> {
  const parked = await ctx.queue.patch(claimed.id, (e) => (e.state === 'merged' ? null : { ...e, state: 'parked', reason, files, baseBefore: null, resultCommit: null }));
  ctx.emit({ step: 'parked', entryId: claimed.id, sessionId: claimed.sessionId, message: reason, entry: parked ?? undefined });
  return parked;
}

/**
 * Merges or parks the claimed entry; without a gate, with the plain entries waiting behind it as
 * one train (train.ts), whose ids are kept in `followers` until they have landed.
 */
async function attemptEntry(ctx: RunContext, claimed: QueueEntry, temps: string[], followers: string[]): Promise<QueueEntry[]> {
  const { ws, queue } = ctx;
  const session = ws.registry.find(claimed.sessionId);
  if (!session) throw new Parked(`session ${claimed.sessionId} no longer exists`);
  if (session.state !== 'ready') throw new Parked(`session ${session.id} is ${session.state}`);
  if (agentRunningIn(ws.paths, session.id)) {
    throw new Parked(agentRunningReason(session.id));
  }
  const cwd = ws.repo.mainRoot;
  // The usual case is a session with nothing left to commit: its merge is computed while its
  // worktree is looked at (merge and squash only: they touch no working tree), and used if the
  // session's branch and the base are still where they were.
  const [base0, tip0] = await Promise.all([branchCommit(ws.repo.commonDir, cwd, session.baseBranch), branchCommit(ws.repo.commonDir, cwd, session.branch)]);
  const ahead = usableLookAhead(ctx.ahead, claimed.id, base0, tip0);
  ctx.ahead = null;
  let early: Promise<Candidate | null> | null = ahead?.candidate ?? null;
  if (!early && claimed.strategy !== 'rebase' && base0 && tip0) {
    early = computeCandidate({ ws, entryId: claimed.id, session, strategy: claimed.strategy, base: base0, tip: tip0, trees: ctx.trees, temps, message: claimed.message }).catch(() => null);
  }
  if (existsSync(path.join(session.worktreePath, '.git'))) {
    const pending = (await ahead?.pending) ?? (await worktreeStatus(session.worktreePath));
    if (pending.length > 0) {
      let commit: string | null;
      try {
        commit = (await commitSession(ws, session.id, session.task)).commit;
      } catch (err) {
        throw new Parked(`the session's uncommitted work could not be committed: ${messageOf(err)}`);
      }
      early = null;
      ctx.emit({ step: 'committed', entryId: claimed.id, sessionId: session.id, message: committedMessage(pending.length, commit) });
    }
  }
  let alone = false;
  for (let round = 1; ; round++) {
    const old = await branchCommit(ws.repo.commonDir, cwd, session.baseBranch);
    if (!old) throw new Parked(`the base branch ${session.baseBranch} no longer exists`);
    const tip = await branchCommit(ws.repo.commonDir, cwd, session.branch);
    if (!tip) throw new Parked(`the session's branch ${session.branch} no longer exists`);
    const computed = round === 1 && early && old === base0 && tip === tip0 ? await early : null;
    const candidate = computed ?? (await computeCandidate({ ws, entryId: claimed.id, session, strategy: claimed.strategy, base: old, tip, trees: ctx.trees, temps, message: claimed.message }));
    if (candidate.kind === 'conflict') throw new Parked(candidate.reason, candidate.files);
    if (candidate.kind === 'nothing') {
      return finishMerged(ctx, [{ entryId: claimed.id, sessionId: session.id, baseBranch: session.baseBranch, baseBefore: old, commit: old, strategy: claimed.strategy, nothing: true }]);
    }
    // Recorded on the entry only when a gate will run on it (the screens show what is being checked
    // meanwhile); without one the entry is recorded `merging` with it a moment later (moveBase).
    const checking = claimed.gate ? await queue.patch(claimed.id, (e) => (e.state === 'checking' ? { ...e, baseBefore: old, resultCommit: candidate.commit } : null)) : undefined;
    if (checking !== undefined && checking?.state !== 'checking') throw new EntryGone();
    ctx.emit({ step: 'candidate', entryId: claimed.id, sessionId: session.id, message: `candidate ${shortSha(candidate.commit)} on ${session.baseBranch} at ${shortSha(old)}`, entry: checking });

    if (claimed.gate) {
      let worktree = candidate.worktree;
      if (!worktree) {
        worktree = await addTempWorktree(ws, claimed.id, 'gate', candidate.commit);
        temps.push(worktree);
      }
      ctx.emit({ step: 'gate-started', entryId: claimed.id, sessionId: session.id, message: `gate: ${claimed.gate}` });
      const gate = await runGate({
        ws,
        entryId: claimed.id,
        sessionId: session.id,
        command: claimed.gate,
        baseBranch: session.baseBranch,
        candidate: candidate.commit,
        worktree,
        onOutput: (text) => ctx.emit({ step: 'gate-output', entryId: claimed.id, sessionId: session.id, message: text }),
      });
      const recorded = await queue.patch(claimed.id, (e) => ({ ...e, gateLog: gate.log, gateExitCode: gate.exitCode }));
      ctx.emit({ step: 'gate-finished', entryId: claimed.id, sessionId: session.id, message: gate.passed ? 'the gate passed' : (gate.reason ?? 'the gate failed'), entry: recorded ?? undefined });
      if (!gate.passed) throw new Parked(gate.reason ?? 'the gate failed');
    }
    for (const dir of temps.splice(0)) await removeTempWorktree(ws, dir);

    if (ctx.lost()) throw new LockLost();
    const lead: Landing = { entry: claimed, session, old, tip, candidate: candidate.commit };
    const train = alone ? [lead] : await extendTrain(ctx, lead, followers);
    const last = train[train.length - 1] as Landing;
    if (ctx.lost()) throw new LockLost();
    ctx.ahead = await lookAhead({ ws, currentId: last.entry.id, baseBranch: session.baseBranch, currentBase: old, predictedBase: last.candidate, trees: ctx.trees }, queue.waiting());
    const lookup = await findCheckout(ws, session.baseBranch);
    if (lookup.busy) throw new Parked(lookup.busy);
    const moved = await moveBase(ctx, train, lookup.checkout);
    if (moved !== 'moved') {
      // Not moved: the followers go back in line and this entry is computed again, alone when the
      // train as a whole could not land.
      await queue.unclaim(followers.splice(0));
      ctx.ahead = null;
      if (moved === 'alone') {
        alone = true;
        round--;
        continue;
      }
      if (round >= MAX_ROUNDS) throw new Parked(`the base branch ${session.baseBranch} or the session's branch ${session.branch} kept moving while this entry was being merged (${MAX_ROUNDS} tries); retry it`);
      const what = moved === 'raced' ? `${session.baseBranch} moved meanwhile; merging again on its new commit` : `the session's branch ${session.branch} moved meanwhile; merging again with its new commits`;
      ctx.emit({ step: 'base-raced', entryId: claimed.id, sessionId: session.id, message: what });
      continue;
    }
    followers.length = 0;
    return finishMerged(
      ctx,
      train.map((l) => ({ entryId: l.entry.id, sessionId: l.session.id, baseBranch: session.baseBranch, baseBefore: l.old, commit: l.candidate, strategy: l.entry.strategy })),
    );
  }
}

/**
 * Step 4: journal, entries `merging`, then the base (and its checkout) moves by compare-and-swap,
 * from where the first entry of the train was built to the last one's result. Not moved:
 * 'raced' (the base moved meanwhile), 'tip-moved' (the first entry's session got a commit since
 * its merge was built), 'alone' (the train as a whole cannot land: a follower was removed or got a
 * commit meanwhile, or the checkout has local changes in a file the train touches; the first entry
 * should be tried on its own).
 */
async function moveBase(ctx: RunContext, train: readonly Landing[], checkout: BaseCheckout | null): Promise<'moved' | 'raced' | 'tip-moved' | 'alone'> {
  const { ws, queue } = ctx;
  const lead = train[0] as Landing;
  const last = train[train.length - 1] as Landing;
  const baseBranch = lead.session.baseBranch;
  const journal: MergeJournal = {
    version: 1,
    entryId: last.entry.id,
    sessionId: last.session.id,
    strategy: last.entry.strategy,
    baseBranch,
    baseBefore: lead.old,
    candidate: last.candidate,
    startedAt: new Date().toISOString(),
    checkout: checkout ? prepareCheckoutLock(checkout, last.entry.id) : null,
    ...(train.length > 1 ? { train: train.map((l) => ({ entryId: l.entry.id, sessionId: l.session.id, strategy: l.entry.strategy, baseBefore: l.old, candidate: l.candidate })) } : {}),
  };
  writeJournal(ws, journal);
  const undo = (): void => {
    if (journal.checkout) releaseCheckout(journal.checkout);
    deleteJournal(ws);
  };
  // One write for the whole train, and only if every entry is still ours (`checking`): one removed
  // meanwhile must not be merged. Not fsync'd: the journal, just written with fsync, is what
  // recovery goes by.
  const own = new Map(train.map((l) => [l.entry.id, l]));
  const merging = await queue.update((file) => {
    if (!file.entries.every((e) => !own.has(e.id) || e.state === 'checking') || file.entries.filter((e) => own.has(e.id)).length !== train.length) return { next: null, result: null };
    const now = new Date().toISOString();
    const entries = file.entries.map((e) => {
      const l = own.get(e.id);
      return l ? { ...e, state: 'merging' as const, baseBefore: l.old, resultCommit: l.candidate, updatedAt: now } : e;
    });
    return { next: { ...file, entries }, result: entries.filter((e) => own.has(e.id)) };
  });
  if (!merging) {
    undo();
    if (train.length > 1 && queue.find(lead.entry.id)?.state === 'checking') return 'alone';
    throw new EntryGone();
  }
  for (const entry of merging) {
    const l = own.get(entry.id) as Landing;
    const message = `moving ${baseBranch} from ${shortSha(lead.old)} to ${shortSha(last.candidate)}${train.length > 1 ? ` (${train.length} entries in one move; this one as ${shortSha(l.candidate)})` : ''}`;
    ctx.emit({ step: 'journal-written', entryId: entry.id, sessionId: l.session.id, message, entry });
  }
  const notMoved = async (outcome: 'raced' | 'tip-moved' | 'alone'): Promise<typeof outcome> => {
    await queue.patch(lead.entry.id, (e) => (e.state === 'merging' ? { ...e, state: 'checking', baseBefore: null, resultCommit: null } : null));
    // The followers are put back in line by the caller (they are `merging` until then).
    deleteJournal(ws);
    return outcome;
  };
  // The last moment before anything irreversible: a commit made on a session's branch since its
  // merge was built would be left out of a merge that marks the entry merged.
  const movedTip = await firstMovedTip(ws, train);
  if (movedTip !== -1) {
    if (journal.checkout) releaseCheckout(journal.checkout);
    return notMoved(movedTip === 0 ? 'tip-moved' : 'alone');
  }
  const names = train.map((l) => l.entry.id).join(', ');
  const reflog = train.length > 1 ? `council: merge queue entries ${names} (sessions ${train.map((l) => l.session.id).join(', ')})` : `council: merge queue entry ${lead.entry.id} (session ${lead.session.id}, ${lead.entry.strategy})`;
  let outcome: 'moved' | 'raced' | 'tip-moved' | 'alone';
  if (journal.checkout && checkout) {
    const result = await bringAlong({
      ws,
      journal: { ...journal, checkout: journal.checkout },
      checkout,
      reflog,
      step: (step) => ctx.emit({ step, entryId: last.entry.id, sessionId: last.session.id, message: step === 'checkout-locked' ? `holding ${checkout.worktree}'s index` : `${checkout.worktree} shows the merged result` }),
    });
    if (result.kind === 'refused' && train.length === 1) throw new Parked(result.reason, result.files);
    outcome = result.kind === 'moved' ? 'moved' : result.kind === 'refused' ? 'alone' : 'raced';
  } else {
    outcome = (await updateRefCas(ws.repo.mainRoot, branchRef(baseBranch), last.candidate, lead.old, reflog)) ? 'moved' : 'raced';
  }
  if (outcome !== 'moved') return notMoved(outcome);
  for (const l of train) ctx.emit({ step: 'base-moved', entryId: l.entry.id, sessionId: l.session.id, message: `${baseBranch} is now ${shortSha(last.candidate)}` });
  return 'moved';
}
