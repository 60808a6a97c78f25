import { invalidInput } from '../errors';
import { git } from '../git/git';
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
  const status = await worktreeStatus(session.worktreePath);
  if (status.length === 0) return { id: session.id, commit: null, files: 0 };
  const cwd = session.worktreePath;
  const commit = await withIndexCopy(cwd, async (indexCopy) => {
    const env = { GIT_INDEX_FILE: indexCopy };
    await git(['add', '--all', '--', '.'], { cwd, env });
    // The files may already be committed with an index that says otherwise (status then lists
    // "changes" that `add` finds none of): nothing to commit, and the staged copy — which matches
    // HEAD — becomes the index. A failing hook or anything else is still an error.
    if (!(await git(['diff', '--cached', '--name-only', '-z'], { cwd, env })).stdout) return null;
    await git(['commit', '--quiet', '--no-edit', '-m', text], { cwd, env });
    return (await git(['rev-parse', 'HEAD'], { cwd })).stdout.trim();
  });
  return { id: session.id, commit, files: commit ? status.length : 0 };
}
