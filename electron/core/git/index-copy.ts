import { copyFileSync, statSync, utimesSync } from 'node:fs';

/**
 * Copies a git index for git to work on through GIT_INDEX_FILE, keeping the original's time stamp
 * (a hair earlier, never later).
 *
 * Why: git trusts a file's stat data (size, mtime, ctime — to the second in Debian's build) unless
 * the file changed at or after the moment its index was written; such "racily clean" entries get
 * their content compared. A plain copy has a new mtime, so in the copy every entry looks settled: a
 * file rewritten in the same second as the checkout that recorded it, with the same size, looks
 * unchanged, `git add` stages nothing and `git status` shows nothing — the change is hidden (issue
 * 12, item 0: the merge queue committed nothing, then renamed that copy over the real index, and
 * the edit was lost on removal). With the original's time the copy is exactly as racy as the index.
 */
export function copyIndexFile(index: string, copy: string): void {
  copyFileSync(index, copy);
  const s = statSync(index, { bigint: true });
  const seconds = (ns: bigint): number => Number(ns / 1000n - 1n) / 1e6;
  utimesSync(copy, seconds(s.atimeNs), seconds(s.mtimeNs));
}
