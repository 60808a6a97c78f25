import { statSync } from 'node:fs';

/**
 * Whether a folder of records can have changed since this process last read all of it, from one
 * stat of the folder instead of one per file (the peers view behind every agent's MCP tools read
 * 100 contexts and 100 locks: ~200 stats per call).
 *
 * Every writer of the folders it is used on (context/, locks/) changes them by adding, renaming
 * or removing an entry (temp file + rename, temp file + link, unlink), never by writing a record in
 * place, and any of those changes the folder's ctime and mtime. So an unchanged folder version
 * means no record changed — with one catch: timestamps have a granularity (a kernel tick, a
 * second on some filesystems), and a change in the same tick as the one the version shows would
 * leave it as it was. A version is therefore trusted only when the folder's last change is older
 * than RACY_MS (a second's granularity: RACY_COARSE_MS) at the time it was read, as git does with
 * its index; a folder changed more recently is read file by file again (what callers did before).
 */

/** Older than this, a folder's change cannot share its timestamp with a later one. */
export const RACY_MS = 100;
/** The same where timestamps are whole seconds (some filesystems): older than two of them. */
export const RACY_COARSE_MS = 2_500;

/**
 * The folder's version now, if it may be trusted (its last change is older than the racy window at
 * the time of the stat); null when it changed too recently to be sure of, or cannot be read. For a
 * version kept beyond one process (the digest hook remembers one per conversation): a later change
 * by anyone always gives another version.
 */
export function settledFolderVersion(dir: string, now: () => number = Date.now): string | null {
  const before = now(); // taken before the stat: the age below is never overstated
  try {
    const s = statSync(dir, { bigint: true });
    const changedNs = s.ctimeNs > s.mtimeNs ? s.ctimeNs : s.mtimeNs;
    const coarse = s.ctimeNs % 1_000_000_000n === 0n || s.mtimeNs % 1_000_000_000n === 0n;
    if (before - Number(changedNs / 1_000_000n) <= (coarse ? RACY_COARSE_MS : RACY_MS)) return null;
    return `${s.ino}:${s.ctimeNs}:${s.mtimeNs}:${s.size}:${s.nlink}`;
  } catch {
    return null;
  }
}

export class DirectoryVersion {
  /** The folder's version when its files were last all read, if it may be trusted; else null. */
  private trusted: string | null = null;

  constructor(
    readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * True: nothing in the folder changed since the last call that answered false, so what the
   * caller read then is still what the files hold. False: read every file now (this call
   * remembers the folder as of before that read).
   */
  unchanged(): boolean {
    const key = settledFolderVersion(this.dir, this.now);
    if (key === null) {
      this.trusted = null;
      return false;
    }
    if (this.trusted === key) return true;
    this.trusted = key;
    return false;
  }

  /** Forget: the next call answers false (this process changed the folder, or dropped its reads). */
  forget(): void {
    this.trusted = null;
  }
}
