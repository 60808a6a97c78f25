import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { version } from '../../../package.json';
import type { Host } from '../../../shared/commands/hosts';
import type { Session } from '../../../shared/models';
import { CouncilError, notFound } from '../errors';
import { dropRef, fetchRefs, layTree, moveRefs, pushRefs, resetIndex, revParseAll } from '../git/remote';
import { resolveCommit } from '../git/refs';
import type { Workspace } from '../workspace';
import { gitSshEnv, hostSsh, hostUrl } from './control';
import type { RemoteOp, Snapshot } from './remote-side';
import { snapshotRef } from './remote-side';
import { localRuntime } from './runtime';
import { posixQuote, sshOrThrow, type SshOptions } from './ssh';
import { HostStore } from './store';

/**
 * Remote sessions, the home's side (issue 17). A remote session is a local session — registry
 * record, branch, a worktree at home — whose work happens on a host: there, a bare clone per
 * repository (~/.council/repos/<repo-id>.git, fed from home by `git push`) and a worktree of the
 * session's branch (~/.council/worktrees/<repo-id>/<folder>). The worktree at home is a read-only
 * mirror of the host's: each snapshot the host takes (a commit of its uncommitted work on top of
 * its HEAD, refs/council/snapshot/<id>) is fetched home and laid into the mirror — its branch moved
 * to the host's HEAD, its files to the snapshot's — so the diff, the radar, the queue and the
 * removal rules read it as they read any session's worktree.
 *
 * Every step rides the host's ControlMaster (control.ts); what runs there is council's runtime
 * (remote.cjs, installed by `council host add`) with a JSON line on stdin, or git's own transport.
 */

export interface HostContext {
  host: Host;
  ssh: SshOptions;
  node: string;
  remoteJs: string;
}

/** The host a session may be made on: added, with this build's runtime; else an error naming the fix. */
export function hostFor(name: string, store = new HostStore()): HostContext {
  const host = store.get(name);
  if (!host) throw notFound(`no host named ${name} is added: add it first with \`council host add ${name}\` (\`council host list\` shows the hosts)`, { host: name });
  const runtime = host.runtime;
  const node = host.check.node.path;
  if (!runtime || !node) {
    throw new CouncilError('command-failed', `${name} has no council runtime checked: run \`council host add ${name}\` (it checks the host and installs the runtime)`, { host: name, problem: 'no-runtime' });
  }
  const local = localRuntime(version);
  if (runtime.version !== local.version || runtime.build !== local.build) {
    throw new CouncilError('command-failed', `${name} has council's runtime ${runtime.version} (build ${runtime.build}), not this council's (${local.version}, build ${local.build}): run \`council host add ${name}\` to update it`, {
      host: name,
      problem: 'old-runtime',
    });
  }
  return { host, ssh: hostSsh(name), node, remoteJs: path.posix.join(runtime.dir, 'remote.cjs') };
}

/** The words of the fixed remote command: the host's node running our runtime's remote.cjs. */
export function remoteCommand(ctx: HostContext, mode: 'op' | 'run' | 'attach'): string[] {
  return [posixQuote(ctx.node), posixQuote(ctx.remoteJs), mode];
}

export async function remoteOp<T>(ctx: HostContext, op: RemoteOp): Promise<T> {
  const result = await sshOrThrow(ctx.host.name, remoteCommand(ctx, 'op'), { ...ctx.ssh, stdin: `${JSON.stringify(op)}\n`, timeoutMs: 120_000 });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  type Answer = { ok: boolean; value?: T; message?: string };
  let answer: Answer | null;
  try {
    answer = JSON.parse(line) as Answer;
  } catch {
    answer = null;
  }
  if (!answer?.ok) {
    const why = answer?.message ?? (result.stderr.trim().split('\n').pop() || `exit ${result.code}`);
    throw new CouncilError('command-failed', `${op.op} on ${ctx.host.name} failed: ${why}`, { host: ctx.host.name, problem: op.op });
  }
  return answer.value as T;
}

/** The home repository's git folder, as a clone on a host records it (its `council.home`). */
function homeGitDir(ws: Workspace): string {
  try {
    return realpathSync(ws.repo.commonDir);
  } catch {
    return path.resolve(ws.repo.commonDir);
  }
}

/** The repository's name on hosts: stable per home repository (its git folder), readable. */
export function repoId(ws: Workspace): string {
  let dir = ws.repo.commonDir;
  try {
    dir = realpathSync(dir);
  } catch {
    // as given
  }
  const name = path.basename(ws.repo.mainRoot).replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 40) || 'repo';
  return `${name}-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}`;
}

export function remotePlaces(ws: Workspace, ctx: HostContext, session: Session): NonNullable<Session['host']> {
  const home = ctx.host.check.home;
  const id = repoId(ws);
  return {
    name: ctx.host.name,
    repo: path.posix.join(home, '.council', 'repos', `${id}.git`),
    path: path.posix.join(home, '.council', 'worktrees', id, path.basename(session.worktreePath)),
  };
}

/** Pushes refs from home to the host's clone (git's transport over the ControlMaster). */
async function push(ws: Workspace, place: NonNullable<Session['host']>, refspecs: string[]): Promise<void> {
  await pushRefs(ws.repo.mainRoot, hostUrl(place.name, place.repo), refspecs, gitSshEnv(place.name));
}

/**
 * Makes the session's worktree on the host: its clone there (made once per repository), the base
 * commit pushed as the session's branch, a worktree of it. Answers where it is.
 */
export async function createOnHost(ws: Workspace, ctx: HostContext, session: Session): Promise<NonNullable<Session['host']>> {
  const place = remotePlaces(ws, ctx, session);
  await remoteOp(ctx, { op: 'prepare', repo: place.repo, home: homeGitDir(ws) });
  await push(ws, place, [`+${session.baseCommit}:refs/heads/${session.branch}`]);
  await remoteOp(ctx, { op: 'add-worktree', repo: place.repo, path: place.path, branch: session.branch });
  return place;
}

/** The host of a session (as made), or an error when it is not a remote session. */
function placeOf(session: Session): NonNullable<Session['host']> {
  if (!session.host) throw new CouncilError('internal', `session ${session.id} is not a remote session`);
  return session.host;
}

const syncing = new Map<string, Promise<unknown>>();

/** Runs `fn` after the session's sync in flight (in this process), if any. */
function oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = syncing.get(key) ?? Promise.resolve();
  const next = before.then(fn, fn);
  const settled = next.catch(() => undefined);
  syncing.set(key, settled);
  void settled.then(() => {
    if (syncing.get(key) === settled) syncing.delete(key);
  });
  return next;
}

const mirrorRef = (id: string): string => `refs/council/mirror/${id}`;

/**
 * Brings the host's work home: its snapshot (taken now when `snapshot` is not given) fetched as
 * refs/council/snapshot/<id>, and the mirror worktree moved to it. One at a time per session.
 */
export function syncHome(ws: Workspace, session: Session, snapshot?: string): Promise<{ commit: string; tree: string }> {
  const place = placeOf(session);
  return oneAtATime(`${ws.repo.commonDir}\0${session.id}`, async () => {
    let commit = snapshot;
    if (!commit) {
      const ctx = hostFor(place.name);
      commit = (await remoteOp<Snapshot>(ctx, { op: 'snapshot', path: place.path, id: session.id })).commit;
    }
    const ref = snapshotRef(session.id);
    const cwd = ws.repo.mainRoot;
    if (snapshot || (await resolveCommit(cwd, ref)) !== commit) {
      await fetchRefs(cwd, hostUrl(place.name, place.repo), [`+${ref}:${ref}`], gitSshEnv(place.name));
    }
    const tree = await applyToMirror(ws, session, commit);
    return { commit, tree };
  });
}

/** Lays a fetched snapshot into the home's mirror worktree: branch at its parent (the host's HEAD), files as in its tree. */
async function applyToMirror(ws: Workspace, session: Session, commit: string): Promise<string> {
  const cwd = session.worktreePath;
  const branch = `refs/heads/${session.branch}`;
  // What the folder shows: the last snapshot laid (the mirror ref), or at first its branch.
  const wanted = [`${commit}^{tree}`, `${commit}^1`, branch];
  const read = (await revParseAll(cwd, [...wanted, `${mirrorRef(session.id)}^{commit}`, `${mirrorRef(session.id)}^{tree}`])) ?? [...((await revParseAll(cwd, wanted)) ?? []), '', ''];
  const [tree, head, tip, shown, laidTree] = read;
  if (!tree || !head || !tip) throw new CouncilError('internal', `the snapshot ${commit} of session ${session.id} could not be read`);
  if (shown === commit) return tree;
  const shownTree = laidTree || (await revParseAll(cwd, [`${tip}^{tree}`]))?.[0];
  if (!shownTree) throw new CouncilError('internal', `session ${session.id}'s branch could not be read`);
  // Only the paths that differ between what the folder shows and the snapshot are written or
  // deleted; then the branch at the host's HEAD and the index at it (uncommitted work reads as
  // uncommitted, as on the host).
  await layTree(cwd, shownTree, tree);
  const moves = [{ ref: mirrorRef(session.id), next: commit }, ...(tip !== head ? [{ ref: branch, next: head, old: tip }] : [])];
  if (!(await moveRefs(cwd, moves, `council: ${session.id} as on ${placeOf(session).name}`))) {
    throw new CouncilError('conflict', `session ${session.id}'s branch moved at home while its work was fetched from ${placeOf(session).name}; try again`);
  }
  await resetIndex(cwd);
  return tree;
}

/**
 * Removes the session's worktree and branch on the host. Call only once its work is home (merged
 * or archived): `expectTree` is the tree fetched home; if the host's worktree holds anything else
 * now, nothing there is removed.
 */
export async function removeOnHost(ws: Workspace, session: Session, expectTree: string | null): Promise<void> {
  const place = placeOf(session);
  const ctx = hostFor(place.name);
  const done = await remoteOp<{ removed: boolean }>(ctx, { op: 'remove', repo: place.repo, path: place.path, branch: session.branch, id: session.id, expectTree });
  if (!done.removed) {
    throw new CouncilError('conflict', `session ${session.id}'s worktree on ${place.name} changed while it was being removed; nothing was removed — look at it, then remove it again`, { host: place.name });
  }
  await dropRef(ws.repo.mainRoot, mirrorRef(session.id)).catch(() => undefined);
  await dropRef(ws.repo.mainRoot, snapshotRef(session.id)).catch(() => undefined);
}

/**
 * Commits everything in the session's worktree on the host (what `session commit` and the merge
 * queue do to a local one), then brings it home: the branch at home is the host's new HEAD.
 */
export async function commitOnHost(ws: Workspace, session: Session, message: string, author: { name: string; email: string } | null): Promise<{ commit: string | null; files: number }> {
  const place = placeOf(session);
  const ctx = hostFor(place.name);
  const done = await remoteOp<{ commit: string | null; files: number; snapshot: Snapshot }>(ctx, { op: 'commit', path: place.path, id: session.id, message, author });
  await syncHome(ws, session, done.snapshot.commit);
  return { commit: done.commit, files: done.files };
}
