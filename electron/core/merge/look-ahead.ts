import { existsSync } from 'node:fs';
import path from 'node:path';
import type { QueueEntry } from '../../../shared/merge';
import { branchCommit } from '../git/refs';
import type { StatusEntry } from '../git/parse';
import type { Workspace } from '../workspace';
import { computeCandidate, type Candidate } from './candidate';
import { changesGitAttributes } from '../git/diff';
import { worktreeStatus } from '../git/status';

/*
 * Look-ahead: while one entry's base moves (the checkout brought along, the compare-and-swap, the
 * bookkeeping), the next waiting entry's work is looked at and its merge computed on the commit the
 * base is about to become. Both are questions only — `git status` of the session's worktree (no
 * optional locks) and an in-memory merge (`merge-tree` + `commit-tree`, loose objects) — so nothing
 * changes if the guess is wrong: the next entry uses the answers only when it is the entry claimed
 * next, its session's branch has not moved and the base is exactly the predicted commit; otherwise
 * it asks again. Rebase entries are not looked at (their merge needs a scratch worktree).
 *
 * The entry is not claimed: it may still be removed, reordered or retried meanwhile, which the
 * checks above catch. Its session's status is taken a few milliseconds earlier than it would be
 * otherwise — uncommitted work written after that is left in the worktree, never lost (the same
 * as work written just after the status an entry takes itself).
 */

export interface LookAhead {
  entryId: string;
  /** The base commit the answers were computed on, and the session's tip then. */
  base: string;
  tip: string;
  /** The session's uncommitted changes, null when they could not be read (the entry asks again). */
  pending: Promise<StatusEntry[] | null>;
  /** The merge on `base`, null when it could not be computed. */
  candidate: Promise<Candidate | null>;
}

export interface LookAheadInput {
  ws: Workspace;
  /** The entry being merged now (never looked at twice). */
  currentId: string;
  baseBranch: string;
  /** Where the base is now, and what it becomes when the current entry's merge lands. */
  currentBase: string;
  predictedBase: string;
  trees: Map<string, string>;
}

/** Starts looking at the next waiting entry; null when there is none worth looking at. */
export async function lookAhead(input: LookAheadInput, waiting: readonly QueueEntry[]): Promise<LookAhead | null> {
  const { ws } = input;
  const next = waiting.find((e) => e.id !== input.currentId);
  if (!next || next.strategy === 'rebase') return null;
  const session = ws.registry.find(next.sessionId);
  if (!session || session.state !== 'ready' || session.baseBranch !== input.baseBranch) return null;
  if (!existsSync(path.join(session.worktreePath, '.git'))) return null;
  const tip = await branchCommit(ws.repo.commonDir, ws.repo.mainRoot, session.branch);
  if (!tip) return null;
  // A merge computed now reads merge attributes from the checkout as it is before the move: not
  // usable when the move changes them (git/diff.ts changesGitAttributes); the entry asks again.
  const candidate = Promise.all([
    computeCandidate({ ws, entryId: next.id, session, strategy: next.strategy, base: input.predictedBase, tip, trees: input.trees, temps: [], message: next.message }).catch(() => null),
    changesGitAttributes(ws.repo.mainRoot, input.currentBase, input.predictedBase).catch(() => true),
  ]).then(([merged, attributes]) => (attributes ? null : merged));
  const pending = worktreeStatus(session.worktreePath).catch(() => null);
  return { entryId: next.id, base: input.predictedBase, tip, pending, candidate };
}

/** The look-ahead's answers for `entryId` when they still hold for this base and tip; else null. */
export function usableLookAhead(ahead: LookAhead | null, entryId: string, base: string | null, tip: string | null): LookAhead | null {
  if (!ahead || ahead.entryId !== entryId || ahead.base !== base || ahead.tip !== tip) return null;
  return ahead;
}
