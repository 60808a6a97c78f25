import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Session } from '../../../shared/models';
import { councilCommit } from '../git/commit';
import { commitDate } from '../git/history';
import { readTree, stagePaths, unstagePaths, writeTree } from '../git/index-file';
import { branchCommit, readBranchCommit } from '../git/refs';
import { statusWithHead, type StatusWithHead } from '../git/status';
import { worktreeGitDir } from '../git/worktree-dir';

/**
 * A session's work as one commit, now: the worktree's HEAD when nothing is uncommitted, else a
 * commit on top of HEAD whose tree is the worktree as it is (tracked changes staged or not,
 * untracked files; ignored files left out). That commit is what the radar merges.
 *
 * The session's own index, files and refs are never touched: the snapshot is built in a temporary
 * index (GIT_INDEX_FILE), a copy of the worktree's index with the paths `git status` reports
 * brought up to date from the worktree (`update-index --add --remove`: O(changed files), where
 * `read-tree` + `add -A` would hash or stat the whole tree). No ref points at the snapshot; git gc
 * collects it (and the blobs it wrote) once it is unreachable and old.
 *
 * The snapshot commit is deterministic: fixed identity and message, dated like its parent. Same
 * work on the same tip ⇒ same commit id, so a rebuilt-but-unchanged snapshot hits the radar's pair
 * cache. (Dated like the parent, not 1970: git's merge-base walk visits commits newest first and a
 * child dated before its parent would make it walk the whole history.)
 */

export interface Snapshot {
  /** What the worktree's HEAD is on (or the branch tip when the worktree folder is gone). */
  tip: string;
  /** The commit standing for the work: `tip` when clean, else the snapshot commit. */
  commit: string;
  /** The worktree has uncommitted work (so `commit` is a snapshot). */
  dirty: boolean;
}

interface CacheEntry extends Snapshot {
  /** git status output + size/mtime/ctime/inode of each reported path. */
  fingerprint: string;
  /** A reported file changed so recently that a second change in the same clock tick would not
   * show in its mtime: the entry is not trusted next time (git's "racily clean" problem). */
  racy: boolean;
}

const SNAPSHOT_MESSAGE = 'council radar snapshot (uncommitted work)';
/** Files modified this close to the status call are not trusted to have settled. File timestamps
 * come from the kernel's coarse clock (a tick, ~4 ms on Linux; 1–2 s on some file systems). */
const RACY_MARGIN_MS = 2_000;
/** Untracked files above this size stay out of snapshots: hashing a stray database or build output
 * into the object store on every change would cost more than it tells (such files rarely merge). */
export const MAX_UNTRACKED_BYTES = 8 * 1024 * 1024;

/**
 * The commit a worktree's HEAD is on, read from git's files (no process): null when it cannot be
 * told that way (reftable, a symbolic ref we do not follow, a file being rewritten). The radar uses
 * it to notice a commit in a session it was not told about.
 */
export function readWorktreeHead(worktree: string, commonDir: string): string | null {
  try {
    const head = readFileSync(path.join(worktreeGitDir(worktree), 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(head)) return head;
    const match = /^ref: refs\/heads\/(.+)$/.exec(head);
    return match?.[1] ? (readBranchCommit(commonDir, match[1]) ?? null) : null;
  } catch {
    return null;
  }
}

/** The fingerprint of what status reported, and the untracked files too big to put in a snapshot. */
function fingerprintOf(worktree: string, status: string, paths: readonly string[], untracked: ReadonlySet<string>, startedAt: number): { fingerprint: string; racy: boolean; tooLarge: Set<string> } {
  const hash = createHash('sha1').update(status);
  let racy = false;
  const tooLarge = new Set<string>();
  for (const rel of paths) {
    hash.update('\0').update(rel).update('\0');
    try {
      const st = lstatSync(path.join(worktree, rel), { bigint: true });
      hash.update(`${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}:${st.mode}`);
      if (untracked.has(rel) && st.size > MAX_UNTRACKED_BYTES) tooLarge.add(rel);
      // Only the mtime: a content change always moves it, and a set-back mtime (utimes) still
      // moves the ctime, which is in the fingerprint.
      if (Number(st.mtimeMs) >= startedAt - RACY_MARGIN_MS) racy = true;
    } catch {
      hash.update('-');
    }
  }
  return { fingerprint: hash.digest('hex'), racy, tooLarge };
}

/**
 * Snapshots of sessions' worktrees, cached by (HEAD, fingerprint of `git status` and of the
 * reported files' metadata): a session that has not changed since the last call costs one
 * `git status`.
 */
export class SnapshotStore {
  private readonly entries = new Map<string, CacheEntry>();
  /** Commit dates of tips (a snapshot is dated like its parent), kept while tips are in use. */
  private readonly tipDates = new Map<string, Promise<string>>();
  /** How many snapshot commits the last calls built (for the bench and tests). */
  built = 0;

  constructor(
    private readonly commonDir: string,
    private readonly mainRoot: string,
  ) {}

  /**
   * The session's work now; null when it has neither a worktree nor a branch. `status`: its
   * worktree's status already read (git/status.ts statusWithHeadMany, many
   * worktrees in one process) at `statusAt` (Date.now() before it ran).
   */
  async take(session: Session, status?: { status: StatusWithHead; at: number }): Promise<Snapshot | null> {
    if (!existsSync(path.join(session.worktreePath, '.git'))) {
      this.entries.delete(session.id);
      const tip = await branchCommit(this.commonDir, this.mainRoot, session.branch);
      return tip ? { tip, commit: tip, dirty: false } : null;
    }
    const previous = this.entries.get(session.id);
    const next = await this.snapshotWorktree(session.worktreePath, previous, status);
    if (next) this.entries.set(session.id, next);
    else this.entries.delete(session.id);
    return next && { tip: next.tip, commit: next.commit, dirty: next.dirty };
  }

  /** Drops what is kept for sessions not in `keep` (removed sessions). */
  retain(keep: ReadonlySet<string>): void {
    for (const id of this.entries.keys()) if (!keep.has(id)) this.entries.delete(id);
    const tips = new Set([...this.entries.values()].map((e) => e.tip));
    for (const tip of this.tipDates.keys()) if (!tips.has(tip)) this.tipDates.delete(tip);
  }

  private async snapshotWorktree(worktree: string, previous: CacheEntry | undefined, read?: { status: StatusWithHead; at: number }): Promise<CacheEntry | null> {
    const startedAt = read?.at ?? Date.now();
    const status = read?.status ?? (await statusWithHead(worktree));
    const { head } = status;
    // Every path status reports (tracked changes staged or not, deletions, untracked files).
    const paths = status.entries.flatMap((e) => (e.origPath ? [e.path, e.origPath] : [e.path]));
    const untracked = status.entries.filter((e) => e.kind === 'untracked').map((e) => e.path);
    if (head === null) return null;
    if (paths.length === 0) return { tip: head, commit: head, dirty: false, fingerprint: '', racy: false };
    const { fingerprint, racy, tooLarge } = fingerprintOf(worktree, status.raw, paths, new Set(untracked), startedAt);
    if (previous && previous.tip === head && previous.fingerprint === fingerprint && !previous.racy) return previous;
    const wanted = tooLarge.size ? paths.filter((p) => !tooLarge.has(p)) : paths;
    if (wanted.length === 0) return { tip: head, commit: head, dirty: false, fingerprint, racy };
    const commit = await this.buildSnapshot(worktree, head, wanted);
    return { tip: head, commit, dirty: true, fingerprint, racy };
  }

  private async buildSnapshot(worktree: string, head: string, paths: readonly string[]): Promise<string> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'council-radar-'));
    const index = path.join(dir, 'index');
    try {
      try {
        // A read-only copy: git replaces its index by rename, so the copy is one whole version.
        copyFileSync(path.join(worktreeGitDir(worktree), 'index'), index);
      } catch {
        await readTree(worktree, head, index);
      }
      // The changed paths leave the copy first, so every one is hashed afresh: in the copy (a new
      // file, a new mtime) git's "racily clean" check no longer applies, and a file rewritten in
      // the same second as the checkout with the same size would look unchanged by its stat data.
      // --no-split-index: never write a shared index into the session's git dir. --replace: a file
      // where a folder was, or the other way round.
      await unstagePaths(worktree, paths, index);
      const present = paths.filter((p) => {
        try {
          lstatSync(path.join(worktree, p));
          return true;
        } catch {
          return false;
        }
      });
      if (present.length) {
        await stagePaths(worktree, present, index);
      }
      const tree = await writeTree(worktree, index);
      const date = await this.tipDate(worktree, head);
      const commit = await councilCommit(worktree, tree, head, SNAPSHOT_MESSAGE, date);
      this.built++;
      return commit;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** One `git show` per tip, shared by sessions snapshotted at the same time on the same tip. */
  private tipDate(cwd: string, tip: string): Promise<string> {
    let date = this.tipDates.get(tip);
    if (!date) {
      date = commitDate(cwd, tip);
      date.catch(() => this.tipDates.delete(tip));
      this.tipDates.set(tip, date);
    }
    return date;
  }
}
