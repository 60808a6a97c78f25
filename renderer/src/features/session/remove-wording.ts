import type { SessionWork } from '../../../../shared/models';
import { capitalize, plural } from '../../lib/format';

/** Whether removing the session now would lose anything (so it must be archived first). */
export function hasWork(work: SessionWork): boolean {
  return work.unmergedCommits > 0 || work.uncommitted.length > 0;
}

/**
 * The removal warning, said plainly: "3 unmerged commits and uncommitted changes in 2 files will be
 * kept under refs/council/archive/3f2a-… and the worktree deleted." Null when there is no work.
 */
export function describeWorkAtRisk(work: SessionWork, sessionId: string): string | null {
  const parts: string[] = [];
  if (work.unmergedCommits > 0) parts.push(`${plural(work.unmergedCommits, 'unmerged commit')}`);
  if (work.uncommitted.length > 0) parts.push(`uncommitted changes in ${plural(work.uncommitted.length, 'file')}`);
  if (parts.length === 0) return null;
  return `${capitalize(parts.join(' and '))} will be kept under refs/council/archive/${sessionId}-… and the worktree deleted.`;
}
