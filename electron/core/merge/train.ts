import { existsSync } from 'node:fs';
import path from 'node:path';
import type { QueueEntry } from '../../../shared/merge';
import type { Session } from '../../../shared/models';
import type { StatusEntry } from '../git/parse';
import { agentRunningIn } from '../agents/run-store';
import { branchCommit } from '../git/refs';
import { commitSession, committedMessage } from '../sessions/commit';
import type { Workspace } from '../workspace';
import { computeCandidate, type Candidate } from './candidate';
import { shortSha, type RunContext } from './run-context';
import { firstGitAttributesChange } from '../git/diff';
import { worktreeStatus, worktreeStatusMany } from '../git/status';

/*
 * Trains: entries waiting together land together.
 *
 * When the entry in hand has its merged result and no gate, the queue does not move the base yet:
 * it claims the next waiting entries (no gate, merge or squash, onto the same base branch), one by
 * one, and merges each on top of the one before it — exactly the commit it would have become one
 * at a time, in the same order, with the same parents. Then the base moves once, from where it was
 * to the last of them: one compare-and-swap, the checkout brought along once (one rewrite of the
 * user's files instead of one per entry), one journal naming every entry (journal.ts `train`).
 * Each entry is then marked merged with its own commit. The history is the same as one at a time;
 * only the base's reflog shows one step. Real merge queues batch the same way (GitHub's merge
 * groups, bors); here without the speculation: every entry in a train has already merged cleanly
 * on the one before it, so a train never has to be split after the fact.
 *
 * A follower joins only when everything about it is plain: its session ready, no agent running, its
 * pending work committed, its merge clean and non-empty. Anything else (a conflict, nothing to
 * merge, a gate, a rebase, a failure) ends the train there and the entry goes back to the head of
 * the line, to be handled on its own like any entry — parked with its reason, gated, and so on.
 * If the move itself cannot happen for the whole train (the base checkout has local changes in a
 * file some entry touches, a follower was removed meanwhile), the followers go back in line and
 * the first entry moves alone, so an entry is only ever parked for a reason of its own.
 *
 * A train is at most MAX_TRAIN entries and stops growing after TRAIN_BUDGET_MS, so the first entry
 * never waits long for the others.
 *
 * The followers' worktrees are looked at (`git status`, for work left uncommitted) as soon as the
 * train starts, all in one git process, while the merges are chained one after the other: a
 * status does not depend on the base. As with the look-ahead, work written after that look is
 * left in the worktree, never lost.
 */

export const MAX_TRAIN = 10;
export const TRAIN_BUDGET_MS = 1000;

/** An entry ready to land: its merged result `candidate`, built on `old` from its session's branch at `tip`. */
export interface Landing {
  entry: QueueEntry;
  session: Session;
  old: string;
  tip: string;
  candidate: string;
}

/** What a train needs of the run (run-context.ts). */
export type TrainContext = Pick<RunContext, 'ws' | 'queue' | 'emit' | 'lost' | 'signal' | 'trees'>;

const mayFollow = (entry: QueueEntry): boolean => entry.gate === null && entry.strategy !== 'rebase';

/**
 * Claims and merges followers on top of `lead` while they are plain (see above). Returns the
 * train, lead first; an entry that could not follow is back in line. The id of every follower is
 * added to `claimed` the moment it is claimed (the caller puts them back in line if the train
 * does not land, whatever stops it).
 */
export async function extendTrain(ctx: TrainContext, lead: Landing, claimed: string[]): Promise<Landing[]> {
  const train = [lead];
  if (!mayFollow(lead.entry)) return train;
  const started = performance.now();
  const statuses = lookAtFollowers(ctx, lead.session.baseBranch);
  while (train.length < MAX_TRAIN && performance.now() - started < TRAIN_BUDGET_MS && !ctx.lost() && !ctx.signal?.aborted) {
    const next = await ctx.queue.claimNext(mayFollow);
    if (!next) break;
    claimed.push(next.id);
    ctx.emit({ step: 'claimed', entryId: next.id, sessionId: next.sessionId, message: `checking session ${next.sessionId} (${next.strategy}), to land with ${lead.entry.id}`, entry: next });
    const prev = train[train.length - 1] as Landing;
    // A follower that fails in any way is simply not plain: it goes back to the head of the line
    // and is handled on its own (where a failure parks it, for its own reason).
    const follower = await prepareFollower(ctx, next, lead.session.baseBranch, prev.candidate, statuses.get(next.id)).catch(() => null);
    if (!follower) {
      claimed.pop();
      await ctx.queue.unclaim([next.id]);
      break;
    }
    train.push(follower);
  }
  // Nor does anything follow an entry that changes merge attributes: git reads them from the
  // checkout, which holds the new ones only once the base has moved (git/diff.ts
  // changesGitAttributes). Asked once for the whole train, in one git process (it was one per
  // follower, a fifth of the train's git time): the train ends at the first entry that changes
  // them, and those after it go back in line, in order, to be merged again on the moved base.
  if (train.length > 1) {
    const steps = train.slice(0, -1).map((l) => ({ from: l.old, to: l.candidate }));
    const first = await firstGitAttributesChange(ctx.ws.repo.mainRoot, steps).catch(() => 0);
    if (first !== -1) {
      const back = train.splice(first + 1);
      claimed.splice(claimed.length - back.length, back.length);
      await ctx.queue.unclaim(back.map((l) => l.entry.id));
    }
  }
  return train;
}

type Pending = Promise<StatusEntry[] | null>;

/**
 * The first entry of the train whose session's branch is no longer at the commit its merge was
 * built from (someone committed there meanwhile), or -1. Its merge would leave that commit out.
 */
export async function firstMovedTip(ws: Workspace, train: readonly Landing[]): Promise<number> {
  for (const [i, l] of train.entries()) {
    if ((await branchCommit(ws.repo.commonDir, ws.repo.mainRoot, l.session.branch)) !== l.tip) return i;
  }
  return -1;
}

/**
 * Starts `git status` of the worktrees of the entries likely to follow: all of them in one git
 * process (worktreeStatusMany); one that it could not answer is asked on its own.
 */
function lookAtFollowers(ctx: TrainContext, baseBranch: string): Map<string, Pending> {
  const followers: { id: string; worktree: string }[] = [];
  for (const entry of ctx.queue.waiting().slice(0, MAX_TRAIN - 1)) {
    if (!mayFollow(entry)) break;
    const session = ctx.ws.registry.find(entry.sessionId);
    if (!session || session.baseBranch !== baseBranch) break;
    followers.push({ id: entry.id, worktree: session.worktreePath });
  }
  const all = worktreeStatusMany(ctx.ws.repo.mainRoot, followers.map((f) => f.worktree)).catch(() => followers.map(() => null));
  return new Map(
    followers.map((f, i): [string, Pending] => [
      f.id,
      all.then((answers) => answers[i] ?? worktreeStatus(f.worktree)).catch(() => null),
    ]),
  );
}

/** The follower's merge on `onto`, or null when anything about it is not plain. */
async function prepareFollower(ctx: TrainContext, claimed: QueueEntry, baseBranch: string, onto: string, looked: Pending | undefined): Promise<Landing | null> {
  const { ws } = ctx;
  const session = ws.registry.find(claimed.sessionId);
  if (!session || session.state !== 'ready' || session.baseBranch !== baseBranch) return null;
  if (agentRunningIn(ws.paths, session.id) || !existsSync(path.join(session.worktreePath, '.git'))) return null;
  let tip = await branchCommit(ws.repo.commonDir, ws.repo.mainRoot, session.branch);
  if (!tip) return null;
  const merge = (at: string): Promise<Candidate | null> =>
    computeCandidate({ ws, entryId: claimed.id, session, strategy: claimed.strategy, base: onto, tip: at, trees: ctx.trees, temps: [], message: claimed.message }).catch(() => null);
  // The merge is computed while the worktree is looked at; used when nothing was left to commit.
  let candidate = merge(tip);
  const pending = await (looked ?? worktreeStatus(session.worktreePath).catch(() => null));
  if (pending === null) return null;
  if (pending.length > 0) {
    await candidate;
    const committed = await commitSession(ws, session.id, session.task).catch(() => null);
    if (!committed) return null;
    ctx.emit({ step: 'committed', entryId: claimed.id, sessionId: session.id, message: committedMessage(pending.length, committed.commit) });
    tip = await branchCommit(ws.repo.commonDir, ws.repo.mainRoot, session.branch);
    if (!tip) return null;
    candidate = merge(tip);
  }
  const result = await candidate;
  if (result?.kind !== 'commit') return null;
  ctx.emit({ step: 'candidate', entryId: claimed.id, sessionId: session.id, message: `candidate ${shortSha(result.commit)} on ${shortSha(onto)}, the result of the entry before it in this train` });
  return { entry: claimed, session, old: onto, tip, candidate: result.commit };
}
