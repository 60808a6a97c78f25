import type { Session } from '../../../shared/models';
import type { ContextStore } from '../context/context';
import { conflict, invalidInput, notFound } from '../errors';
import { unmergedPaths } from '../git/diff';
import { countCommits } from '../git/history';
import { branchCommit, headCommit } from '../git/refs';
import { worktreeStatus } from '../git/status';
import { abortUpdate, mergeInto, rebaseOnto, updateInProgress } from '../git/update';
import type { Workspace } from '../workspace';
import { isUpdateNote, NOTE_PREFIX } from '../context/update-note';

/**
 * Update from base (issue 14, item 5): the base branch as it is now, brought into the session's
 * branch in its own worktree, by a merge (the default) or a rebase. Refused while the worktree has
 * uncommitted changes or an agent runs in it, so an undo (`git merge --abort` / `git rebase
 * --abort`) always puts the branch and every file back exactly as they were. A conflict is left in
 * the worktree with its files named and the session marked blocked, to be resolved (by a person
 * or the session's agent) or undone.
 */

export type UpdateStrategy = 'merge' | 'rebase';

export interface UpdateResult {
  id: string;
  baseBranch: string;
  strategy: UpdateStrategy;
  /** updated; up-to-date (nothing new in the base); conflict (left in the worktree); aborted (undone). */
  state: 'updated' | 'up-to-date' | 'conflict' | 'aborted';
  /** How many of the base's commits came in (or would have, on a conflict). */
  commitsIn: number;
  /** The conflicted files (state conflict). */
  files: string[];
  /** The branch's commit after it all. */
  head: string;
  /** Words for the session's agent to resolve the conflict with (state conflict), else null. */
  resolvePrompt: string | null;
}

/** The reason a conflicted update leaves in the session's context: how an undo recognizes its own mark. */
const REASON_PREFIX = 'update from ';

const list = (files: readonly string[], max = 8): string => files.slice(0, max).join(', ') + (files.length > max ? ` and ${files.length - max} more` : '');

export function resolvePromptFor(session: Session, strategy: UpdateStrategy, files: readonly string[]): string {
  const how = strategy === 'merge' ? `merging ${session.baseBranch} into this branch` : `rebasing this branch onto ${session.baseBranch}`;
  const finish = strategy === 'merge' ? 'then commit the merge (git commit --no-edit)' : 'then git add them and continue the rebase (git rebase --continue) until it is done';
  return `An update from ${session.baseBranch} (${how}) stopped on conflicts in: ${files.join(', ')}. Resolve each conflict keeping the intent of both sides, make sure the code still builds and its tests pass, ${finish}.`;
}

export async function updateFromBase(ws: Workspace, context: ContextStore, session: Session, options: { strategy?: UpdateStrategy; agentRunning: boolean }): Promise<UpdateResult> {
  const strategy = options.strategy ?? 'merge';
  const cwd = session.worktreePath;
  const base = { id: session.id, baseBranch: session.baseBranch, strategy };
  if (options.agentRunning) throw conflict(`session ${session.id}'s agent is running in its worktree: stop it first (council session stop ${session.id}), then update from ${session.baseBranch}`);
  const pending = await updateInProgress(cwd);
  if (pending) throw conflict(`session ${session.id} has a ${pending} in progress in its worktree: resolve it and commit, or undo it (council session update ${session.id} --abort)`);
  const status = await worktreeStatus(cwd);
  if (status.length > 0) {
    throw conflict(
      `session ${session.id} has uncommitted changes in ${status.length} file(s) (${list(status.map((e) => e.path))}): commit them first (council session commit ${session.id} -m "…"), then update from ${session.baseBranch}`,
      { uncommitted: status.slice(0, 50).map((e) => e.path) },
    );
  }
  const baseTip = await branchCommit(ws.repo.commonDir, ws.repo.mainRoot, session.baseBranch);
  if (!baseTip) throw notFound(`session ${session.id}'s base branch ${session.baseBranch} does not exist (any more): there is nothing to update from`);
  const commitsIn = await countCommits(cwd, baseTip, 'HEAD');
  if (commitsIn === 0) return { ...base, state: 'up-to-date', commitsIn: 0, files: [], head: await headCommit(cwd), resolvePrompt: null };
  const outcome = strategy === 'merge' ? await mergeInto(cwd, baseTip, `Merge ${session.baseBranch} into ${session.branch}\n\nUpdate from base, by CLI Council.\n`) : await rebaseOnto(cwd, baseTip);
  if (outcome.ok) {
    await recordNewStart(ws, session.id, baseTip);
    return { ...base, state: 'updated', commitsIn, files: [], head: await headCommit(cwd), resolvePrompt: null };
  }
  const files = await unmergedPaths(cwd);
  const stopped = await updateInProgress(cwd);
  if (!stopped) {
    // git refused before it began (a hook, say): nothing to undo, nothing changed.
    throw conflict(`the ${strategy} of ${session.baseBranch} into session ${session.id} failed and changed nothing: ${outcome.output.split('\n').slice(-3).join(' ')}`);
  }
  const reason = `${REASON_PREFIX}${session.baseBranch} (${strategy}) stopped on conflicts in ${list(files)}: resolve them, or undo the update`;
  await context.update(session.id, { status: 'blocked', blockedReason: reason.slice(0, 2000), message: reason.slice(0, 2000) });
  return { ...base, state: 'conflict', commitsIn, files, head: await headCommit(cwd), resolvePrompt: resolvePromptFor(session, strategy, files) };
}

/**
 * After an update the session stands on the base's tip: that is where it now leaves its base. Kept
 * as its start commit, or what reads "where it started" would be wrong from here on: a session with
 * no commits of its own, fast-forwarded by a rebase, would read as merged (its tip moved, and the
 * base has it), and its commits since the base would count the base's own.
 */
async function recordNewStart(ws: Workspace, id: string, baseTip: string): Promise<void> {
  await ws.registry.update((file) => {
    const session = file.sessions[id];
    if (session === undefined || session.baseCommit === baseTip) return { next: null, result: undefined };
    return { next: { ...file, sessions: { ...file.sessions, [id]: { ...session, baseCommit: baseTip } } }, result: undefined };
  });
}

/** Undoes a conflicted update: `git merge --abort` or `git rebase --abort`, and the session's blocked mark with it. */
export async function abortUpdateFromBase(context: ContextStore, session: Session): Promise<UpdateResult> {
  const cwd = session.worktreePath;
  const pending = await updateInProgress(cwd);
  if (!pending) throw invalidInput(`session ${session.id} has no update (merge or rebase) in progress to undo`);
  await abortUpdate(cwd, pending);
  const now = context.get(session.id);
  if (now.status === 'blocked' && (now.blockedReason ?? '').startsWith(REASON_PREFIX)) {
    await context.update(session.id, { status: 'idle', blockedReason: null, message: `${NOTE_PREFIX}${session.baseBranch} was undone` });
  }
  return { id: session.id, baseBranch: session.baseBranch, strategy: pending, state: 'aborted', commitsIn: 0, files: [], head: await headCommit(cwd), resolvePrompt: null };
}

/**
 * After a commit: a conflicted update whose conflicts were resolved and committed (nothing in
 * progress any more) no longer blocks the session. Only the mark this module set is lifted.
 */
export async function clearResolvedUpdateMark(context: ContextStore, session: Session): Promise<void> {
  const now = context.get(session.id);
  if (now.status !== 'blocked' || !(now.blockedReason ?? '').startsWith(REASON_PREFIX)) return;
  if ((await updateInProgress(session.worktreePath)) !== null) return;
  await context.update(session.id, { status: 'idle', blockedReason: null, message: `${NOTE_PREFIX}${session.baseBranch} was resolved and committed` });
}

/**
 * The note an undone or resolved update leaves (context/update-note.ts) goes with the next action on
 * the session (a commit, a discard, an update) and with the next change of its context.
 */
export async function clearUpdateNote(context: ContextStore, sessionId: string): Promise<void> {
  if (!isUpdateNote(context.get(sessionId).message)) return;
  await context.update(sessionId, { message: null });
}
