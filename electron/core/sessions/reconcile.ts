import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Session } from '../../../shared/models';
import { ContextStore } from '../context/context';
import { git } from '../git/git';
import { withWorktreeAdmin } from '../git/worktree-admin';
import { parseWorktreeList, type WorktreeEntry } from '../git/parse';
import { branchCommit, branchRef, currentBranch, resolveCommit } from '../git/refs';
import { FileLocks } from '../locks/file-locks';
import type { Workspace } from '../workspace';
import { rollback } from './create';
import { deleteSessionGitState } from './remove';

export interface ReconcileReport {
  /** `git worktree prune` ran because git listed worktrees whose folder is gone. */
  pruned: string[];
  /** Half-created sessions finished (git had made them) or rolled back (it had not). */
  finishedCreating: string[];
  rolledBack: string[];
  /** Half-removed sessions whose removal was completed (their work was already archived or merged). */
  finishedRemoving: string[];
  /** Registered sessions whose worktree folder was gone: recreated from their branch. */
  restoredWorktrees: string[];
  /** Registered sessions with neither worktree nor branch: nothing left to lose, entry dropped. */
  droppedEntries: string[];
  /** Council worktrees git knows of that the registry did not: added back to the registry. */
  adopted: string[];
  /** Locks and context records of sessions that no longer exist. */
  orphanLocksDropped: string[];
  orphanContextsDropped: string[];
}

export async function listWorktrees(ws: Workspace): Promise<WorktreeEntry[]> {
  const out = await git(['worktree', 'list', '--porcelain', '-z'], { cwd: ws.repo.mainRoot });
  return parseWorktreeList(out.stdout);
}

const samePath = (a: string, b: string): boolean => path.resolve(a) === path.resolve(b);

/**
 * Brings the registry and git's own list of worktrees into agreement after a crash or a user's
 * manual changes, without ever deleting work: a missing folder is recreated from its branch, an
 * unknown council worktree is adopted, and only records with nothing behind them are dropped.
 */
export async function reconcile(ws: Workspace): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    pruned: [],
    finishedCreating: [],
    rolledBack: [],
    finishedRemoving: [],
    restoredWorktrees: [],
    droppedEntries: [],
    adopted: [],
    orphanLocksDropped: [],
    orphanContextsDropped: [],
  };
  const cwd = ws.repo.mainRoot;
  let worktrees = await listWorktrees(ws);
  const prunable = worktrees.filter((w) => w.prunable || (!w.bare && !existsSync(w.path)));
  if (prunable.length > 0) {
    await withWorktreeAdmin(ws, 'reconcile: prune', () => git(['worktree', 'prune'], { cwd }));
    report.pruned = prunable.map((w) => w.path);
    worktrees = await listWorktrees(ws);
  }
  const byPath = (p: string): WorktreeEntry | undefined => worktrees.find((w) => samePath(w.path, p));

  for (const session of ws.registry.all()) {
    const entry = byPath(session.worktreePath);
    const tip = await branchCommit(ws.repo.commonDir, cwd, session.branch);
    if (session.state === 'creating') {
      if (entry && tip) {
        await setReady(ws, session);
        report.finishedCreating.push(session.id);
      } else {
        await rollback(ws, session);
        report.rolledBack.push(session.id);
      }
      continue;
    }
    if (session.state === 'removing') {
      // A removal only starts deleting after the work is merged or archived, and it deletes the
      // branch before the folder; a branch that still has unmerged commits was never cleared for
      // deletion, so the session goes back to ready instead.
      const base = (await branchCommit(ws.repo.commonDir, cwd, session.baseBranch)) ?? session.baseCommit;
      const unmerged = tip ? Number((await git(['rev-list', '--count', tip, '--not', base], { cwd })).stdout.trim()) : 0;
      const archived = await archivedTips(ws, session.id);
      if (tip && unmerged > 0 && !archived.has(tip)) {
        await setReady(ws, session);
        continue;
      }
      await deleteSessionGitState(ws, session, tip);
      await forget(ws, session.id);
      report.finishedRemoving.push(session.id);
      continue;
    }
    if (entry) continue;
    if (tip) {
      await withWorktreeAdmin(ws, `reconcile: restore session ${session.id}`, () => git(['worktree', 'add', session.worktreePath, session.branch], { cwd }));
      report.restoredWorktrees.push(session.id);
    } else {
      await forget(ws, session.id);
      report.droppedEntries.push(session.id);
    }
  }

  // Listed again: the loop above may have removed or recreated worktrees.
  worktrees = await listWorktrees(ws);
  const known = new Set(ws.registry.all().map((s) => path.resolve(s.worktreePath)));
  for (const w of worktrees) {
    if (!w.branch?.startsWith('refs/heads/council/') || known.has(path.resolve(w.path)) || !w.head) continue;
    const adopted = await adopt(ws, w);
    if (adopted) report.adopted.push(adopted);
  }

  report.orphanLocksDropped = await new FileLocks(ws).dropOrphans();
  report.orphanContextsDropped = new ContextStore(ws).cleanupStale().removed;
  return report;
}

async function archivedTips(ws: Workspace, id: string): Promise<Set<string>> {
  const out = await git(['for-each-ref', '--format=%(objectname) %(*objectname)', `refs/council/archive/${id}-*`], { cwd: ws.repo.mainRoot });
  const tips = new Set<string>();
  for (const line of out.stdout.split('\n')) for (const sha of line.split(' ')) if (sha) tips.add(sha);
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
  const forkPoint = await git(['merge-base', branchRef(baseBranch), w.head], { cwd: ws.repo.mainRoot, okExitCodes: [1, 128] });
  const baseCommit = forkPoint.exitCode === 0 ? forkPoint.stdout.trim() : w.head;
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
