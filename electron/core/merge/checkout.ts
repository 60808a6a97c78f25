import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, linkSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { treeChanges } from '../git/diff';
import { copyIndexFile } from '../git/index-copy';
import { checkoutFromIndex, hashFiles, refreshIndex, stagedEntries, switchTrees } from '../git/index-file';
import type { IndexEntry, TreeChange } from '../git/parse';
import { absoluteGitDir, branchCommit, branchRef, refsInFiles, symbolicHead, updateRefCas } from '../git/refs';
import { listWorktrees } from '../git/worktree';
import type { Workspace } from '../workspace';
import { removeQuietly } from '../sessions/index-lock';
import { writeJournal, type CheckoutIntent, type MergeJournal } from './journal';
import { worktreeStatus } from '../git/status';

/*
 * The base branch's checkout, when it has one: the user's main checkout (or a linked worktree of
 * theirs) on the branch the queue is moving. Its files must follow the branch, or the user would
 * find their checkout showing the merge undone as uncommitted changes.
 *
 * How it is brought along, and why:
 *
 * - We take the checkout's `index.lock` ourselves, the way git does (an exclusive create; here a
 *   file created under another name and hard-linked into place, so its inode is known and written
 *   to the journal first). While we hold it no git command can change that checkout's index: a
 *   user's `git commit` or `git add` there fails at once instead of interleaving with us.
 * - The files and a copy of the index are updated by `git read-tree -m -u <old> <candidate>`
 *   through a temporary index (GIT_INDEX_FILE): the two-tree merge `git checkout` itself uses. It
 *   checks everything before it writes anything, and refuses when a file the merge changes has
 *   local changes (modified, staged, or an untracked file in the way); then nothing is touched and
 *   the entry parks naming those files. Local changes to files the merge does not touch are carried
 *   along untouched, as `git checkout` and `git pull --ff-only` do.
 * - The new index replaces the real one (a rename), then the branch moves by compare-and-swap
 *   (`git update-ref <ref> <candidate> <old>`), then our lock is released.
 *
 * Not `git merge --ff-only` in the checkout: it would do the same two-tree update and a CAS on
 * HEAD, but under the user's configuration (merge.autoStash would stash and re-apply their
 * changes, conflicting; post-merge hooks would run), against whatever HEAD it reads rather than
 * the commit the candidate was built on, and with git's own index.lock, which a crash at the
 * wrong moment leaves behind with nothing to tell whose it is.
 *
 * A crash leaves one of these, all recoverable from the journal (repairCheckout):
 * - our lock, nothing else changed: the lock is removed (its inode proves it is ours);
 * - some files written, the real index still at <old>: each file the merge touches that holds the
 *   candidate's content (ours) is put back to <old>; a file holding anything else is someone's
 *   edit made since, and is left alone;
 * - the new index in place, the branch still at <old>: the move is finished (the CAS), since
 *   everything before it (conflict check, gate) had passed;
 * - the branch moved: only the lock and temporary files are left to remove.
 */

export interface BaseCheckout {
  worktree: string;
  /** `.git` of the main checkout, `.git/worktrees/<name>` of a linked one. */
  gitDir: string;
  main: boolean;
}

export interface CheckoutLookup {
  checkout: BaseCheckout | null;
  /** Why the branch cannot move now (a rebase or merge of it in progress), or null. */
  busy: string | null;
}

export const describeCheckout = (c: Pick<BaseCheckout, 'worktree' | 'main'>): string =>
  c.main ? `the main checkout (${c.worktree})` : `the worktree ${c.worktree}`;

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

/** The working trees of the repository with their git dirs, read from git's files (no process). */
function worktreesFromFiles(ws: Workspace): BaseCheckout[] {
  const all: BaseCheckout[] = [{ worktree: ws.repo.mainRoot, gitDir: ws.repo.commonDir, main: true }];
  let names: string[] = [];
  try {
    names = readdirSync(path.join(ws.repo.commonDir, 'worktrees'));
  } catch {
    // no linked worktrees
  }
  for (const name of names) {
    const gitDir = path.join(ws.repo.commonDir, 'worktrees', name);
    const pointer = readText(path.join(gitDir, 'gitdir'));
    if (!pointer) continue;
    const worktree = path.dirname(path.resolve(gitDir, pointer));
    if (existsSync(worktree)) all.push({ worktree, gitDir, main: false });
  }
  return all;
}

async function worktreesFromGit(ws: Workspace): Promise<BaseCheckout[]> {
  const listed = await listWorktrees(ws.repo.mainRoot);
  const all: BaseCheckout[] = [];
  for (const w of listed) {
    if (w.bare || w.prunable || !existsSync(w.path)) continue;
    const gitDir = await absoluteGitDir(w.path);
    all.push({ worktree: w.path, gitDir, main: path.resolve(gitDir) === path.resolve(ws.repo.commonDir) });
  }
  return all;
}

/** The refs backend keeps HEAD in git's own files unless the repository uses reftable. */
const usesReftable = (ws: Workspace): boolean => !refsInFiles(ws.repo.commonDir);

const IN_PROGRESS: [string, string][] = [
  ['MERGE_HEAD', 'a merge'],
  ['CHERRY_PICK_HEAD', 'a cherry-pick'],
  ['REVERT_HEAD', 'a revert'],
  ['rebase-merge', 'a rebase'],
  ['rebase-apply', 'a rebase or git am'],
];

/** Where `branch` is checked out, if anywhere, and whether something there forbids moving it now. */
export async function findCheckout(ws: Workspace, branch: string): Promise<CheckoutLookup> {
  const ref = branchRef(branch);
  const trees = usesReftable(ws) ? await worktreesFromGit(ws) : worktreesFromFiles(ws);
  let checkout: BaseCheckout | null = null;
  for (const t of trees) {
    const head = readText(path.join(t.gitDir, 'HEAD'));
    if (head === `ref: ${ref}` || (usesReftable(ws) && (await headBranch(t)) === ref)) {
      checkout = t;
      continue;
    }
    // A rebase of the branch in progress elsewhere: HEAD is detached there, and the rebase will
    // write the branch when it ends.
    for (const dir of ['rebase-merge', 'rebase-apply']) {
      if (readText(path.join(t.gitDir, dir, 'head-name')) === ref) {
        return { checkout: null, busy: `a rebase of ${branch} is in progress in ${describeCheckout(t)}; finish or abort it there, then retry` };
      }
    }
  }
  if (checkout) {
    for (const [file, what] of IN_PROGRESS) {
      if (existsSync(path.join(checkout.gitDir, file))) {
        return { checkout, busy: `${what} is in progress in ${describeCheckout(checkout)}, which has ${branch} checked out; finish or abort it there, then retry` };
      }
    }
  }
  return { checkout, busy: null };
}

async function headBranch(t: BaseCheckout): Promise<string | null> {
  return symbolicHead(t.worktree);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates the file we will link into place as the checkout's index.lock; its inode names it ours. */
export function prepareCheckoutLock(checkout: BaseCheckout, tag: string): CheckoutIntent {
  const lockFile = path.join(checkout.gitDir, 'index.lock');
  const lockTemp = path.join(checkout.gitDir, `index.lock.council-${tag}`);
  try {
    unlinkSync(lockTemp);
  } catch {
    // no leftover
  }
  // A token inside, as well as the inode: an inode number is reused once freed, and a git command's
  // own index.lock (which holds index data) may get it after ours is gone.
  const lockToken = `council merge queue ${tag} ${randomBytes(8).toString('hex')}`;
  writeFileSync(lockTemp, lockToken, { flag: 'wx' });
  const lockIno = statSync(lockTemp, { bigint: true }).ino.toString();
  return { worktree: checkout.worktree, gitDir: checkout.gitDir, lockFile, lockTemp, lockIno, lockToken, tempIndex: path.join(checkout.gitDir, `index.council-${tag}`) };
}

/** Is the checkout's index.lock the very file we created? */
function lockIsOurs(intent: CheckoutIntent): boolean {
  try {
    if (statSync(intent.lockFile, { bigint: true }).ino.toString() !== intent.lockIno) return false;
    const fd = openSync(intent.lockFile, 'r');
    try {
      const buffer = Buffer.alloc(intent.lockToken.length + 1);
      const read = readSync(fd, buffer, 0, buffer.length, 0);
      return buffer.subarray(0, read).toString('utf8') === intent.lockToken;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Lets go of our lock (only if it is still ours) and removes our temporary files. */
export function releaseCheckout(intent: CheckoutIntent): void {
  if (lockIsOurs(intent)) removeQuietly(intent.lockFile);
  removeQuietly(intent.lockTemp);
  removeQuietly(intent.tempIndex);
  removeQuietly(`${intent.tempIndex}.lock`);
}

/** Links our lock file into place as index.lock: false when someone else holds it. */
function linkLock(intent: CheckoutIntent): boolean {
  try {
    linkSync(intent.lockTemp, intent.lockFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  removeQuietly(intent.lockTemp);
  return true;
}

/** A copy of the checkout's index to update instead of the real one (as racy as the real one). */
function copyIndex(intent: CheckoutIntent): void {
  copyIndexFile(path.join(intent.gitDir, 'index'), intent.tempIndex);
}

async function twoTreeUpdate(intent: CheckoutIntent, from: string, to: string): Promise<{ ok: boolean; stderr: string }> {
  copyIndex(intent);
  let out = await switchTrees(intent.worktree, from, to, intent.tempIndex);
  if (!out.ok && /not uptodate/i.test(out.stderr)) {
    // read-tree refuses an entry whose stat data changed even when its content did not (a file put
    // back by recovery after a crash, or touched by an editor): refresh the copy's stat data and
    // try once more. Files whose content really changed stay "needs update" and are refused again.
    // (A refused read-tree writes neither the index copy nor any file.)
    await refreshIndex(intent.worktree, intent.tempIndex);
    out = await switchTrees(intent.worktree, from, to, intent.tempIndex);
  }
  if (!out.ok) {
    removeQuietly(intent.tempIndex);
    removeQuietly(`${intent.tempIndex}.lock`);
    return { ok: false, stderr: out.stderr };
  }
  renameSync(intent.tempIndex, path.join(intent.gitDir, 'index'));
  return { ok: true, stderr: '' };
}

export type BringAlongResult = { kind: 'moved' } | { kind: 'base-moved' } | { kind: 'refused'; reason: string; files: string[] };

export interface BringAlongOptions {
  ws: Workspace;
  journal: MergeJournal & { checkout: CheckoutIntent };
  checkout: BaseCheckout;
  reflog: string;
  /** Progress points, in order: 'checkout-locked', 'checkout-updated'. */
  step: (name: 'checkout-locked' | 'checkout-updated') => void;
  /** How long to keep trying when another git command holds the checkout's index.lock. */
  busyWaitMs?: number;
}

/**
 * Moves the base branch and its checkout together (see the top of this file). The journal, with
 * our lock's inode, has been written by the caller.
 */
export async function bringAlong(options: BringAlongOptions): Promise<BringAlongResult> {
  const { ws, checkout, reflog } = options;
  let journal = options.journal;
  const where = describeCheckout(checkout);
  const deadline = Date.now() + (options.busyWaitMs ?? 2000);
  for (let wait = 25; !linkLock(journal.checkout); wait = Math.min(wait * 2, 400)) {
    removeQuietly(journal.checkout.lockTemp);
    if (Date.now() > deadline) {
      writeJournal(ws, { ...journal, checkout: null });
      return { kind: 'refused', reason: `${where} is busy: another git command holds ${journal.checkout.lockFile}; nothing was changed`, files: [] };
    }
    await sleep(wait);
    journal = { ...journal, checkout: prepareCheckoutLock(checkout, journal.entryId) };
    writeJournal(ws, journal);
  }
  const intent = journal.checkout;
  // With the index locked nobody can commit in this checkout; if someone did just before, the
  // branch is no longer where the candidate was built: start again from where it is now.
  if ((await branchCommit(ws.repo.commonDir, ws.repo.mainRoot, journal.baseBranch)) !== journal.baseBefore) {
    releaseCheckout(intent);
    return { kind: 'base-moved' };
  }
  options.step('checkout-locked');
  // An exception from here on leaves our lock in place on purpose: the caller runs the journal's
  // recovery, which looks at what was done and finishes or undoes it before letting go.
  const update = await twoTreeUpdate(intent, journal.baseBefore, journal.candidate);
  if (!update.ok) {
    releaseCheckout(intent);
    const { reason, files } = await describeRefusal(ws, checkout, journal.baseBefore, journal.candidate, update.stderr);
    return { kind: 'refused', reason, files };
  }
  options.step('checkout-updated');
  const moved = await updateRefCas(ws.repo.mainRoot, branchRef(journal.baseBranch), journal.candidate, journal.baseBefore, reflog);
  if (!moved) {
    // Someone moved the branch without the checkout (a push into it, update-ref): put the
    // checkout back where it was, then try again from the new base.
    const back = await twoTreeUpdate(intent, journal.candidate, journal.baseBefore);
    if (!back.ok) throw new Error(`the base branch ${journal.baseBranch} moved during the merge and ${where} could not be put back: ${back.stderr.trim()}`);
    releaseCheckout(intent);
    return { kind: 'base-moved' };
  }
  releaseCheckout(intent);
  return { kind: 'moved' };
}

/** Why read-tree refused, in words: the files with local changes the merge would overwrite. */
async function describeRefusal(ws: Workspace, checkout: BaseCheckout, old: string, candidate: string, stderr: string): Promise<{ reason: string; files: string[] }> {
  const where = describeCheckout(checkout);
  const touched = new Set((await treeChanges(ws.repo.mainRoot, old, candidate)).map((c) => c.path));
  const status = await worktreeStatus(checkout.worktree);
  const underTouched = (p: string): boolean => touched.has(p) || [...touched].some((t) => t.startsWith(`${p.replace(/\/$/, '')}/`) || p.startsWith(`${t}/`));
  const files = status.filter((e) => underTouched(e.path) || (e.origPath !== null && underTouched(e.origPath))).map((e) => e.path);
  if (files.length > 0) {
    const shown = files.slice(0, 10).join(', ') + (files.length > 10 ? ` and ${files.length - 10} more` : '');
    return {
      reason: `${where} has uncommitted changes in ${shown} that this merge would overwrite; commit or stash them there, then retry (nothing was changed)`,
      files,
    };
  }
  if (/index\.lock|unable to create/i.test(stderr)) return { reason: `${where} is busy (another git command holds its index); nothing was changed`, files: [] };
  const said = stderr.trim().split('\n').slice(0, 5).join(' ');
  return { reason: `${where} could not be brought along to the merged result (${said || 'git refused'}); nothing was changed`, files: [] };
}

// ---------------------------------------------------------------------------------------------
// Recovery

type Side = 'before' | 'after';

/** Does the index hold one side of every change (for each touched path, that side's blob, or nothing)? */
function indexMatches(index: Map<string, IndexEntry>, changes: readonly TreeChange[], side: Side): boolean {
  return changes.every((c) => {
    const want = c[side];
    const have = index.get(c.path);
    if (!want) return have === undefined;
    return have !== undefined && have.oid === want.oid && have.mode === want.mode;
  });
}

/** A blob id computed the way git does, for a symbolic link's text. */
function blobId(content: Buffer, oidLength: number): string {
  return createHash(oidLength === 64 ? 'sha256' : 'sha1')
    .update(`blob ${content.length}\0`)
    .update(content)
    .digest('hex');
}

/**
 * Puts back, from the real index (at <old> for every touched path), each touched file whose
 * content is the candidate's (our half-finished update wrote it), and removes files the candidate
 * added. Files holding anything else are someone's later edits: left alone, and returned.
 */
async function undoHalfUpdate(worktree: string, changes: readonly TreeChange[]): Promise<{ restored: string[]; leftAlone: string[] }> {
  const regular: TreeChange[] = [];
  const ours: TreeChange[] = [];
  const leftAlone: string[] = [];
  for (const c of changes) {
    if (c.path.includes('\n')) {
      leftAlone.push(c.path);
      continue;
    }
    const file = path.join(worktree, ...c.path.split('/'));
    let stats;
    try {
      stats = lstatSync(file);
    } catch {
      // Missing: the update had removed it (to rewrite it, or because the candidate deletes it).
      if (c.before) ours.push(c);
      continue;
    }
    if (stats.isSymbolicLink()) {
      const id = blobId(Buffer.from(readlinkSync(file)), (c.before ?? c.after)?.oid.length ?? 40);
      if (id === c.after?.oid && id !== c.before?.oid) ours.push(c);
      else if (id !== c.before?.oid) leftAlone.push(c.path);
    } else if (stats.isFile()) {
      regular.push(c);
    } else {
      leftAlone.push(c.path);
    }
  }
  if (regular.length > 0) {
    const ids = await hashFiles(worktree, regular.map((c) => c.path));
    regular.forEach((c, i) => {
      const id = ids[i];
      if (id === c.before?.oid && c.before?.mode === c.after?.mode) return; // already the old content
      if (id === c.after?.oid || id === c.before?.oid) ours.push(c);
      else leftAlone.push(c.path);
    });
  }
  const toCheckout = ours.filter((c) => c.before).map((c) => c.path);
  for (const c of ours) if (!c.before) removeQuietly(path.join(worktree, ...c.path.split('/')));
  if (toCheckout.length > 0) await checkoutFromIndex(worktree, toCheckout);
  return { restored: ours.map((c) => c.path), leftAlone };
}

export interface CheckoutRepair {
  /** The base branch's commit after the repair (it moves when an interrupted move is finished). */
  base: string | null;
  action: 'none' | 'finished-move' | 'undid-files' | 'left-alone';
  note: string;
}

/**
 * After a crash while a checkout was being brought along (the journal has its intent): finishes
 * the move or undoes the half-written files, then lets go of our lock and temporary files.
 */
export async function repairCheckout(ws: Workspace, journal: MergeJournal, base: string | null): Promise<CheckoutRepair> {
  const intent = journal.checkout;
  if (!intent) return { base, action: 'none', note: '' };
  const where = describeCheckout({ worktree: intent.worktree, main: path.resolve(intent.gitDir) === path.resolve(ws.repo.commonDir) });
  try {
    // Our index.lock still there means we died before letting go of it, that is before or during
    // the compare-and-swap: `git update-ref` locks the checkout's HEAD to append its reflog (HEAD
    // points at the base branch), and killed then leaves HEAD.lock, refusing the user's every
    // later commit there. While our index.lock is held no commit, checkout or reset there can have
    // started, so a HEAD.lock now is the dead CAS's.
    if (lockIsOurs(intent)) removeQuietly(path.join(intent.gitDir, 'HEAD.lock'));
    // Without our lock in place nothing was changed there (we never got it), or everything was
    // (we release it only after the branch moved).
    if (base !== journal.baseBefore || !lockIsOurs(intent) || !existsSync(intent.worktree)) return { base, action: 'none', note: '' };
    const changes = await treeChanges(ws.repo.mainRoot, journal.baseBefore, journal.candidate);
    const index = await stagedEntries(intent.worktree);
    if (indexMatches(index, changes, 'after')) {
      // The new index was in place: only the branch had not moved yet.
      const moved = await updateRefCas(ws.repo.mainRoot, branchRef(journal.baseBranch), journal.candidate, journal.baseBefore, `council: merge queue entry ${journal.entryId} (finished after an interruption)`);
      if (moved) return { base: journal.candidate, action: 'finished-move', note: `finished moving ${journal.baseBranch} with ${where}` };
      return { base, action: 'left-alone', note: `${journal.baseBranch} moved meanwhile; ${where} was left as it is` };
    }
    if (indexMatches(index, changes, 'before')) {
      const { restored, leftAlone } = await undoHalfUpdate(intent.worktree, changes);
      const kept = leftAlone.length ? `; left alone (changed since): ${leftAlone.join(', ')}` : '';
      return { base, action: 'undid-files', note: `put back ${restored.length} file(s) of ${where} that an interrupted merge had started to update${kept}` };
    }
    return { base, action: 'left-alone', note: `${where}'s index matched neither side of the interrupted merge; it was left as it is` };
  } finally {
    releaseCheckout(intent);
  }
}
