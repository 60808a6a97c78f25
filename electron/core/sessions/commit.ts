import { conflict, invalidInput } from '../errors';
import { commitIndex } from '../git/commit';
import { addAll, stagedPaths } from '../git/index-file';
import { headCommit } from '../git/refs';
import type { Workspace } from '../workspace';
import { worktreeStatus } from '../git/status';
import { withIndexCopy } from './index-lock';

export interface CommitResult {
  id: string;
  /** The new commit, or null when there was nothing to commit. */
  commit: string | null;
  files: number;
}

/**
 * Commits everything in a session's worktree (tracked changes and new files; ignored files stay
 * out), with the user's own `git commit` (hooks and all), on a copy of the index under our own
 * index.lock (index-lock.ts): killed at any moment, it never leaves the worktree's index locked.
 */
export async function commitSession(ws: Workspace, idOrPrefix: string, message: string): Promise<CommitResult> {
  const session = ws.registry.resolve(idOrPrefix);
  const text = message.trim();
  if (!text) throw invalidInput('the commit message is empty');
  if (session.host) {
    // Its worktree is on its host (issue 17): committed there, then fetched home.
    const { commitOnHost } = await import('../hosts/remote-session');
    const { gitIdentity } = await import('../git/remote');
    return { id: session.id, ...(await commitOnHost(ws, session, text, await gitIdentity(ws.repo.mainRoot))) };
  }
  const status = await worktreeStatus(session.worktreePath);
  if (status.length === 0) return { id: session.id, commit: null, files: 0 };
  const cwd = session.worktreePath;
  const commit = await withIndexCopy(cwd, async (indexCopy) => {
    await addAll(cwd, indexCopy);
    // The files may already be committed with an index that says otherwise (status then lists
    // "changes" that `add` finds none of): nothing to commit, and the staged copy — which matches
    // HEAD — becomes the index. A failing hook or anything else is still an error.
    if ((await stagedPaths(cwd, indexCopy)).length === 0) return null;
    await commitIndex(cwd, text, indexCopy);
    return headCommit(cwd);
  });
  // Nothing committed while status listed changes is right only when the index was merely behind
  // HEAD (the copy, now the index, matches HEAD and status is clean). Anything status still lists
  // is work git could not stage (a nested repository's own changes, say): said, never dropped —
  // the merge queue parks on it instead of merging the session without it.
  if (!commit) {
    const left = await worktreeStatus(cwd);
    if (left.length > 0) {
      const names = left.slice(0, 5).map((e) => e.path).join(', ');
      throw conflict(`${left.length} changed file(s) could not be committed (${names}${left.length > 5 ? ', …' : ''}): git staged none of them; commit them by hand in ${cwd}, then retry`);
    }
  }
  return { id: session.id, commit, files: commit ? status.length : 0 };
}

/** What the merge queue says after committing a session's pending work. */
export function committedMessage(files: number, commit: string | null): string {
  return commit
    ? `committed the session's pending work (${files} file(s)) as ${commit.slice(0, 12)}`
    : `nothing to commit: the ${files} change(s) git status listed were already in the session's last commit (its index was behind)`;
}
