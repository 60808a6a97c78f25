import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Session } from '../../../shared/models';
import type { Council } from '../council';
import { mergeBase } from '../git/history';
import { baseRef } from '../sessions/changes';

/** The two sides a comment can be on: the session's files (`new`) and its base's (`old`), as the diff shows them. */

/** The commit the diff's old side shows for a session whose HEAD is `head`: where it left its base. */
export async function oldSideCommit(council: Council, session: Session, head: string): Promise<string> {
  return (await mergeBase(session.worktreePath, baseRef(council.ws, session), head, { unknownIsNull: true })) ?? session.baseCommit;
}

/** The text of a file of the worktree as it is now (null: not there). */
export function worktreeText(session: Session, rel: string): string | null {
  try {
    return readFileSync(path.join(session.worktreePath, ...rel.split('/')), 'utf8');
  } catch {
    return null;
  }
}
