import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Session } from '../../../shared/models';
import { CouncilError, invalidInput, notFound } from '../errors';
import { addWorktreeWithBranch } from '../git/worktree';
import { withWorktreeAdmin } from '../git/worktree-admin';
import { branchCommit, branchRef, currentBranch, hasAnyCommit, tryDeleteRef } from '../git/refs';
import type { Workspace } from '../workspace';
import { writeInitialContext } from '../context/context';
import { clearHalfMadeWorktree, dropLockOfUnfinishedBranch } from './half-made';
import { newSessionIds, sessionBranch, taskSlug } from './naming';
import { createOnHost, hostFor, remotePlaces, removeOnHost, type HostContext } from '../hosts/remote-session';

export interface CreateSessionOptions {
  task: string;
  agent?: string | null;
  /** Base branch; default: the branch the main checkout is on. */
  base?: string;
  /** How many sessions on the same task (default 1). */
  count?: number;
  /** An added host (issue 17): the work happens there, in a worktree of the host's clone. */
  host?: string;
}

export const TASK_MAX_LENGTH = 4000;
export const COUNT_MAX = 50;

function validate(options: CreateSessionOptions): { task: string; count: number } {
  const task = options.task.trim();
  if (!task) throw invalidInput('the task is empty: say what the session should do, e.g. --task "add login form"');
  if (task.length > TASK_MAX_LENGTH) throw invalidInput(`the task is ${task.length} characters long; the limit is ${TASK_MAX_LENGTH}`);
  const count = options.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > COUNT_MAX) {
    throw invalidInput(`count must be a whole number from 1 to ${COUNT_MAX}, not ${String(options.count)}`);
  }
  if (options.agent !== undefined && options.agent !== null && !/^[\w.@/+-]{1,64}$/.test(options.agent)) {
    throw invalidInput(`agent name "${options.agent}" is not valid: use letters, digits and . _ - @ / +`);
  }
  return { task, count };
}

async function resolveBase(ws: Workspace, requested: string | undefined): Promise<{ branch: string; commit: string }> {
  const cwd = ws.repo.mainRoot;
  const branch = requested?.trim() || currentBranch(ws.repo.commonDir);
  if (!branch) {
    throw invalidInput('the main checkout is on a detached HEAD, so there is no current branch to start from: pass --base BRANCH');
  }
  const commit = await branchCommit(ws.repo.commonDir, cwd, branch);
  if (commit) return { branch, commit };
  if (!(await hasAnyCommit(cwd))) {
    throw new CouncilError('not-a-repo', `${ws.repo.mainRoot} has no commits yet: make a first commit, then create sessions`);
  }
  throw notFound(`unknown base branch "${branch}": no local branch has that name`);
}

/** Creates one session: registry entry first (as `creating`), then git, then `ready`. A process
 * killed in between leaves a `creating` record that reconcile finishes or rolls back. */
async function createOne(ws: Workspace, task: string, agent: string | null, base: { branch: string; commit: string }, host: HostContext | null): Promise<Session> {
  const slug = taskSlug(task);
  const [root, candidates] = await Promise.all([ws.worktreeRoot(), newSessionIds(8)]);
  const session = await ws.registry.update((file) => {
    const id = candidates.find((c) => !file.sessions[c]);
    if (!id) throw new CouncilError('internal', 'could not find a free session id (8 random tries collided)');
    const s: Session = {
      id,
      task,
      agent,
      branch: sessionBranch(slug, id),
      worktreePath: path.join(root, `${slug}-${id}`),
      baseBranch: base.branch,
      baseCommit: base.commit,
      createdAt: new Date().toISOString(),
      state: 'creating',
      busy: { pid: process.pid, since: new Date().toISOString() },
    };
    // Where it is being made is known now (remotePlaces is a pure function of the session): listed
    // with its host while it is `creating`, and a rollback of a killed creation cleans the host too.
    if (host) s.host = remotePlaces(ws, host, s);
    return { next: { ...file, sessions: { ...file.sessions, [id]: s } }, result: s };
  });
  try {
    mkdirSync(root, { recursive: true });
    await withWorktreeAdmin(ws, `create session ${session.id}`, () =>
      addWorktreeWithBranch(ws.repo.mainRoot, session.worktreePath, session.branch, session.baseCommit),
    );
  } catch (err) {
    await rollback(ws, session);
    throw err;
  }
  let place: Session['host'];
  if (host) {
    try {
      place = await createOnHost(ws, host, session);
    } catch (err) {
      // What got made on the host holds no work yet (the base commit only): rollback removes it.
      await rollback(ws, session);
      throw err;
    }
  }
  writeInitialContext(ws.paths, session);
  return ws.registry.update((file) => {
    const { busy: _done, ...made } = session;
    const ready: Session = { ...made, state: 'ready', ...(place ? { host: place } : {}) };
    return { next: { ...file, sessions: { ...file.sessions, [session.id]: ready } }, result: ready };
  });
}

/** Undoes a half-made session: its worktree and branch however far git got (neither holds any
 * work yet: the branch still points at the base commit; see half-made.ts), then the registry entry. */
export async function rollback(ws: Workspace, session: Session): Promise<void> {
  const cwd = ws.repo.mainRoot;
  if (session.host) await removeOnHost(ws, session, null).catch(() => undefined);
  await withWorktreeAdmin(ws, `roll back session ${session.id}`, async () => {
    await clearHalfMadeWorktree(ws, session);
    dropLockOfUnfinishedBranch(ws, session);
    const tip = await branchCommit(ws.repo.commonDir, cwd, session.branch);
    if (tip === session.baseCommit) {
      await tryDeleteRef(cwd, branchRef(session.branch), tip);
    }
  });
  await ws.registry.update((file) => {
    if (!file.sessions[session.id]) return { next: null, result: undefined };
    const sessions = { ...file.sessions };
    delete sessions[session.id];
    return { next: { ...file, sessions }, result: undefined };
  });
}

export async function createSessions(ws: Workspace, options: CreateSessionOptions): Promise<Session[]> {
  const { task, count } = validate(options);
  const base = await resolveBase(ws, options.base);
  const agent = options.agent ?? null;
  // Checked before anything is made: an unknown host, or one without this council's runtime.
  const host = options.host ? hostFor(options.host) : null;
  const results = await Promise.allSettled(Array.from({ length: count }, () => createOne(ws, task, agent, base, host)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // All or nothing: a partial batch would leave the caller unsure what exists.
    for (const r of results) if (r.status === 'fulfilled') await rollback(ws, r.value);
    throw failed.reason;
  }
  return results.map((r) => (r as PromiseFulfilledResult<Session>).value);
}
