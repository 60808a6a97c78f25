import { readFileSync } from 'node:fs';
import path from 'node:path';
import { contextFile } from '../state/paths';
import type { Session } from '../../../shared/models';
import { openLockScope, type LockScope } from '../locks/repo-locks';
import { realpathOfExisting, safeRealpath } from '../locks/lock-paths';
import { parseHookPayload, type HookAgent } from './hook-payload';
import { heldByOthers, snapshotHeldFiles, toolCallId, undoHeldChanges, undoneReason, type HeldFile } from './shell-guard';

/**
 * The lock hook's decision: before an agent edits files, take a lock on each for its session; if
 * another session holds one, refuse the edit with a reason the model can act on.
 */

/** `guard`: for a remote session's shell command, the files others hold, for its host to copy (shell-guard.ts). */
export type HookDecision = { decision: 'allow'; guard?: HeldFile[] } | { decision: 'deny'; reason: string };

export interface LockHookOptions {
  /** The hook's environment (COUNCIL_SESSION_ID); default process.env. */
  env?: Record<string, string | undefined>;
  /** An already-open repository (a Council, in tests); default: the lock domain of the repository
   * that contains the payload's cwd, which loads no git, agent, merge or radar code. */
  council?: LockScope;
  /** A remote session's hook (issue 17): the shell guard's copies are kept on its host, not here. */
  guardOnHost?: boolean;
}

const ALLOW: HookDecision = { decision: 'allow' };


const within = (root: string, target: string): boolean => {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** The registered session whose worktree contains `cwd` (the deepest one), if any. */
export function sessionForCwd(council: Pick<LockScope, 'ws'>, cwd: string): Session | undefined {
  const real = realpathOfExisting(path.resolve(cwd));
  return council.ws.registry
    .all()
    .map((session) => ({ session, root: safeRealpath(session.worktreePath) }))
    .filter(({ root }) => within(root, real))
    .sort((a, b) => b.root.length - a.root.length)[0]?.session;
}

/**
 * The session a hook acts for: COUNCIL_SESSION_ID (set for every agent the app starts; an
 * unknown id throws), else the session whose worktree contains the agent's cwd; none when the
 * agent works outside every session.
 */
export function hookSession(council: Pick<LockScope, 'ws'>, env: Record<string, string | undefined>, cwd: string): Session | undefined {
  const fromEnv = env.COUNCIL_SESSION_ID?.trim();
  return fromEnv ? council.ws.registry.resolve(fromEnv) : sessionForCwd(council, cwd);
}

function describe(council: LockScope, sessionId: string): string {
  const holder = council.ws.registry.find(sessionId);
  if (!holder) return `session ${sessionId}`;
  return `session ${holder.id} (${holder.agent ? `${holder.agent}: ` : ''}${holder.task})`;
}

/**
 * One clause on a lock holder for a refusal: what it is doing now (its context record, read
 * without zod: the lock hook's speed) and how to reach it. The agent refused learns who to talk to.
 */
function reachHolder(council: LockScope, sessionId: string): string {
  let doing = '';
  try {
    const record = JSON.parse(readFileSync(contextFile(council.ws.paths, sessionId), 'utf8')) as { status?: unknown; currentFile?: unknown };
    const status = typeof record.status === 'string' ? record.status.replace('-', ' ') : '';
    const file = typeof record.currentFile === 'string' && record.currentFile ? ` on ${record.currentFile}` : '';
    if (status) doing = ` is ${status}${status === 'working' || status === 'blocked' ? file : ''}`;
  } catch {
    // no record: say how to reach it all the same
  }
  return `session ${sessionId}${doing}, to ask it for the file use council's send_message tool or run \`council send ${sessionId} -m "…"\``;
}

export type ClaimResult = { ok: true; taken: string[]; already: string[] } | { ok: false; reason: string; refused: string[] };

/**
 * Locks `files` for the session, all or none: a file another session holds refuses the whole
 * claim, the locks this call took are given back, and the reason names each holder ("<path> is
 * being edited by session <id> (<agent>: <task>); work on another file or wait"). The rule of the
 * pre-edit hook, and of the agents' `claim_files` MCP tool (council.claim), with the same words.
 */
export async function claimFiles(council: LockScope, sessionId: string, files: readonly string[], cwd: string): Promise<ClaimResult> {
  const taken: string[] = [];
  const already: string[] = [];
  const refusals: string[] = [];
  const refused: string[] = [];
  const owners: string[] = [];
  for (const file of files) {
    const result = await council.locks.tryAcquire(file, sessionId, { cwd });
    if (result.acquired) {
      (result.already ? already : taken).push(result.lock.path);
      continue;
    }
    refused.push(result.owner.path);
    owners.push(result.owner.sessionId);
    refusals.push(`${result.owner.path} is being edited by ${describe(council, result.owner.sessionId)}`);
  }
  if (refusals.length === 0) return { ok: true, taken, already };
  const holders = [...new Set(owners)].map((id) => reachHolder(council, id));
  // Nothing happens: give back the locks this call took, so a refused multi-file claim does not
  // keep the files it could have had.
  for (const rel of taken) await council.locks.release(rel, sessionId, { cwd: council.ws.repo.mainRoot });
  return { ok: false, reason: `${refusals.join('; ')}; work on another file or wait; ${holders.join('; ')}`, refused };
}

/**
 * Decides one pre-tool call. Throws on anything unexpected (a malformed payload, an unknown
 * session, a path the lock store refuses): the CLI turns every throw into a denial.
 */
export async function decideLockHook(agent: HookAgent, payload: unknown, options: LockHookOptions = {}): Promise<HookDecision> {
  const target = parseHookPayload(agent, payload);
  if (target.files.length === 0 && !target.shell) return ALLOW; // a tool that edits no file: nothing to lock
  const env = options.env ?? process.env;
  const council = options.council ?? openLockScope(target.cwd);

  const session = hookSession(council, env, target.cwd);
  // An agent working outside every session (e.g. in the main checkout, started by hand) has no
  // session to take locks for and nobody to coordinate with: its edits are allowed.
  if (!session) return ALLOW;

  // Files outside every checkout of the repository (say /tmp/notes.md) are no other session's
  // business either. Decided after resolving symlinks of the existing part: a path that only looks
  // inside but resolves outside every checkout is allowed like any outside file (the lock hook
  // guards sessions from each other; it is not a sandbox), and one that resolves into another
  // checkout is locked there.
  const roots = council.locks.realRoots();
  const files = target.files.filter((file) => roots.some((root) => within(root, realpathOfExisting(path.resolve(file)))));

  const claim = await claimFiles(council, session.id, files, target.cwd);
  if (claim.ok) {
    // A shell command may write more than its text shows: the post-tool guard compares the files
    // other sessions hold against this copy and puts back what it changed (shell-guard.ts).
    if (target.shell && options.guardOnHost) return { decision: 'allow', guard: heldByOthers(council, session.id).map((h) => ({ ...h, who: describe(council, h.holder) })) };
    if (target.shell) await snapshotHeldFiles(council, session, toolCallId(payload));
    return ALLOW;
  }
  const { reason, refused } = claim;
  await recordDenial(council, session.id, refused[0] as string, reason);
  // Loaded here, on a refusal only: the run store's agent schemas cost ~1.5 ms of every hook's start-up.
  const { recordHookEvent } = await import('./hooks/run-events');
  recordHookEvent(council, session.id, { kind: 'denied', tool: target.tool, path: refused[0] ?? null, reason });
  return { decision: 'deny', reason };
}

/**
 * Shows the refusal in the session's context: blocked, on which file, why (the next edit that goes
 * through, `council hook post-tool`, makes it `working` again). The decision stands whatever
 * happens here: a context that cannot be written must not turn a denial into an allow or a crash.
 */
export async function recordDenial(council: LockScope, sessionId: string, file: string, reason: string): Promise<void> {
  try {
    await (await council.contextStore()).markBlocked(sessionId, reason, file, { cwd: council.ws.repo.mainRoot });
  } catch {
    // the denial itself is what matters
  }
}

/**
 * After a shell command (`council hook post-tool`): puts back every file another session holds
 * that the command changed in this worktree, records the session as blocked on it, and returns
 * what to tell the agent; null when the call is no shell command or changed no held file.
 */
export async function guardShellCall(agent: HookAgent, payload: unknown, options: LockHookOptions = {}): Promise<string | null> {
  const target = parseHookPayload(agent, payload);
  if (!target.shell) return null;
  const council = options.council ?? openLockScope(target.cwd);
  const session = hookSession(council, options.env ?? process.env, target.cwd);
  if (!session) return null;
  const undone = await undoHeldChanges(council, session, toolCallId(payload));
  if (undone.length === 0) return null;
  const reason = undoneReason(undone, (u) => describe(council, u.holder));
  await recordDenial(council, session.id, (undone[0] as { path: string }).path, reason);
  return reason;
}
