import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Council } from '../../electron/core/council';
import { worktreeGitDir as gitDirOf } from '../../electron/core/git/worktree-dir';
import { COUNCIL_BIN, councilJson } from '../helpers/cli';
import { gitSync, makeRepo, writeIn } from '../helpers/repo';
import { startWorker, stopWorkers } from '../helpers/workers';

/**
 * Layer 2, regression for what the lifecycle crash loop found: a merge killed (with its process
 * group) while it committed a session's pending work left git's `index.lock` in the session's
 * worktree, and from then on every commit there failed ("index.lock: File exists") — the agent's,
 * `council session commit`, every merge of the session. A session commit now holds the index with a
 * lock of its own (electron/core/sessions/index-lock.ts); here a real process is frozen inside it
 * and SIGKILLed, and the next commit (or reconcile) must clear what it left, and only that.
 */

afterEach(stopWorkers);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function sessionWithWork(): Promise<{ root: string; council: Council; id: string; worktree: string }> {
  const repo = makeRepo();
  const council = Council.open(repo.root);
  const [s] = await council.createSessions({ task: 'commit crash' });
  if (!s) throw new Error('no session');
  writeIn(s.worktreePath, 'src/a.ts', 'export const a = "changed";\n');
  writeIn(s.worktreePath, 'new.txt', 'new file\n');
  return { root: repo.root, council, id: s.id, worktree: s.worktreePath };
}

async function killInside(worktree: string, when: 'before-commit' | 'after-commit'): Promise<void> {
  const w = startWorker('hold-index', [worktree, when]);
  await w.waitFor('holding');
  w.child.kill('SIGKILL');
  expect((await w.done).signal).toBe('SIGKILL');
}

const leftovers = (worktree: string): string[] => readdirSync(gitDirOf(worktree)).filter((n) => n.startsWith('index') && n !== 'index');

describe('a session commit killed part-way', () => {
  it('killed while git staged the work: the worktree is locked until the next commit clears the dead lock, which then commits everything', async () => {
    const { root, id, worktree } = await sessionWithWork();
    const before = gitSync(worktree, 'rev-parse', 'HEAD');
    await killInside(worktree, 'before-commit');
    // The lock the dead process held is still there: the agent's own git is refused meanwhile.
    expect(existsSync(path.join(gitDirOf(worktree), 'index.lock'))).toBe(true);
    expect(() => gitSync(worktree, 'add', 'new.txt')).toThrow(/index\.lock/);
    expect(gitSync(worktree, 'rev-parse', 'HEAD')).toBe(before);

    const run = councilJson<{ commit: string; files: number }>(['session', 'commit', id, '-m', 'after the crash'], { cwd: root });
    expect(run.result).toEqual({ ok: true, value: { id, commit: expect.stringMatching(/^[0-9a-f]{40}$/), files: 2 } });
    expect(gitSync(worktree, 'show', 'HEAD:new.txt')).toBe('new file');
    expect(gitSync(worktree, 'rev-parse', 'HEAD^')).toBe(before);
    expect(gitSync(worktree, 'status', '--porcelain')).toBe('');
    expect(leftovers(worktree)).toEqual([]);
  });

  it('killed after git committed, before the new index was put in place: reconcile puts it in place, the worktree is clean', async () => {
    const { council, id, worktree } = await sessionWithWork();
    const before = gitSync(worktree, 'rev-parse', 'HEAD');
    await killInside(worktree, 'after-commit');
    expect(gitSync(worktree, 'rev-parse', 'HEAD^')).toBe(before);

    const report = await council.reconcile();
    expect(report.indexLocksCleared).toEqual([id]);
    // Without the committed index the worktree would show the commit undone as staged changes.
    expect(gitSync(worktree, 'status', '--porcelain')).toBe('');
    expect(gitSync(worktree, 'show', 'HEAD:src/a.ts')).toBe('export const a = "changed";');
    expect(leftovers(worktree)).toEqual([]);
    writeIn(worktree, 'later.txt', 'later\n');
    expect((await council.commit(id, 'later')).commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it("killed inside git commit after the branch moved, before git renamed its refreshed copy (copy.lock left): reconcile still leaves the index at the commit", async () => {
    const { council, id, worktree } = await sessionWithWork();
    await killInside(worktree, 'after-commit');
    // What git leaves when killed between moving HEAD and committing its index lock file.
    const copy = leftovers(worktree).find((n) => /^index\.council-session-\d+-[0-9a-f]+$/.test(n));
    expect(copy).toBeDefined();
    const copyPath = path.join(gitDirOf(worktree), copy as string);
    writeFileSync(`${copyPath}.lock`, readFileSync(copyPath));

    const report = await council.reconcile();
    expect(report.indexLocksCleared).toEqual([id]);
    expect(gitSync(worktree, 'status', '--porcelain')).toBe('');
    expect(leftovers(worktree)).toEqual([]);
    writeIn(worktree, 'later.txt', 'later\n');
    expect((await council.commit(id, 'later')).files).toBe(1);
  });

  it('killed after git committed, its index copy lost: reconcile rebuilds the index from the commit (the committed work does not show as undone)', async () => {
    const { council, id, worktree } = await sessionWithWork();
    await killInside(worktree, 'after-commit');
    for (const name of leftovers(worktree)) if (/^index\.council-session-\d+-[0-9a-f]+$/.test(name)) rmSync(path.join(gitDirOf(worktree), name));

    const report = await council.reconcile();
    expect(report.indexLocksCleared).toEqual([id]);
    expect(gitSync(worktree, 'status', '--porcelain')).toBe('');
    expect(readFileSync(path.join(worktree, 'new.txt'), 'utf8')).toBe('new file\n');
    expect(leftovers(worktree)).toEqual([]);
  });

  it('an index left behind its commit (the work committed, the index saying otherwise): commit finds nothing to commit and puts the index right', async () => {
    const { council, id, worktree } = await sessionWithWork();
    const other = path.join(gitDirOf(worktree), 'elsewhere-index');
    writeFileSync(other, readFileSync(path.join(gitDirOf(worktree), 'index')));
    execFileSync('git', ['add', '--all'], { cwd: worktree, env: { ...process.env, GIT_INDEX_FILE: other } });
    execFileSync('git', ['commit', '-q', '-m', 'committed through another index'], { cwd: worktree, env: { ...process.env, GIT_INDEX_FILE: other } });
    rmSync(other);
    expect(gitSync(worktree, 'status', '--porcelain')).not.toBe('');
    const head = gitSync(worktree, 'rev-parse', 'HEAD');

    expect(await council.commit(id, 'nothing new')).toEqual({ id, commit: null, files: 0 });
    expect(gitSync(worktree, 'rev-parse', 'HEAD')).toBe(head);
    expect(gitSync(worktree, 'status', '--porcelain')).toBe('');
  });

  it("killed inside git commit's branch update (HEAD.lock and the branch's lock held): reconcile clears them too, the work commits again", async () => {
    const { root, council, id, worktree } = await sessionWithWork();
    const before = gitSync(worktree, 'rev-parse', 'HEAD');
    // git appends HEAD's reflog while holding HEAD.lock: a FIFO there holds it at that moment.
    const headLog = path.join(gitDirOf(worktree), 'logs', 'HEAD');
    rmSync(headLog);
    execFileSync('mkfifo', [headLog]);
    const child = spawn(process.execPath, [COUNCIL_BIN, 'session', 'commit', id, '-m', 'killed in the ref update'], { cwd: root, detached: true, stdio: 'ignore' });
    const headLock = path.join(gitDirOf(worktree), 'HEAD.lock');
    for (let i = 0; i < 400 && !existsSync(headLock); i++) await sleep(50);
    expect(existsSync(headLock)).toBe(true);
    process.kill(-(child.pid as number), 'SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    rmSync(headLog);
    writeFileSync(headLog, '');
    expect(() => gitSync(worktree, 'commit', '-q', '--allow-empty', '-m', 'the agent')).toThrow(/\.lock/);

    const branch = council.session(id).branch;
    const branchLock = `${path.join(root, '.git', 'refs', 'heads', ...branch.split('/'))}.lock`;
    // Killed with both of git commit's ref locks held, before the branch moved.
    expect(existsSync(branchLock)).toBe(true);
    expect(gitSync(worktree, 'rev-parse', 'HEAD')).toBe(before);

    const report = await council.reconcile();
    expect(report.indexLocksCleared).toEqual([id]);
    expect(existsSync(headLock)).toBe(false);
    expect(existsSync(branchLock)).toBe(false);
    expect(leftovers(worktree)).toEqual([]);
    // The commit did not happen: the work is still there, uncommitted, and commits now.
    expect(gitSync(worktree, 'rev-parse', 'HEAD')).toBe(before);
    expect(readFileSync(path.join(worktree, 'new.txt'), 'utf8')).toBe('new file\n');
    expect((await council.commit(id, 'after recovery')).files).toBe(2);
    expect(gitSync(worktree, 'show', 'HEAD:new.txt')).toBe('new file');
    expect(gitSync(worktree, 'status', '--porcelain')).toBe('');
  });

  it("never removes an index.lock git itself holds: the commit is refused and the lock left alone", async () => {
    const { council, id, worktree } = await sessionWithWork();
    const lock = path.join(gitDirOf(worktree), 'index.lock');
    writeFileSync(lock, 'DIRC not ours');
    const report = await council.reconcile();
    expect(report.indexLocksCleared).toEqual([]);
    await expect(council.commit(id, 'refused')).rejects.toMatchObject({ code: 'lock-busy' });
    expect(readFileSync(lock, 'utf8')).toBe('DIRC not ours');
    expect(gitSync(worktree, 'status', '--porcelain')).toContain('new.txt');
  });
});
