import type { Session } from '../../../shared/models';
import { mergeTree } from '../git/merge-tree';
import { treeOf } from '../git/refs';
import { branchCommit } from '../git/refs';
import type { Workspace } from '../workspace';

/**
 * Whether a session has anything left to merge into its base (issue 12, item 8). A session the
 * queue merged by squash or rebase keeps its own commits, which the base does not contain, so
 * counting commits and files since the fork point says "1 file changed" forever; what is true is
 * whether merging it *now* would change the base. One rule, for the card's count, the "Merge…"
 * button and the queue's refusal.
 */
export interface MergeState {
  /** Everything it has is in the base already (merged by any strategy, nothing new since). */
  merged: boolean;
  /** Why queueing it cannot do anything (null: it can): merged, or nothing of its own. */
  blocked: string | null;
}

export async function mergeState(ws: Workspace, s: Session, facts: { target: string; ahead: number; dirty: boolean }): Promise<MergeState> {
  if (facts.dirty) return { merged: false, blocked: null };
  const cwd = ws.repo.mainRoot;
  const tip = await branchCommit(ws.repo.commonDir, cwd, s.branch);
  if (tip === null) return { merged: false, blocked: null };
  let merged: boolean;
  if (facts.ahead === 0) {
    // The base has its tip: merged (a merge commit, a fast-forward), unless it never moved.
    merged = tip !== s.baseCommit;
  } else {
    // Commits of its own: merged when merging them again would leave the base's tree as it is.
    const [again, baseTree] = await Promise.all([mergeTree(cwd, facts.target, tip), treeOf(cwd, facts.target)]);
    merged = again.clean && again.tree === baseTree;
  }
  if (merged) return { merged, blocked: `already merged: everything session ${s.id} has is in ${s.baseBranch}` };
  if (facts.ahead === 0) return { merged, blocked: `nothing to merge: session ${s.id} has no commits or uncommitted changes of its own beyond ${s.baseBranch}` };
  return { merged, blocked: null };
}
