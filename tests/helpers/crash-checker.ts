import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Council } from '../../electron/core/council';
import { MergeQueue, recoverQueue, type RecoveryReport } from '../../electron/core/merge/index';
import { readJournal } from '../../electron/core/merge/journal';
import { listWorktrees, type ReconcileReport } from '../../electron/core/sessions/reconcile';
import type { Workspace } from '../../electron/core/workspace';
import { checkNothingWedged, reclaimLeftLocks, type ReclaimReport } from './crash-locks';
import { fsck, scratchWorktrees } from './merge-crash';

/**
 * THE CRASH CHECKER: what must hold after a process working on a repository (creating, removing,
 * cleaning up or merging sessions) was SIGKILLed at any moment, with its process group.
 *
 * Right after the kill, before anything is repaired:
 *  1. `git fsck --no-dangling` is clean — save for complaints git itself causes and only recovery
 *     can clear: a `git worktree add` killed part-way leaves its admin folder, under its `locked`
 *     ("initializing") marker, with a placeholder or empty HEAD, or an empty commondir, which fsck
 *     reports (naming that folder); after recovery fsck must be clean, without exception;
 *  2. the base branch is the commit it was before the operation, or — for a merge — a commit the
 *     merge queue recorded moving it to (an entry's baseBefore → resultCommit, followed from the
 *     old commit);
 *  3. every commit any session ever had (made by the test, or seen as a session's branch tip or
 *     archive) is reachable from a ref;
 *  4. every piece of uncommitted work ever written into a session is still in that worktree (same
 *     path, same bytes, the worktree still registered) or its blob is reachable from a ref (it was
 *     committed — by a merge — or archived under refs/council/archive by a forced removal);
 *  5. every lock the dead process left is taken over (crash-locks.ts).
 * Then the repository is recovered as a restarted app does it (app-core.ts: Council.open and
 * reconcile when it opens the repository; recoverQueue before the merge queue runs), and 1–4 must
 * still hold, and also:
 *  6. the registry and `git worktree list --porcelain` agree exactly (see checkAgreement);
 *  7. each session's worktree is complete: `git status` in it shows only uncommitted work the test
 *     wrote there (a half-made checkout would show the base's files as deleted);
 *  8. no file lock, context record or council/* branch belongs to a session that is not registered;
 *  9. the merge queue has nothing in flight: no entry checking or merging, no journal, no scratch
 *     worktree;
 * 10. nothing is wedged: no lock folder is left; the merge lock, the worktree-list lock, the
 *     registry and queue mutexes and every session's lock mutex are taken at once; and git has no
 *     lock file left (refs, index, a worktree's `locked`).
 */

export interface PendingWork {
  sessionId: string;
  worktreePath: string;
  /** Repo-relative, with forward slashes. */
  path: string;
  content: string;
}

export class CrashLedger {
  /** Every commit any session ever had. */
  readonly commits = new Set<string>();
  readonly pending: PendingWork[] = [];
  /** The base branch's commits so far, oldest first; the last is the current one. */
  readonly baseChain: string[];

  constructor(
    readonly root: string,
    readonly baseBranch: string,
  ) {
    this.baseChain = [git(root, 'rev-parse', baseBranch)];
  }

  get base(): string {
    return this.baseChain[this.baseChain.length - 1] as string;
  }

  /** Records the tips of every session branch and archive as they are now. */
  recordTips(): void {
    const out = git(this.root, 'for-each-ref', '--format=%(objectname)', 'refs/heads/council/', 'refs/council/archive/');
    for (const sha of out.split('\n')) if (sha) this.commits.add(sha);
  }
}

export interface CheckResult {
  violations: string[];
  reclaim: ReclaimReport;
  reconcile: ReconcileReport | null;
  recovery: RecoveryReport[];
  /** fsck complaints about half-made worktrees before recovery (allowed, see 1 above). */
  fsckHalfMade: string[];
}

/** Runs the whole check (see the top of this file). `op` is what the killed process was doing. */
export async function checkAfterCrash(ledger: CrashLedger, op: { merges: boolean }): Promise<CheckResult> {
  const violations: string[] = [];
  const note = (phase: string, list: string[]): void => {
    for (const v of list) violations.push(`${phase}: ${v}`);
  };
  // A check that cannot even run (git itself failing) is a finding too, not the end of the loop.
  const guarded = async (phase: string, what: string, check: () => string[] | Promise<string[]>): Promise<void> => {
    try {
      note(phase, await check());
    } catch (err) {
      violations.push(`${phase}: ${what} could not be checked: ${(err as Error).message}`);
    }
  };
  const council = Council.open(ledger.root);
  const tolerated: string[] = [];
  await guarded('after the kill', 'history', () => checkHistory(council.ws, ledger, op.merges, { halfMadeWorktrees: tolerated }));
  const reclaim = await reclaimLeftLocks(council.ws);
  note('after the kill', reclaim.violations);

  let reconcile: ReconcileReport | null = null;
  let recovery: RecoveryReport[] = [];
  try {
    // What a restarted app does: a fresh Council, reconcile on open, queue recovery before merging.
    const restarted = Council.open(ledger.root);
    reconcile = await restarted.reconcile();
    // Reconcile carries on past a session it cannot repair; after a crash every one must be repairable.
    for (const failed of reconcile.failed) violations.push(`reconcile could not repair session ${failed}`);
    const recovered = await recoverQueue(restarted);
    recovery = recovered.reports;
    if (recovered.busy) violations.push('recovery: the merge lock was busy with no process alive');
  } catch (err) {
    violations.push(`recovery failed: ${(err as Error).stack ?? String(err)}`);
  }

  const ws = Council.open(ledger.root).ws;
  await guarded('after recovery', 'history', () => checkHistory(ws, ledger, op.merges));
  await guarded('after recovery', 'the registry against git worktree list', () => checkAgreement(ws));
  await guarded('after recovery', 'the worktrees', () => checkWorktreesComplete(ws, ledger));
  await guarded('after recovery', 'orphans', () => checkNoOrphans(ws));
  await guarded('after recovery', 'the merge queue', () => checkQueueSettled(ws));
  await guarded('after recovery', 'the locks', () => checkNothingWedged(ws));
  if (violations.length === 0) {
    ledger.recordTips();
  }
  return { violations, reclaim, reconcile, recovery, fsckHalfMade: tolerated };
}

/** 1–4: fsck, the base, every session commit and every piece of uncommitted work. */
export function checkHistory(ws: Workspace, ledger: CrashLedger, merges: boolean, allow: { halfMadeWorktrees?: string[] } = {}): string[] {
  const violations: string[] = [];
  const root = ledger.root;
  const complaints = fsck(root);
  // Admin folders git marks as an unfinished add; fsck's complaints about them (their HEAD a
  // placeholder or empty, its reflog, an empty commondir) are git's own until recovery.
  const initializing = new Set(
    (existsSync(path.join(ws.repo.commonDir, 'worktrees')) ? readdirSync(path.join(ws.repo.commonDir, 'worktrees')) : []).filter(
      (name) => (readOrNull(path.join(ws.repo.commonDir, 'worktrees', name, 'locked')) ?? '').trim() === 'initializing',
    ),
  );
  const halfMade = (line: string): boolean => {
    if (initializing.size === 0) return false;
    if (/^error: bad ref for \S+\/logs\/HEAD$/.test(line)) return true;
    const name = /worktrees\/([^/\s]+)\//.exec(line)?.[1];
    return name !== undefined && initializing.has(name);
  };
  // fsck() prefixes its output with "exit N: ".
  const lines = complaints.replace(/^exit \d+: /, '').split('\n').filter((l) => l.trim());
  const tolerated = allow.halfMadeWorktrees ? lines.filter(halfMade) : [];
  if (complaints && (lines.length === 0 || tolerated.length < lines.length)) violations.push(`git fsck: ${complaints}`);
  allow.halfMadeWorktrees?.push(...tolerated);

  const base = git(root, 'rev-parse', ledger.baseBranch);
  if (base !== ledger.base) {
    if (!merges) violations.push(`${ledger.baseBranch} moved from ${ledger.base} to ${base} during an operation that does not merge`);
    else followBase(ws, ledger, base, violations);
  }

  const tips = git(root, 'for-each-ref', '--format=%(objectname)').split('\n').filter(Boolean);
  const reachable = new Set(gitIn(root, ['rev-list', '--objects', '--stdin'], tips.join('\n')).split('\n').map((l) => l.slice(0, 40)));
  const lost = [...ledger.commits].filter((sha) => !reachable.has(sha));
  if (lost.length) violations.push(`session commits no longer reachable from any ref: ${lost.join(', ')}`);

  const registered = new Set(ws.registry.all().map((s) => path.resolve(s.worktreePath)));
  for (const w of ledger.pending) {
    const file = path.join(w.worktreePath, ...w.path.split('/'));
    const inWorktree = registered.has(path.resolve(w.worktreePath)) && readOrNull(file) === w.content;
    if (!inWorktree && !reachable.has(blobId(w.content))) {
      violations.push(`uncommitted work ${w.path} of session ${w.sessionId} is lost: not in a registered worktree, not in any commit reachable from a ref`);
    }
  }
  return violations;
}

/** The base moved: it must be reached from the last known base through recorded merges only. */
function followBase(ws: Workspace, ledger: CrashLedger, base: string, violations: string[]): void {
  const edges = new Map<string, string>();
  for (const e of new MergeQueue(ws).list()) {
    if ((e.state === 'merging' || e.state === 'merged') && e.baseBefore && e.resultCommit && e.baseBefore !== e.resultCommit) edges.set(e.baseBefore, e.resultCommit);
  }
  const chain: string[] = [];
  let at = ledger.base;
  while (at !== base) {
    const next = edges.get(at);
    if (!next || chain.includes(next)) {
      violations.push(`${ledger.baseBranch} is ${base}: neither the old commit ${ledger.base} nor a merge result the queue recorded from it`);
      return;
    }
    chain.push(next);
    at = next;
  }
  ledger.baseChain.push(...chain);
}

/**
 * 6. The registry matches git's list of worktrees, exactly:
 *  - every session is `ready` (reconcile finishes or rolls back `creating` and `removing`);
 *  - git lists a worktree at its folder, on its branch (refs/heads/<branch>, which exists), neither
 *    prunable (its folder gone) nor locked (a `git worktree add` that never finished);
 *  - git lists no other worktree than the main checkout and the sessions' (the merge queue's
 *    scratch worktrees are gone after recovery; this test makes no worktree of its own);
 *  - the sessions' worktree root holds exactly the sessions' folders: no orphan folder.
 */
export async function checkAgreement(ws: Workspace): Promise<string[]> {
  const violations: string[] = [];
  const sessions = ws.registry.all();
  const listed = await listWorktrees(ws);
  const main = path.resolve(ws.repo.mainRoot);
  for (const s of sessions) {
    if (s.state !== 'ready') violations.push(`session ${s.id} is still ${s.state}`);
    const entry = listed.find((w) => path.resolve(w.path) === path.resolve(s.worktreePath));
    if (!entry) {
      violations.push(`session ${s.id} is registered but git lists no worktree at ${s.worktreePath}`);
      continue;
    }
    if (entry.branch !== `refs/heads/${s.branch}`) violations.push(`session ${s.id}'s worktree is on ${entry.branch ?? 'a detached HEAD'}, not refs/heads/${s.branch}`);
    if (!git(ws.repo.mainRoot, 'for-each-ref', '--format=%(objectname)', `refs/heads/${s.branch}`)) violations.push(`session ${s.id}'s branch ${s.branch} does not exist`);
    if (entry.prunable) violations.push(`session ${s.id}'s worktree is prunable (its folder is gone)`);
    if (entry.locked) violations.push(`session ${s.id}'s worktree is locked (a git worktree add that never finished)`);
  }
  const known = new Set(sessions.map((s) => path.resolve(s.worktreePath)));
  for (const w of listed) {
    const p = path.resolve(w.path);
    if (p !== main && !known.has(p)) violations.push(`git lists a worktree no session owns: ${w.path} (${w.branch ?? 'detached'}${w.locked ? ', locked' : ''}${w.prunable ? ', prunable' : ''})`);
  }
  const root = await ws.worktreeRoot();
  const folders = existsSync(root) ? readdirSync(root).map((n) => path.join(root, n)) : [];
  for (const f of folders) if (!known.has(path.resolve(f))) violations.push(`orphan folder in the worktree root: ${f}`);
  return violations;
}

/** 7. `git status` in each session's worktree shows only uncommitted work the test wrote there. */
export function checkWorktreesComplete(ws: Workspace, ledger: CrashLedger): string[] {
  const violations: string[] = [];
  for (const s of ws.registry.all()) {
    if (!existsSync(s.worktreePath)) continue; // reported by checkAgreement
    const written = new Set(ledger.pending.filter((w) => w.sessionId === s.id).map((w) => w.path));
    let status: string;
    try {
      // No optional locks: the checker must not refresh (and so write) the index it looks at.
      status = gitIn(s.worktreePath, ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all'], '');
    } catch (err) {
      violations.push(`git status fails in session ${s.id}'s worktree: ${(err as Error).message}`);
      continue;
    }
    const unexpected = status
      .split('\0')
      .filter(Boolean)
      .filter((line) => !written.has(line.slice(3)));
    if (unexpected.length) violations.push(`session ${s.id}'s worktree has changes nobody made (a half-made checkout?): ${unexpected.slice(0, 5).join(', ')}${unexpected.length > 5 ? ` and ${unexpected.length - 5} more` : ''}`);
  }
  return violations;
}

/** 8. Nothing belongs to a session that is not registered. */
export function checkNoOrphans(ws: Workspace): string[] {
  const violations: string[] = [];
  const ids = new Set(ws.registry.all().map((s) => s.id));
  const branches = new Set(ws.registry.all().map((s) => `refs/heads/${s.branch}`));
  const lockDir = path.join(ws.paths.dir, 'locks');
  for (const name of existsSync(lockDir) ? readdirSync(lockDir) : []) {
    if (!name.endsWith('.json')) continue;
    const owner = (JSON.parse(readOrNull(path.join(lockDir, name)) ?? '{}') as { sessionId?: string }).sessionId;
    if (owner && !ids.has(owner)) violations.push(`file lock ${name} is owned by session ${owner}, which is not registered`);
  }
  for (const name of existsSync(ws.paths.contextDir) ? readdirSync(ws.paths.contextDir) : []) {
    if (name.endsWith('.json') && !ids.has(path.basename(name, '.json'))) violations.push(`context record ${name} belongs to no registered session`);
  }
  for (const ref of git(ws.repo.mainRoot, 'for-each-ref', '--format=%(refname)', 'refs/heads/council/').split('\n')) {
    if (ref && !branches.has(ref)) violations.push(`branch ${ref} belongs to no registered session`);
  }
  return violations;
}

/** 9. The merge queue has nothing in flight after recovery. */
export function checkQueueSettled(ws: Workspace): string[] {
  const violations: string[] = [];
  for (const e of new MergeQueue(ws).list()) if (e.state === 'checking' || e.state === 'merging') violations.push(`queue entry ${e.id} is still ${e.state}`);
  if (readJournal(ws)) violations.push('the merge journal is still there');
  for (const w of scratchWorktrees(ws)) violations.push(`merge scratch worktree left: ${w}`);
  return violations;
}

/** Git's id of a blob with this content (sha1 repositories). */
export const blobId = (content: string): string => {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
};

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function git(cwd: string, ...args: string[]): string {
  return gitIn(cwd, args, '').trim();
}

function gitIn(cwd: string, args: string[], input: string): string {
  return execFileSync('git', args, { cwd, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}
