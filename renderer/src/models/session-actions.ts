/** Pure wording and defaults for what a reviewer does to a session (commit, discard, update from base). */

/** The commit message a Commit… box starts with: the task's first line that has words, cut to 100 characters. */
export function defaultCommitMessage(task: string, max = 100): string {
  const line = (task.split(/\r?\n/).find((l) => l.trim()) ?? task).trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** "@@ -25,6 +25,6 @@ fn()" of a hunk given by number or by text; null for a whole file. */
export function hunkLabel(hunk: number | { header: string } | undefined): string | null {
  if (hunk === undefined) return null;
  return typeof hunk === 'number' ? `hunk ${hunk}` : hunk.header.trim();
}

/** What a discard will do, said before it is confirmed. `isNew`: the file is untracked (null: not known yet). */
export function discardWhat(path: string, hunk: number | { header: string } | undefined, isNew: boolean | null = null): string {
  const label = hunkLabel(hunk);
  if (label !== null) return `The ${label} of ${path} is reversed in the worktree; the rest of the file stays as it is.`;
  if (isNew === true) return `${path} is a new file: it is deleted from the worktree.`;
  if (isNew === false) return `The uncommitted change of ${path} goes: the file is put back as the session's last commit has it.`;
  return `The uncommitted change of ${path} goes: a file the session's last commit has is put back as it was there; a new file is deleted.`;
}

/** Where a discard keeps what it discards, said before it is confirmed. */
export function discardKeptWhere(sessionId: string): string {
  return `Before anything changes, the file as it is now is kept in a commit under refs/council/archive/${sessionId}/discard-<n>. Nothing else in the worktree is touched.`;
}

/** The success line of an update from base. */
export function updatedWords(state: 'updated' | 'up-to-date' | 'conflict' | 'aborted', commitsIn: number, baseBranch: string): string {
  switch (state) {
    case 'updated':
      return `${commitsIn} commit${commitsIn === 1 ? '' : 's'} came in from ${baseBranch}`;
    case 'up-to-date':
      return `Already up to date with ${baseBranch}: nothing came in`;
    case 'aborted':
      return `The update from ${baseBranch} was undone: the branch and its files are as they were`;
    case 'conflict':
      return `The update from ${baseBranch} stopped on conflicts`;
  }
}
