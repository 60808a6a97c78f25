import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Session } from '../../../shared/models';
import type { Council } from '../council';
import { mergeBase } from '../git/history';
import { branchRef, readBranchCommit } from '../git/refs';

/** The two sides a comment can be on: the session's files (`new`) and its base's (`old`), as the diff shows them. */

/** What the session's changes are measured against (as the diff does): its base branch, or the commit it started from when that branch is gone. */
function baseRefOf(council: Council, session: Session): string {
  return readBranchCommit(council.ws.repo.commonDir, session.baseBranch) === null ? session.baseCommit : branchRef(session.baseBranch);
}

/** The commit the diff's old side shows for a session whose HEAD is `head`: where it left its base. */
export async function oldSideCommit(council: Council, session: Session, head: string): Promise<string> {
  return (await mergeBase(session.worktreePath, baseRefOf(council, session), head, { unknownIsNull: true })) ?? session.baseCommit;
}

/** The text of a file of the worktree as it is now (null: not there). */
export function worktreeText(session: Session, rel: string): string | null {
  try {
    return readFileSync(path.join(session.worktreePath, ...rel.split('/')), 'utf8');
  } catch {
    return null;
  }
}
