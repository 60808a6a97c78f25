import type { MergeStrategy } from '../../../shared/merge';
import type { Session } from '../../../shared/models';
import { abortCherryPick, cherryPick, commitTree, COUNCIL_IDENTITY, hasCommitterIdentity } from '../git/commit';
import { unmergedPaths } from '../git/diff';
import { commitsToReplay, countCommits, isAncestor, subjectsBetween } from '../git/history';
import { mergeTree } from '../git/merge-tree';
import { headCommit, treeOf } from '../git/refs';
import type { Workspace } from '../workspace';
import { cleanMessage, defaultMergeMessage, defaultSquashMessage } from './subject';
import { addTempWorktree } from './temp-worktree';

/*
 * Step 2 of a merge: the commit the base would move to, computed without touching any checkout of
 * the user's or the session's.
 *
 * - merge:  `git merge-tree --write-tree <base> <session>` (an in-memory merge, no working tree),
 *           then a commit of that tree with parents [base, session].
 * - squash: the same tree, committed with the base as its only parent.
 * - rebase: the session's commits (base..session) replayed with `git cherry-pick` in a scratch
 *           worktree detached at the base; when the session already starts from the base, its own
 *           commits are the result (a fast-forward). A branch with merge commits in it is refused:
 *           replaying would drop the conflict resolutions they hold.
 */

export type Candidate =
  | { kind: 'commit'; commit: string; tree: string | null; worktree: string | null; commits: number }
  /** The base already has everything the session has. */
  | { kind: 'nothing' }
  | { kind: 'conflict'; reason: string; files: string[] };

export interface CandidateInput {
  ws: Workspace;
  entryId: string;
  session: Session;
  strategy: MergeStrategy;
  base: string;
  tip: string;
  /** Known trees of commits (the previous candidate's, typically), to save a git call. */
  trees: Map<string, string>;
  /** Scratch worktrees made here are added to this list; the caller removes them. */
  temps: string[];
  /** The entry's own message for the merge or squash commit (null/absent: the queue's). */
  message?: string | null;
}

const list = (files: readonly string[], max = 10): string => files.slice(0, max).join(', ') + (files.length > max ? ` and ${files.length - max} more` : '');

async function knownTree(input: CandidateInput, commit: string): Promise<string> {
  let tree = input.trees.get(commit);
  if (!tree) {
    tree = await treeOf(input.ws.repo.mainRoot, commit);
    input.trees.set(commit, tree);
  }
  return tree;
}

export async function computeCandidate(input: CandidateInput): Promise<Candidate> {
  if (input.strategy === 'rebase') return rebaseCandidate(input);
  const { ws, session, base, tip } = input;
  const cwd = ws.repo.mainRoot;
  const merged = await mergeTree(cwd, base, tip);
  if (!merged.clean) {
    const files = merged.files;
    // git's lines repeat the file names; the kinds (the radar's, shared/merge.ts) are what the reason adds.
    const kinds = [...new Set(merged.conflicts.map((c) => c.kind))];
    const detail = kinds.length ? ` (${kinds.join(', ')})` : '';
    return { kind: 'conflict', reason: `merging into ${session.baseBranch} conflicts in ${list(files)}${detail}`, files };
  }
  if (merged.tree === (await knownTree(input, base))) return { kind: 'nothing' };
  const own = input.message ? cleanMessage(input.message) : null;
  if (input.strategy === 'merge') {
    const message = own ?? defaultMergeMessage(session);
    const commit = await commitTree(cwd, merged.tree, [base, tip], message);
    input.trees.set(commit, merged.tree);
    return { kind: 'commit', commit, tree: merged.tree, worktree: null, commits: 1 };
  }
  const message = own ?? defaultSquashMessage(session, await subjectsBetween(cwd, base, tip));
  const commit = await commitTree(cwd, merged.tree, [base], message);
  input.trees.set(commit, merged.tree);
  return { kind: 'commit', commit, tree: merged.tree, worktree: null, commits: 1 };
}

async function rebaseCandidate(input: CandidateInput): Promise<Candidate> {
  const { ws, session, base, tip } = input;
  const cwd = ws.repo.mainRoot;
  const all = await countCommits(cwd, tip, base);
  if (all === 0) return { kind: 'nothing' };
  if (await isAncestor(cwd, base, tip)) {
    // Already on top of the base: the session's own commits are the result.
    return { kind: 'commit', commit: tip, tree: null, worktree: null, commits: all };
  }
  // The commits to replay, oldest first, leaving out those whose change the base already has
  // (`--cherry-pick`, as git rebase does): a session merged before by rebase and merged again
  // would otherwise replay its old commits as empty ones.
  const commits = await commitsToReplay(cwd, base, tip);
  if (commits.length === 0) return { kind: 'nothing' };
  const merges = commits.filter((c) => c.length > 2);
  if (merges.length > 0) {
    return {
      kind: 'conflict',
      reason: `the session's branch has ${merges.length} merge commit(s) (${merges.map((c) => (c[0] ?? '').slice(0, 12)).join(', ')}); a rebase would drop what they resolved. Merge it with the merge or squash strategy instead`,
      files: [],
    };
  }
  const worktree = await addTempWorktree(ws, input.entryId, 'rebase', base);
  input.temps.push(worktree);
  const identity = await hasCommitterIdentity(worktree);
  const env = identity ? undefined : { GIT_COMMITTER_NAME: COUNCIL_IDENTITY.GIT_COMMITTER_NAME, GIT_COMMITTER_EMAIL: COUNCIL_IDENTITY.GIT_COMMITTER_EMAIL };
  const picked = await cherryPick(worktree, commits.map((c) => c[0] as string), env);
  if (!picked.ok) {
    const unmerged = await unmergedPaths(worktree);
    const failed = /could not apply ([0-9a-f]+)\.\.\.\s*(.*)/.exec(picked.stderr);
    await abortCherryPick(worktree);
    const at = failed ? ` while replaying ${failed[1]} (${(failed[2] ?? '').trim()})` : '';
    const files = unmerged;
    return {
      kind: 'conflict',
      reason: files.length ? `rebasing onto ${session.baseBranch} conflicts in ${list(files)}${at}` : `rebasing onto ${session.baseBranch} failed${at}: ${picked.stderr.trim().split('\n').slice(0, 3).join(' ')}`,
      files,
    };
  }
  const head = await headCommit(worktree);
  return { kind: 'commit', commit: head, tree: null, worktree, commits: commits.length };
}
