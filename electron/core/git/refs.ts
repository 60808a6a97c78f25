import { readFileSync } from 'node:fs';
import path from 'node:path';
import { git } from './git';

/** The branch the main checkout is on (read from its HEAD file), or null when detached. */
export function currentBranch(commonDir: string): string | null {
  const head = readFileSync(path.join(commonDir, 'HEAD'), 'utf8').trim();
  const match = /^ref: refs\/heads\/(.+)$/.exec(head);
  return match?.[1] ?? null;
}

/** The commit a ref points at, or null when it does not exist. */
export async function resolveCommit(cwd: string, ref: string): Promise<string | null> {
  const out = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { cwd, okExitCodes: [1, 128] });
  return out.exitCode === 0 ? out.stdout.trim() : null;
}

export const branchRef = (branch: string): string => `refs/heads/${branch}`;

/** Whether the repository has any commit at all (HEAD may be unborn while other branches exist). */
export async function hasAnyCommit(cwd: string): Promise<boolean> {
  const out = await git(['rev-list', '-n', '1', '--all'], { cwd });
  return out.stdout.trim() !== '';
}
