import { existsSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { Session } from '../../../shared/models';
import { ContextStore } from '../context/context';
import { conflict, CouncilError } from '../errors';
import { removeOnHost, syncHome } from '../hosts/remote-session';
import { snapshotWorktree } from '../git/index-file';
import { listWorktrees, pruneWorktrees, removeWorktree } from '../git/worktree';
import { withWorktreeAdmin } from '../git/worktree-admin';
import { branchCommit, branchRef, createRef, deleteRef } from '../git/refs';
import { FileLocks } from '../locks/file-locks';
import type { Workspace } from '../workspace';
import { inspectWork, type SessionWork } from './inspect';
import { archiveRef } from './naming';
import { recordRemoval } from './removed-log';

export interface RemoveResult {
  id: string;
  branch: string;
  worktreePath: string;
  /** Where the session's last state is kept when it had work that was not merged (force only). */
  archivedAs: string | null;
  /** The commit kept there: the branch tip, or a snapshot of uncommitted work on top of it. */
  archivedCommit: string | null;
  locksReleased: string[];
}

function describeWork(work: SessionWork): string {
  const parts: string[] = [];
  if (work.unmergedCommits > 0) parts.push(`${work.unmergedCommits} unmerged commit${work.unmergedCommits === 1 ? '' : 's'}`);
  if (work.uncommitted.length > 0) parts.push(`uncommitted changes in ${work.uncommitted.length} file${work.uncommitted.length === 1 ? '' : 's'}`);
  return parts.join(' and ');
}

/**
 * Removes a session: worktree, branch, locks, context, registry entry. Refuses when the session
 * holds work its base branch does not have (commits or uncommitted changes) unless `force`; then
 * that work is first kept under `refs/council/archive/<id>-<time>` (uncommitted changes as a
 * snapshot commit on top of the tip), and only after that is anything deleted.
 */
export async function removeSession(ws: Workspace, idOrPrefix: string, options: { force?: boolean } = {}): Promise<RemoveResult> {
  const session = ws.registry.resolve(idOrPrefix);
  // Marked first, so that from now on the session takes no new locks (agents' hooks are refused)
  // while we look at its work.
  await setState(ws, session, 'removing');
  // A remote session's work is on its host: fetched home first (its folder here then holds it),
  // or nothing is removed (issue 17).
  let fromHost: { commit: string; tree: string } | null = null;
  if (session.host) {
    try {
      fromHost = await syncHome(ws, session);
    } catch (err) {
      await setState(ws, session, 'ready');
      throw hostUnreachable(session, err);
    }
  }
  const work = await inspectWork(ws, session);
  const hasWork = work.unmergedCommits > 0 || work.uncommitted.length > 0;
  if (hasWork && !options.force) {
    await setState(ws, session, session.state === 'removing' ? 'ready' : session.state);
    throw conflict(
      `session ${session.id} has ${describeWork(work)}; nothing was removed. Merge it first, or remove it with --force (its work is then kept under refs/council/archive/${session.id}-…)`,
      { unmergedCommits: work.unmergedCommits, uncommitted: work.uncommitted.slice(0, 50) },
    );
  }
  let archivedAs: string | null = null;
  let archivedCommit: string | null = null;
  if (hasWork) {
    archivedCommit = work.branchTip;
    if (work.uncommitted.length > 0 && fromHost) {
      // The host's own snapshot: its uncommitted work on top of its HEAD, as fetched.
      archivedCommit = fromHost.commit;
    } else if (work.uncommitted.length > 0 && work.worktreeExists) {
      archivedCommit = await snapshotWorktree(session.worktreePath, `council: uncommitted work of session ${session.id} (${session.task}), kept at removal`);
    }
    if (archivedCommit) {
      archivedAs = archiveRef(session.id, new Date());
      await createRef(ws.repo.mainRoot, archivedAs, archivedCommit, `council: archive of session ${session.id}`);
    }
  }
  if (session.host) {
    // Its work is home (merged, or archived above): the worktree on the host goes first, unless
    // something changed there since it was fetched.
    try {
      await removeOnHost(ws, session, fromHost?.tree ?? null);
    } catch (err) {
      await setState(ws, session, 'ready');
      throw hostUnreachable(session, err);
    }
  }
  await deleteSessionGitState(ws, session, work.branchTip);
  const locksReleased = await new FileLocks(ws).releaseAll(session.id);
  new ContextStore(ws).remove(session.id);
  await ws.registry.update((file) => {
    const sessions = { ...file.sessions };
    delete sessions[session.id];
    return { next: { ...file, sessions }, result: undefined };
  });
  try {
    await recordRemoval(ws.paths, { id: session.id, task: session.task, branch: session.branch, baseBranch: session.baseBranch, removedAt: new Date().toISOString(), archivedAs, archivedCommit });
  } catch {
    // the log is a convenience: the removal is done, and its work (if any) is under archivedAs
  }
  return { id: session.id, branch: session.branch, worktreePath: session.worktreePath, archivedAs, archivedCommit, locksReleased };
}

/** A host that could not be reached (or refused) while removing: nothing was removed, and why. */
function hostUnreachable(session: Session, err: unknown): Error {
  if (!(err instanceof CouncilError) || err.code !== 'command-failed') return err as Error;
  const host = session.host?.name ?? '?';
  return new CouncilError(
    'command-failed',
    `session ${session.id}'s work is on ${host}, and it could not be fetched from there: nothing was removed (its worktree on ${host} may hold the only copy). ${err.message}; then remove it again`,
    { ...(err.details ?? {}), host, session: session.id },
  );
}

async function setState(ws: Workspace, session: Session, state: Session['state']): Promise<void> {
  await ws.registry.update((file) => {
    const current = file.sessions[session.id];
    if (!current || current.state === state) return { next: null, result: undefined };
    const { busy: _before, ...rest } = current;
    const next: Session = state === 'removing' ? { ...rest, state, busy: { pid: process.pid, since: new Date().toISOString() } } : { ...rest, state };
    return { next: { ...file, sessions: { ...file.sessions, [session.id]: next } }, result: undefined };
  });
}

/**
 * Deletes the branch, then the worktree. Only called once the work is merged or archived. The
 * branch is deleted only if it still points where it did when the work was inspected
 * (`expectedTip`): a commit made in between makes git refuse, and nothing is deleted.
 */
export async function deleteSessionGitState(ws: Workspace, session: Session, expectedTip: string | null): Promise<void> {
  const cwd = ws.repo.mainRoot;
  const tip = await branchCommit(ws.repo.commonDir, cwd, session.branch);
  if (tip) {
    if (expectedTip && tip !== expectedTip) {
      throw conflict(`session ${session.id}'s branch ${session.branch} moved while it was being removed (a new commit); nothing was deleted — look at it, then remove it again`);
    }
    await deleteRef(cwd, branchRef(session.branch), tip, ws.repo.commonDir);
  }
  await withWorktreeAdmin(ws, `remove session ${session.id}`, async () => {
    if (existsSync(session.worktreePath)) {
      await removeWorktree(cwd, session.worktreePath);
    }
    await pruneWorktrees(cwd);
  });
}

/**
 * A removal killed inside `git update-ref -d` of the session's branch leaves the branch's lock
 * file, and the branch can then be neither deleted nor moved by anyone. A deletion writes no value
 * into its lock, so reconcile, finishing that removal, drops the lock when it carries no new work:
 * empty, or holding the commit the branch already points at. A lock holding any other commit is a
 * commit in progress (someone's git, still running) and stays.
 */
export function dropDeletionLockOfBranch(ws: Workspace, session: Session, tip: string | null): void {
  const lock = `${path.join(ws.repo.commonDir, 'refs', 'heads', ...session.branch.split('/'))}.lock`;
  let content: string;
  try {
    content = readFileSync(lock, 'utf8').trim();
  } catch {
    return;
  }
  if (content !== '' && content !== tip) return;
  try {
    unlinkSync(lock);
  } catch {
    // gone meanwhile
  }
}

/**
 * Finishes a `git worktree remove` that was killed part-way. Git deletes the folder's files first
 * (its `.git` file among them, in no set order) and its admin folder last, so a killed one can leave
 * a folder git no longer knows as a worktree, holding some of the session's files, which nothing
 * would ever delete. Call it only for a removal that had deleted the session's branch: it deletes
 * the branch before the folder, and nothing before the work is merged or archived, so what is
 * left there is already kept. A folder git still lists as a worktree is never touched here.
 */
export async function removeRemnantFolder(ws: Workspace, session: Session): Promise<boolean> {
  if (!existsSync(session.worktreePath)) return false;
  return withWorktreeAdmin(ws, `remove what is left of session ${session.id}`, async () => {
    const listed = await listWorktrees(ws.repo.mainRoot);
    if (listed.some((w) => path.resolve(w.path) === path.resolve(session.worktreePath))) return false;
    rmSync(session.worktreePath, { recursive: true, force: true });
    return true;
  });
}
