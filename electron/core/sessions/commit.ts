import { invalidInput } from '../errors';
import { git } from '../git/git';
import type { Workspace } from '../workspace';
import { worktreeStatus } from '../git/status';

export interface CommitResult {
  id: string;
  /** The new commit, or null when there was nothing to commit. */
  commit: string | null;
  files: number;
}

/** Commits everything in a session's worktree (tracked changes and new files; ignored files stay out). */
export async function commitSession(ws: Workspace, idOrPrefix: string, message: string): Promise<CommitResult> {
  const session = ws.registry.resolve(idOrPrefix);
  const text = message.trim();
  if (!text) throw invalidInput('the commit message is empty');
  const status = await worktreeStatus(session.worktreePath);
  if (status.length === 0) return { id: session.id, commit: null, files: 0 };
  await git(['add', '--all', '--', '.'], { cwd: session.worktreePath });
  await git(['commit', '--quiet', '--no-edit', '-m', text], { cwd: session.worktreePath });
  const head = await git(['rev-parse', 'HEAD'], { cwd: session.worktreePath });
  return { id: session.id, commit: head.stdout.trim(), files: status.length };
}
