import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Session } from '../../../shared/models';
import { ContextStore } from '../context/context';
import { mergeBase } from '../git/history';
import { snapshotTree } from '../git/index-file';
import type { WorktreeEntry } from '../git/parse';
import { branchCommit, branchRef, currentBranch, dropStaleLock, forEachRef, resolveCommit } from '../git/refs';
import { addWorktree, listWorktrees as gitWorktrees, pruneWorktrees } from '../git/worktree';
import { withWorktreeAdmin } from '../git/worktree-admin';
import { FileLocks } from '../locks/file-locks';
import type { Workspace } from '../workspace';
import { rollback } from './create';
import { clearUnfinishedAdminFolders, unfinishedAdminFolders } from './half-made';
import { isAlive } from '../agents/runner/process-tree';
import { recoverIndexLock } from './index-lock';
import { inspectWork } from './inspect';
import { deleteSessionGitState, dropDeletionLockOfBranch, removeRemnantFolder } from './remove';

export interface ReconcileReport {
  /** Admin folders of `git worktree add`s killed before writing them out (git cannot read them). */
  unfinishedAddsCleared: string[];
  /** `git worktree prune` ran because git listed worktrees whose folder is gone. */
  pruned: string[];
  /** Half-created sessions finished (git had made them) or rolled back (it had not). */
  finishedCreating: string[];
  rolledBack: string[];
  /** Half-removed sessions whose removal was completed (their work was already archived or merged). */
  finishedRemoving: string[];
  /** Half-removed sessions whose work was not kept anywhere yet: back to ready, nothing deleted. */
  removalsUndone: string[];
  /** Registered sessions whose worktree folder was gone: recreated from their branch. */
  restoredWorktrees: string[];
  /** Registered sessions with neither worktree nor branch: nothing left to lose, entry dropped. */
  droppedEntries: string[];
  /** Sessions whose worktree index a council commit killed part-way had left locked: unlocked. */
  indexLocksCleared: string[];
  /** Council worktrees git knows of that the registry did not: added back to the registry. */
  adopted: string[];
  /** Sessions another live process is creating or removing right now: left to it. */
  inProgress: string[];
  /** Locks and context records of sessions that no longer exist. */
  orphanLocksDropped: string[];
  orphanContextsDropped: string[];
  /** Sessions that could not be brought into agreement, as "<id>: <what failed>": left as they
   * were (the others are still reconciled; a later reconcile tries again). */
  failed: string[];
}

export function listWorktrees(ws: Workspace): Promise<WorktreeEntry[]> {
  return gitWorktrees(ws.repo.mainRoot);
}


/** Creating or removing takes seconds; a record older than this is taken for crashed even if its
 * process id is alive (the id may have been reused). */
const BUSY_MAX_MS = 10 * 60_000;

/** A `creating` or `removing` record whose process is alive (and not long ago): someone is on it. */
function beingWorkedOn(session: Session): boolean {
  if ((session.state !== 'creating' && session.state !== 'removing') || !session.busy) return false;
  const age = Date.now() - Date.parse(session.busy.since);
  return age >= 0 && age < BUSY_MAX_MS && isAlive(session.busy.pid);
}

/**
 * Brings the registry and git's own list of worktrees into agreement after a crash or a user's
 * manual changes, without ever deleting work: a missing folder is recreated from its branch, an
 * unknown council worktree is adopted, and only records with nothing behind them are dropped.
 */
export async function reconcile(ws: Workspace): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    unfinishedAddsCleared: [],
    pruned: [],
    finishedCreating: [],
    rolledBack: [],
    finishedRemoving: [],
    removalsUndone: [],
    restoredWorktrees: [],
    droppedEntries: [],
    indexLocksCleared: [],
    adopted: [],
    inProgress: [],
    orphanLocksDropped: [],
    orphanContextsDropped: [],
    failed: [],
  };
  /** One session's trouble (a folder in the way, a git error) must not stop the others. */
  const guarded = async (id: string, what: string, step: () => Promise<void>): Promise<void> => {
    try {
      await step();
    } catch (err) {
      report.failed.push(`${id}: ${what} failed: ${(err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim().slice(0, 400)}`);
    }
  };
  const cwd = ws.repo.mainRoot;
  // First, before any `git worktree` command: those fail while such a folder is there.
  if (unfinishedAdminFolders(ws).length > 0) {
    report.unfinishedAddsCleared = await withWorktreeAdmin(ws, 'reconcile: unfinished worktree adds', async () => clearUnfinishedAdminFolders(ws));
  }
  let worktrees = await listWorktrees(ws);
  const prunable = worktrees.filter((w) => w.prunable || (!w.bare && !existsSync(w.path)));
  if (prunable.length > 0) {
    await withWorktreeAdmin(ws, 'reconcile: prune', () => pruneWorktrees(cwd));
    report.pruned = prunable.map((w) => w.path);
    worktrees = await listWorktrees(ws);
  }
  // By path, once: a find per session was 250,000 path comparisons at 500 sessions.
  const listed = new Map<string, WorktreeEntry>();
  for (const w of worktrees) if (!listed.has(path.resolve(w.path))) listed.set(path.resolve(w.path), w);
  const byPath = (p: string): WorktreeEntry | undefined => listed.get(path.resolve(p));

  for (const session of ws.registry.all()) {
    if (beingWorkedOn(session)) {
      report.inProgress.push(session.id);
      continue;
    }
    await guarded(session.id, 'reconciling it', () => reconcileSession(ws, session, byPath(session.worktreePath), report));
  }

  for (const session of ws.registry.all()) {
    await guarded(session.id, 'clearing its index lock', async () => {
      if (await recoverIndexLock(session.worktreePath)) report.indexLocksCleared.push(session.id);
    });
  }

  // Listed again: the loop above may have removed or recreated worktrees.
  worktrees = await listWorktrees(ws);
  const known = new Set(ws.registry.all().map((s) => path.resolve(s.worktreePath)));
  for (const w of worktrees) {
    if (!w.branch?.startsWith('refs/heads/council/') || known.has(path.resolve(w.path)) || !w.head) continue;
    await guarded(path.basename(w.path), `adopting ${w.path}`, async () => {
      const adopted = await adopt(ws, w);
      if (adopted) report.adopted.push(adopted);
    });
  }

  report.orphanLocksDropped = await new FileLocks(ws).dropOrphans();
  report.orphanContextsDropped = new ContextStore(ws).cleanupStale().removed;
  return report;
}

/** One registered session against git's state (see reconcile). */
async function reconcileSession(ws: Workspace, session: Session, entry: WorktreeEntry | undefined, report: ReconcileReport): Promise<void> {
  const cwd = ws.repo.mainRoot;
  const tip = await branchCommit(ws.repo.commonDir, cwd, session.branch);
  if (session.state === 'creating') {
    // A locked worktree is a `git worktree add` that never finished (see half-made.ts).
    if (entry && tip && !entry.locked) {
      await setReady(ws, session);
      report.finishedCreating.push(session.id);
    } else {
      await rollback(ws, session);
      report.rolledBack.push(session.id);
    }
    return;
  }
  if (session.state === 'removing') {
    if (await removalLosesNothing(ws, session, tip)) {
      dropDeletionLockOfBranch(ws, session, tip);
      // A removal killed inside `git update-ref -d` can leave packed-refs.lock even when the branch
      // is already gone: taken over once it stays unchanged longer than git would wait for it.
      if (!tip) await dropStaleLock(path.join(ws.repo.commonDir, 'packed-refs.lock'));
      await deleteSessionGitState(ws, session, tip);
      // The branch already gone: the removal was deleting the folder when it stopped.
      if (!tip) await removeRemnantFolder(ws, session);
      await forget(ws, session.id);
      report.finishedRemoving.push(session.id);
      return;
    }
    // Back to ready, and on like any ready session (its worktree restored if it is gone).
    await setReady(ws, session);
    report.removalsUndone.push(session.id);
  }
  if (entry) return;
  if (tip) {
    await withWorktreeAdmin(ws, `reconcile: restore session ${session.id}`, () => addWorktree(cwd, session.worktreePath, session.branch));
    report.restoredWorktrees.push(session.id);
  } else {
    await forget(ws, session.id);
    report.droppedEntries.push(session.id);
  }
}

/**
 * May an interrupted removal be finished? A removal deletes nothing before the session's work is
 * merged or archived, and then deletes the branch before the folder. So: with the branch gone, it
 * had got past that point. With the branch there, its unmerged commits must be archived, and its
 * uncommitted changes too (an archived snapshot with exactly the worktree's tree as it is now): a
 * removal killed before that — or one that was refusing, because the work was not merged — was
 * never cleared to delete anything, and the session goes back to ready.
 */
async function removalLosesNothing(ws: Workspace, session: Session, tip: string | null): Promise<boolean> {
  if (!tip) return true;
  const work = await inspectWork(ws, session);
  if (work.unmergedCommits === 0 && work.uncommitted.length === 0) return true;
  const archived = await archivedCommits(ws, session.id);
  if (work.unmergedCommits > 0 && !archived.tips.has(tip)) return false;
  return work.uncommitted.length === 0 || archived.trees.has(await snapshotTree(session.worktreePath));
}

async function archivedCommits(ws: Workspace, id: string): Promise<{ tips: Set<string>; trees: Set<string> }> {
  const trees = await forEachRef(ws.repo.mainRoot, '%(tree)', `refs/council/archive/${id}-*`);
  return { tips: await archivedTips(ws, id), trees: new Set(trees) };
}

async function archivedTips(ws: Workspace, id: string): Promise<Set<string>> {
  const lines = await forEachRef(ws.repo.mainRoot, '%(objectname) %(*objectname)', `refs/council/archive/${id}-*`);
  const tips = new Set<string>();
  for (const line of lines) for (const sha of line.split(' ')) if (sha) tips.add(sha);
  // A snapshot commit's parent is the tip it was taken on.
  for (const sha of [...tips]) {
    const parent = await resolveCommit(ws.repo.mainRoot, `${sha}^`);
    if (parent) tips.add(parent);
  }
  return tips;
}

async function setReady(ws: Workspace, session: Session): Promise<void> {
  await ws.registry.update((file) => {
    const current = file.sessions[session.id];
    if (!current) return { next: null, result: undefined };
    return { next: { ...file, sessions: { ...file.sessions, [session.id]: { ...current, state: 'ready' } } }, result: undefined };
  });
}

async function forget(ws: Workspace, id: string): Promise<void> {
  await new FileLocks(ws).releaseAll(id);
  new ContextStore(ws).remove(id);
  await ws.registry.update((file) => {
    if (!file.sessions[id]) return { next: null, result: undefined };
    const sessions = { ...file.sessions };
    delete sessions[id];
    return { next: { ...file, sessions }, result: undefined };
  });
}

/** Registers a council worktree the registry lost (its id is the branch name's last part). */
async function adopt(ws: Workspace, w: WorktreeEntry): Promise<string | null> {
  const branch = (w.branch ?? '').slice('refs/heads/'.length);
  const match = /-([0-9a-f]{6,12})$/.exec(branch);
  if (!match?.[1] || !w.head) return null;
  const id = match[1];
  const baseBranch = currentBranch(ws.repo.commonDir) ?? 'main';
  const baseCommit = (await mergeBase(ws.repo.mainRoot, branchRef(baseBranch), w.head, { unknownIsNull: true })) ?? w.head;
  return ws.registry.update((file) => {
    if (file.sessions[id]) return { next: null, result: null };
    const session: Session = {
      id,
      task: `(recovered) ${branch.replace(/^council\//, '').replace(/-[0-9a-f]+$/, '')}`,
      agent: null,
      branch,
      worktreePath: w.path,
      baseBranch,
      baseCommit,
      createdAt: new Date().toISOString(),
      state: 'ready',
    };
    return { next: { ...file, sessions: { ...file.sessions, [id]: session } }, result: id };
  });
}
