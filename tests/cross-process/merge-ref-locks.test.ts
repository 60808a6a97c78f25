// A merge killed inside the base branch's compare-and-swap: `git update-ref` holds the branch's
// lock (with the new commit in it) while it appends the branch's reflog, and HEAD's lock while it
// appends HEAD's (HEAD points at the branch). Killed there, git leaves the lock files behind, and
// every later commit in the user's checkout, or every later move of the branch, is refused. Found
// by the lifecycle crash loop (scripts/reliability/crash-loop.ts, seed 71184289, run 147).
//
// Deterministic here: the reflog git is appending to is made a FIFO, so git blocks holding the lock,
// and the merging process group is SIGKILLed there.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Council } from '../../electron/core/council';
import { MergeQueue, processQueue, recoverQueue } from '../../electron/core/merge/index';
import { ageLocksOfDeadHolder } from '../helpers/merge-crash';
import { mergeRepo } from '../helpers/merge-fixtures';
import { gitSync, writeIn } from '../helpers/repo';
import { workerPath } from '../helpers/workers';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function killedWhileAppending(reflog: string, lock: string): Promise<{ council: Council; root: string; entryId: string; base0: string }> {
  const repo = mergeRepo(2);
  const council = Council.open(repo.root);
  const [s] = await council.createSessions({ task: 'ref locks' });
  if (!s) throw new Error('no session');
  writeIn(s.worktreePath, 'src/f0.ts', 'export const f0 = "merged";\n');
  gitSync(s.worktreePath, 'commit', '-qam', 'f0');
  const entry = await new MergeQueue(council.ws).enqueue(s.id, { strategy: 'merge', gate: null });
  const base0 = gitSync(repo.root, 'rev-parse', 'main');
  const log = path.join(repo.root, '.git', reflog);
  rmSync(log);
  execFileSync('mkfifo', [log]);
  const child = spawn(process.execPath, [workerPath('merge-queue-run'), repo.root], { detached: true, stdio: 'ignore' });
  const lockFile = path.join(repo.root, '.git', lock);
  for (let i = 0; i < 300 && !existsSync(lockFile); i++) await sleep(50);
  expect(existsSync(lockFile), `${lock} while git appends to ${reflog}`).toBe(true);
  process.kill(-(child.pid as number), 'SIGKILL');
  await sleep(300);
  rmSync(log);
  writeFileSync(log, '');
  expect(existsSync(lockFile), `${lock} left by the killed git`).toBe(true);
  ageLocksOfDeadHolder(council.ws);
  return { council, root: repo.root, entryId: entry.id, base0 };
}

describe('a merge killed inside the compare-and-swap', () => {
  it("after the branch moved, appending HEAD's reflog: recovery finishes the merge and removes HEAD.lock", async () => {
    const { council, root, entryId, base0 } = await killedWhileAppending('logs/HEAD', 'HEAD.lock');
    await recoverQueue(council);
    expect(new MergeQueue(council.ws).get(entryId).state).toBe('merged');
    expect(gitSync(root, 'rev-parse', 'main^1')).toBe(base0);
    expect(existsSync(path.join(root, '.git', 'HEAD.lock'))).toBe(false);
    gitSync(root, 'commit', '-q', '--allow-empty', '-m', 'the user commits after the crash');
    expect(gitSync(root, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it("before the branch moved, appending the branch's reflog: recovery removes the branch's lock and the merge completes", async () => {
    const { council, root, entryId, base0 } = await killedWhileAppending('logs/refs/heads/main', 'refs/heads/main.lock');
    expect(gitSync(root, 'rev-parse', 'main')).toBe(base0);
    await processQueue(council);
    expect(new MergeQueue(council.ws).get(entryId).state).toBe('merged');
    expect(gitSync(root, 'rev-parse', 'main^1')).toBe(base0);
    expect(existsSync(path.join(root, '.git', 'refs', 'heads', 'main.lock'))).toBe(false);
    expect(gitSync(root, 'rev-parse', 'HEAD')).toBe(gitSync(root, 'rev-parse', 'main'));
    expect(gitSync(root, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    gitSync(root, 'commit', '-q', '--allow-empty', '-m', 'the user commits after the crash');
  });

  it('a branch lock that does not hold the candidate is not ours, and is left alone', async () => {
    const { council, root, entryId } = await killedWhileAppending('logs/refs/heads/main', 'refs/heads/main.lock');
    const lock = path.join(root, '.git', 'refs', 'heads', 'main.lock');
    writeFileSync(lock, `${'1'.repeat(40)}\n`);
    await recoverQueue(council);
    expect(existsSync(lock)).toBe(true);
    expect(new MergeQueue(council.ws).get(entryId).state).not.toBe('merged');
  });
});
