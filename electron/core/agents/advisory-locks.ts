import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Session } from '../../../shared/models';
import type { Council } from '../council';
import { ignoredAmong, trackedAmong } from '../git/files';

/**
 * Advisory locks for one run of an agent without a pre-edit hook (issue 12, item 12): what its
 * worktree watcher (or its own output) says it edited is locked for its session when free, and an
 * edit of a file another session holds is reported as a clash — it cannot be prevented.
 *
 * Not every changed path is an edit worth a lock:
 * - files git ignores (`.aider.chat.history.md`, `.aider.tags.cache.v4/…`, build output) are
 *   never merged, so nobody can clash on them;
 * - `.gitignore` is appended to by agents' own tooling in every session (Aider adds `.aider*`):
 *   locking it would make every later session clash with the first; a real conflict in it is the
 *   radar's business;
 * - an editor's atomic-write temporary file (`hello.txt.0222a8e92730.tmp`, `name~`, `.name.swp`)
 *   and anything else already gone again that git does not track: it was never an edit of the
 *   repository.
 * Each path is checked once per run, whoever reported it first (the watcher or the CLI's output:
 * opencode's parser used to record a file first, and its clash was then never checked). The locks
 * a run took are released when it ends: an advisory lock must not outlive the work it stood for.
 */

/** Editors' and agents' atomic-write temporary files, and editor backup / swap / lock files. */
const SCRATCH = [/\.[0-9a-f]{6,}\.tmp$/i, /\.tmp\.\d+$/, /~$/, /(^|\/)\.[^/]+\.sw[a-p]$/, /(^|\/)\.#[^/]*$/, /(^|\/)#[^/]*#$/];

/** Why a changed path is never advisory-locked, or null when it may be. Pure (no file system). */
export function scratchReason(rel: string): string | null {
  if (rel === '.gitignore' || rel.endsWith('/.gitignore')) return 'a .gitignore';
  if (SCRATCH.some((pattern) => pattern.test(rel))) return 'a temporary file';
  return null;
}


/** The paths of `rels` worth an advisory lock (see the file's comment). */
export async function lockablePaths(worktree: string, rels: readonly string[]): Promise<string[]> {
  const candidates = [...new Set(rels)].filter((rel) => scratchReason(rel) === null);
  const ignored = await ignoredAmong(worktree, candidates);
  const kept = candidates.filter((rel) => !ignored.has(rel));
  const gone = kept.filter((rel) => !existsSync(path.join(worktree, rel)));
  // A tracked file that is gone was deleted: an edit.
  const deletions = await trackedAmong(worktree, gone);
  return kept.filter((rel) => !gone.includes(rel) || deletions.has(rel));
}

export interface Clash {
  /** The repository-relative path another session holds. */
  path: string;
  /** The holder in words: `session <id> (<agent>: <task>)`. */
  holder: string;
  /** The holding session's id. */
  holderId: string;
}

export class AdvisoryLocks {
  /** Paths already looked at in this run (locked, or found held by another session). */
  private readonly checked = new Set<string>();
  /** Locks this run took (repository-relative), released when it ends. */
  private readonly taken = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly council: Council,
    private readonly session: Session,
    private readonly onClash: (clash: Clash) => Promise<void> | void,
  ) {}

  /** Checks the paths (worktree-relative) the run changed; calls are handled one after another. */
  note(rels: readonly string[]): Promise<void> {
    const fresh = rels.filter((rel) => !this.checked.has(rel));
    if (fresh.length === 0 || this.closed) return this.queue;
    this.queue = this.queue.then(() => this.check(fresh)).catch(() => undefined);
    return this.queue;
  }

  private async check(rels: readonly string[]): Promise<void> {
    const worktree = this.session.worktreePath;
    let lockable: string[];
    try {
      lockable = await lockablePaths(worktree, rels.filter((rel) => !this.checked.has(rel)));
    } catch {
      return; // git could not tell: nothing is flagged rather than something false
    }
    for (const rel of lockable) {
      if (this.closed) return;
      this.checked.add(rel);
      try {
        const result = await this.council.locks.tryAcquire(rel, this.session.id, { cwd: worktree });
        if (result.acquired) {
          if (!result.already) this.taken.add(result.lock.path);
          continue;
        }
        await this.onClash({ path: result.owner.path, holder: describeSession(this.council, result.owner.sessionId), holderId: result.owner.sessionId });
      } catch {
        // A path the lock store refuses (outside the repository, say): nothing to flag.
      }
    }
  }

  /** Waits for the checks under way, then gives back every lock this run took. */
  async close(): Promise<string[]> {
    await this.queue;
    this.closed = true;
    const released: string[] = [];
    for (const rel of this.taken) {
      try {
        const result = await this.council.locks.release(rel, this.session.id, { cwd: this.council.ws.repo.mainRoot });
        if (result.released) released.push(result.path);
      } catch {
        // already gone (the session was removed): nothing to give back
      }
    }
    this.taken.clear();
    return released;
  }
}

/** `session <id> (<agent>: <task>)`, or `session <id>` when it is no longer registered. */
export function describeSession(council: Council, sessionId: string): string {
  const holder = council.ws.registry.find(sessionId);
  return holder ? `session ${holder.id} (${holder.agent ? `${holder.agent}: ` : ''}${holder.task})` : `session ${sessionId}`;
}
