import { execFileSync } from 'node:child_process';
import { utimesSync } from 'node:fs';
import { tempRoot } from '../../electron/core/merge/temp-worktree';
import type { Workspace } from '../../electron/core/workspace';
import { intoStateFolders } from './crash-locks';
import { gitSync } from './repo';
import { walk } from './walk';

/**
 * For crash tests of the merge queue: after the test has killed the only process that could hold
 * the repository's locks, it ages their lock folders past any stale time instead of waiting it out
 * (the merge lock is taken over 10 s after its holder stops refreshing it, the worktree-list lock
 * after 15 s). Only the clock is skipped; the takeover is the locks' own.
 */
export function ageLocksOfDeadHolder(ws: Workspace): string[] {
  const aged: string[] = [];
  const old = new Date(Date.now() - 120_000);
  for (const e of walk(ws.paths.dir, intoStateFolders)) {
    if (!e.dir || !(e.name.endsWith('.lock') || e.name.endsWith('.mutex'))) continue;
    try {
      utimesSync(e.full, old, old);
      aged.push(e.full);
    } catch {
      // gone meanwhile
    }
  }
  return aged;
}

/** `git fsck --no-dangling`: its complaints, or '' when the repository is sound. */
export function fsck(root: string): string {
  try {
    execFileSync('git', ['fsck', '--no-dangling', '--no-progress'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return '';
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; status?: number };
    return `exit ${e.status}: ${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
  }
}

/** Worktrees git lists under the merge queue's scratch folder. */
export function scratchWorktrees(ws: Workspace): string[] {
  const root = tempRoot(ws);
  return gitSync(ws.repo.mainRoot, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .map((l) => l.slice('worktree '.length))
    .filter((p) => p.startsWith(root));
}
