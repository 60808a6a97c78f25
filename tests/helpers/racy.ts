import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gitSync } from './repo';

/*
 * Racily clean files, made on purpose (issue 12, item 0).
 *
 * git trusts a file's stat data — size, mtime and ctime, to the second in Debian's build — unless the
 * file changed at or after the moment its index was written. A file that `git reset --hard` writes
 * and that is then rewritten within the same second with the same size keeps the stat data the
 * index recorded: only the index's own time stamp tells git to compare its content. Any copy of
 * that index with a newer time stamp hides the change.
 */

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until the wall clock is early in a second, so two steps taken now fall in the same second. */
async function startOfASecond(): Promise<void> {
  for (;;) {
    const ms = Date.now() % 1000;
    if (ms >= 50 && ms < 300) return;
    await sleep(ms < 50 ? 50 - ms : 1050 - ms);
  }
}

/**
 * In `worktree`: `git reset --hard <commit>` (which writes `file` and the index), then, in the same
 * second, `file` rewritten to `content` (same size as what reset wrote), then waits until the next
 * second has begun, so that anything copying the index from now on makes a copy that looks newer.
 * Returns the content that must not be lost. Throws if the set-up did not produce a racily clean
 * change (git status does not see it), so a test built on it cannot pass for the wrong reason.
 */
export async function racyEdit(worktree: string, commit: string, file: string, content: string): Promise<string> {
  const written = gitSync(worktree, 'show', `${commit}:${file}`) + '\n';
  if (Buffer.byteLength(written) !== Buffer.byteLength(content)) throw new Error(`racyEdit: the new content must have the size of ${commit}:${file} (${Buffer.byteLength(written)} bytes)`);
  await startOfASecond();
  const second = Math.floor(Date.now() / 1000);
  // Scribbled first, so that reset rewrites the file even when it already holds the commit's content.
  writeFileSync(path.join(worktree, file), `${content}scribble`);
  execFileSync('git', ['reset', '-q', '--hard', commit], { cwd: worktree });
  writeFileSync(path.join(worktree, file), content);
  if (Math.floor(Date.now() / 1000) !== second) throw new Error('racyEdit: the reset and the edit fell in different seconds; the machine is too slow for this set-up');
  await sleep(1100 - (Date.now() % 1000));
  const status = execFileSync('git', ['status', '--porcelain'], { cwd: worktree, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
  if (!status.includes(` M ${file}`)) throw new Error(`racyEdit: git status does not show the edit (${JSON.stringify(status)})`);
  return content;
}

/**
 * The index `git status` would trust blindly: a plain copy (new time stamp) put in place of the
 * real one — what the merge queue's commit did before issue 12. The change is then invisible to
 * `git status`, though the file differs from HEAD.
 */
export function hideChangesBehindANewerIndex(worktree: string): void {
  const gitDir = path.resolve(worktree, gitSync(worktree, 'rev-parse', '--git-dir'));
  const index = path.join(gitDir, 'index');
  const copy = `${index}.plain-copy`;
  execFileSync('cp', [index, copy]);
  execFileSync('mv', [copy, index]);
}
