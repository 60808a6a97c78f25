import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CouncilError } from '../errors';

/** A worktree's own git dir: `.git` itself in a main checkout, where its `.git` file points
 * (`.git/worktrees/<name>`) in a linked worktree. Read from files, no git process. */
export function worktreeGitDir(worktree: string): string {
  const dotGit = path.join(worktree, '.git');
  if (statSync(dotGit).isDirectory()) return dotGit;
  const pointer = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1];
  if (!pointer) throw new CouncilError('not-a-repo', `${dotGit} is not a valid .git file`);
  return path.resolve(worktree, pointer.trim());
}
