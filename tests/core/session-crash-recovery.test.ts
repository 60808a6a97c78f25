import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { dropDeletionLockOfBranch } from '../../electron/core/sessions/remove';
import { gitLockFiles } from '../helpers/crash-locks';
import { checkAgreement } from '../helpers/crash-checker';
import { fsck } from '../helpers/merge-crash';
import { gitSync, makeRepo, tempDir, writeIn } from '../helpers/repo';

/**
 * Regression tests for what the lifecycle crash loop (tests/cross-process/lifecycle-crash-loop)
 * found: states a SIGKILLed `council` command leaves, made here exactly (as observed after real
 * kills), and what reconcile — the restarted app's recovery — must make of them.
 */

const worktreeFiles = (root: string): string[] => readdirSync(root).filter((n) => n !== '.git');

const branchLock = (council: Council, branch: string): string => `${path.join(council.ws.repo.commonDir, 'refs', 'heads', ...branch.split('/'))}.lock`;

/** Marks a session as a command left it in the registry when it was killed. */
async function leaveIn(council: Council, id: string, state: Session['state']): Promise<void> {
  await council.ws.registry.update((file) => {
    const s = file.sessions[id];
    if (!s) throw new Error(`no session ${id}`);
    return { next: { ...file, sessions: { ...file.sessions, [id]: { ...s, state } } }, result: undefined };
  });
}

/** A `creating` record for a session that `git worktree add` has not finished (or started). */
async function creatingRecord(council: Council, id: string): Promise<Session> {
  const root = await council.ws.worktreeRoot();
  const session: Session = {
    id,
    task: 'half made',
    agent: null,
    branch: `council/half-made-${id}`,
    worktreePath: path.join(root, `half-made-${id}`),
    baseBranch: 'main',
    baseCommit: gitSync(council.ws.repo.mainRoot, 'rev-parse', 'main'),
    createdAt: new Date().toISOString(),
    state: 'creating',
  };
  await council.ws.registry.update((file) => ({ next: { ...file, sessions: { ...file.sessions, [id]: session } }, result: undefined }));
  mkdirSync(root, { recursive: true });
  return session;
}

/** What `git worktree add` has written when killed early: its admin folder, locked
 * "initializing", with gitdir, and the worktree folder holding only its .git file. */
function halfMadeAdmin(council: Council, name: string, worktree: string): string {
  const admin = path.join(council.ws.repo.commonDir, 'worktrees', name);
  mkdirSync(admin, { recursive: true });
  writeFileSync(path.join(admin, 'locked'), 'initializing');
  writeFileSync(path.join(admin, 'gitdir'), `${path.join(worktree, '.git')}\n`);
  mkdirSync(worktree, { recursive: true });
  writeFileSync(path.join(worktree, '.git'), `gitdir: ${admin}\n`);
  return admin;
}

/** Everything of a session is gone, and nothing is left locked or lying around. */
async function expectNoTrace(council: Council, s: Session): Promise<void> {
  const root = council.ws.repo.mainRoot;
  expect(council.listSessions().map((x) => x.id)).not.toContain(s.id);
  expect(existsSync(s.worktreePath)).toBe(false);
  expect(gitSync(root, 'worktree', 'list', '--porcelain')).not.toContain(s.worktreePath);
  expect(gitSync(root, 'for-each-ref', `refs/heads/${s.branch}`)).toBe('');
  expect(existsSync(path.join(council.ws.repo.commonDir, 'worktrees', path.basename(s.worktreePath)))).toBe(false);
  expect(gitLockFiles(council.ws.repo.commonDir)).toEqual([]);
  expect(await checkAgreement(council.ws)).toEqual([]);
}

describe('reconcile after a session create was killed inside git worktree add', () => {
  it('killed during the checkout (worktree locked "initializing", index.lock held, files missing): rolled back, not marked ready', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const s = await creatingRecord(council, 'a1b2c3');
    gitSync(repo.root, 'worktree', 'add', '-b', s.branch, s.worktreePath, s.baseCommit);
    // What git leaves when killed inside its `reset --hard`: the admin folder still locked, its
    // index.lock held, only some files written.
    const admin = path.join(council.ws.repo.commonDir, 'worktrees', path.basename(s.worktreePath));
    writeFileSync(path.join(admin, 'locked'), 'initializing');
    writeFileSync(path.join(admin, 'index.lock'), '');
    rmSync(path.join(s.worktreePath, 'src'), { recursive: true });
    expect(gitSync(repo.root, 'worktree', 'list', '--porcelain')).toContain('locked initializing');

    const report = await council.reconcile();
    expect(report.finishedCreating).toEqual([]);
    expect(report.rolledBack).toEqual([s.id]);
    await expectNoTrace(council, s);
    // And the repository takes new sessions as before.
    const [next] = await council.createSessions({ task: 'after the crash' });
    expect(worktreeFiles(next!.worktreePath).sort()).toEqual(['README.md', 'src']);
  });

  it('killed right after git made the admin folder (only `locked`, an empty worktree folder, no gitdir yet): rolled back', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const s = await creatingRecord(council, 'd4e5f6');
    gitSync(repo.root, 'branch', s.branch, s.baseCommit);
    const admin = path.join(council.ws.repo.commonDir, 'worktrees', path.basename(s.worktreePath));
    mkdirSync(admin, { recursive: true });
    writeFileSync(path.join(admin, 'locked'), 'initializing');
    mkdirSync(s.worktreePath);

    const report = await council.reconcile();
    expect(report.rolledBack).toEqual([s.id]);
    await expectNoTrace(council, s);
  });

  it('killed inside `git branch` (the new branch\'s lock file left, no branch): rolled back and the lock removed', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const s = await creatingRecord(council, '0a0b0c');
    const lock = path.join(council.ws.repo.commonDir, 'refs', 'heads', ...s.branch.split('/')) + '.lock';
    mkdirSync(path.dirname(lock), { recursive: true });
    writeFileSync(lock, `${s.baseCommit}\n`);

    const report = await council.reconcile();
    expect(report.rolledBack).toEqual([s.id]);
    await expectNoTrace(council, s);
  });

  it('killed while the checkout logged HEAD\'s move on the new branch (branch made, its lock left): rolled back, branch and lock gone', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const s = await creatingRecord(council, 'c0ffee');
    gitSync(repo.root, 'worktree', 'add', '-b', s.branch, s.worktreePath, s.baseCommit);
    const admin = path.join(council.ws.repo.commonDir, 'worktrees', path.basename(s.worktreePath));
    writeFileSync(path.join(admin, 'locked'), 'initializing');
    // `reset --hard` updates HEAD, and so locks the branch HEAD points at, writing the commit there.
    writeFileSync(`${path.join(council.ws.repo.commonDir, 'refs', 'heads', ...s.branch.split('/'))}.lock`, `${s.baseCommit}\n`);

    const report = await council.reconcile();
    expect(report.rolledBack).toEqual([s.id]);
    await expectNoTrace(council, s);
  });

  it('killed as git created the admin folder\'s commondir (empty): git worktree, fsck and gc fail for the whole repository until reconcile clears it', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const s = await creatingRecord(council, 'beef01');
    gitSync(repo.root, 'branch', s.branch, s.baseCommit);
    const admin = halfMadeAdmin(council, path.basename(s.worktreePath), s.worktreePath);
    writeFileSync(path.join(admin, 'commondir'), '');
    expect(() => gitSync(repo.root, 'worktree', 'list')).toThrow(/failed to read .*commondir/);

    const report = await council.reconcile();
    expect(report.unfinishedAddsCleared).toEqual([path.basename(s.worktreePath)]);
    expect(report.rolledBack).toEqual([s.id]);
    await expectNoTrace(council, s);
    expect(fsck(repo.root)).toBe('');
    gitSync(repo.root, 'gc', '-q');
  });

  it('an unfinished add that is no session\'s (a merge scratch worktree, placeholder HEAD) is cleared too, so fsck and gc work again', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const scratch = path.join(tempDir('council-scratch-'), 'e1-gate-ab12');
    const admin = halfMadeAdmin(council, 'e1-gate-ab12', scratch);
    writeFileSync(path.join(admin, 'commondir'), '../..\n');
    writeFileSync(path.join(admin, 'HEAD'), `${'0'.repeat(40)}\n`);
    expect(fsck(repo.root)).toContain('worktrees/e1-gate-ab12/HEAD');

    const report = await council.reconcile();
    expect(report.unfinishedAddsCleared).toEqual(['e1-gate-ab12']);
    expect(existsSync(admin)).toBe(false);
    expect(existsSync(scratch)).toBe(false);
    expect(fsck(repo.root)).toBe('');
    gitSync(repo.root, 'gc', '-q');
  });

  it('a folder at the session\'s path that git did not make is left alone', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const s = await creatingRecord(council, 'abcdef');
    writeIn(s.worktreePath, 'notes.txt', 'someone else\'s\n');

    await council.reconcile();
    expect(council.listSessions()).toEqual([]);
    expect(readFileSync(path.join(s.worktreePath, 'notes.txt'), 'utf8')).toBe('someone else\'s\n');
  });
});

describe('reconcile after a session remove was killed', () => {
  it('killed while looking at the work of a session with only uncommitted changes: they are kept, the session is ready again', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'dirty' });
    writeIn(s!.worktreePath, 'draft.txt', 'not committed\n');
    writeIn(s!.worktreePath, 'src/a.ts', 'export const a = "edited";\n');
    // removeSession marks the session `removing` first, then looks at its work.
    await leaveIn(council, s!.id, 'removing');

    const report = await council.reconcile();
    expect(report.finishedRemoving).toEqual([]);
    expect(council.listSessions().map((x) => [x.id, x.state])).toEqual([[s!.id, 'ready']]);
    expect(readFileSync(path.join(s!.worktreePath, 'draft.txt'), 'utf8')).toBe('not committed\n');
    expect(readFileSync(path.join(s!.worktreePath, 'src/a.ts'), 'utf8')).toBe('export const a = "edited";\n');
  });

  it('killed after a forced removal archived the uncommitted changes: the removal is finished, the archive holds them', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'dirty, archived' });
    writeIn(s!.worktreePath, 'draft.txt', 'not committed\n');
    await leaveIn(council, s!.id, 'removing');
    // What removeSession --force does before it deletes anything: the snapshot, under an archive ref.
    const { snapshotWorktree } = await import('../../electron/core/git/index-file');
    const snapshot = await snapshotWorktree(s!.worktreePath, 'snapshot');
    gitSync(repo.root, 'update-ref', `refs/council/archive/${s!.id}-20260101T000000Z`, snapshot);

    const report = await council.reconcile();
    expect(report.finishedRemoving).toEqual([s!.id]);
    expect(council.listSessions()).toEqual([]);
    expect(existsSync(s!.worktreePath)).toBe(false);
    expect(gitSync(repo.root, 'show', `refs/council/archive/${s!.id}-20260101T000000Z:draft.txt`)).toBe('not committed');
  });

  it('killed inside git worktree remove (branch deleted, .git file and some files gone, the rest left): the leftover folder is removed, the archive kept', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'half deleted' });
    writeIn(s!.worktreePath, 'draft.txt', 'not committed\n');
    await leaveIn(council, s!.id, 'removing');
    // What removeSession --force had done: archived the work, deleted the branch; then git was
    // deleting the folder (its .git file already gone, src/ not yet) when it was killed.
    const { snapshotWorktree } = await import('../../electron/core/git/index-file');
    const snapshot = await snapshotWorktree(s!.worktreePath, 'snapshot');
    gitSync(repo.root, 'update-ref', `refs/council/archive/${s!.id}-20260101T000000Z`, snapshot);
    gitSync(repo.root, 'update-ref', '-d', `refs/heads/${s!.branch}`);
    rmSync(path.join(s!.worktreePath, '.git'));
    rmSync(path.join(s!.worktreePath, 'README.md'));
    expect(readdirSync(s!.worktreePath).sort()).toEqual(['draft.txt', 'src']);

    const report = await council.reconcile();
    expect(report.finishedRemoving).toEqual([s!.id]);
    expect(existsSync(s!.worktreePath)).toBe(false);
    expect(council.listSessions()).toEqual([]);
    expect(await checkAgreement(council.ws)).toEqual([]);
    expect(gitSync(repo.root, 'show', `refs/council/archive/${s!.id}-20260101T000000Z:draft.txt`)).toBe('not committed');
  });

  it('killed inside git update-ref -d with packed-refs.lock left (branch there, or already gone): the removal is finished and the lock taken over', async () => {
    for (const branchGone of [false, true]) {
      const repo = makeRepo();
      const council = Council.open(repo.root);
      const [s] = await council.createSessions({ task: `packed-refs lock ${branchGone}` });
      await leaveIn(council, s!.id, 'removing');
      if (branchGone) gitSync(repo.root, 'update-ref', '-d', `refs/heads/${s!.branch}`);
      const lock = path.join(repo.root, '.git', 'packed-refs.lock');
      writeFileSync(lock, '');

      const report = await council.reconcile();
      expect(report.finishedRemoving).toEqual([s!.id]);
      expect(existsSync(lock)).toBe(false);
      expect(existsSync(s!.worktreePath)).toBe(false);
      expect(gitSync(repo.root, 'for-each-ref', `refs/heads/${s!.branch}`)).toBe('');
      expect(await checkAgreement(council.ws)).toEqual([]);
    }
  }, 30_000);

  it('killed inside git update-ref -d of the branch (its lock left, empty): the removal is finished and the lock gone', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'branch lock' });
    await leaveIn(council, s!.id, 'removing');
    writeFileSync(branchLock(council, s!.branch), '');

    const report = await council.reconcile();
    expect(report.finishedRemoving).toEqual([s!.id]);
    expect(existsSync(branchLock(council, s!.branch))).toBe(false);
    expect(existsSync(s!.worktreePath)).toBe(false);
    expect(gitSync(repo.root, 'for-each-ref', `refs/heads/${s!.branch}`)).toBe('');
    expect(await checkAgreement(council.ws)).toEqual([]);
  });

  it('a branch lock holding a new commit (a commit in progress) is never dropped; one holding the tip is', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'commit in progress' });
    const tip = gitSync(repo.root, 'rev-parse', s!.branch);
    writeIn(s!.worktreePath, 'x.txt', 'x\n');
    gitSync(s!.worktreePath, 'add', 'x.txt');
    const next = gitSync(s!.worktreePath, 'commit-tree', gitSync(s!.worktreePath, 'write-tree'), '-p', 'HEAD', '-m', 'in progress');
    const lock = branchLock(council, s!.branch);
    writeFileSync(lock, `${next}\n`);
    dropDeletionLockOfBranch(council.ws, s!, tip);
    expect(readFileSync(lock, 'utf8')).toBe(`${next}\n`);
    writeFileSync(lock, `${tip}\n`);
    dropDeletionLockOfBranch(council.ws, s!, tip);
    expect(existsSync(lock)).toBe(false);
  });
});

describe('reconcile while another process is creating or removing a session', () => {
  /** A real process that lives until killed (standing in for a `council session create` in flight). */
  function liveProcess(): { pid: number; stop: () => void } {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    return { pid: child.pid as number, stop: () => child.kill('SIGKILL') };
  }

  async function markBusy(council: Council, id: string, pid: number, since = new Date()): Promise<void> {
    await council.ws.registry.update((file) => {
      const s = file.sessions[id] as Session;
      return { next: { ...file, sessions: { ...file.sessions, [id]: { ...s, busy: { pid, since: since.toISOString() } } } }, result: undefined };
    });
  }

  it('a creating record whose process is alive is left to it; once that process is dead, it is rolled back', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const s = await creatingRecord(council, 'b0b0b0');
    const creator = liveProcess();
    try {
      await markBusy(council, s.id, creator.pid);
      const report = await council.reconcile();
      expect(report.inProgress).toEqual([s.id]);
      expect(report.rolledBack).toEqual([]);
      expect(council.listSessions().map((x) => [x.id, x.state])).toEqual([[s.id, 'creating']]);
    } finally {
      creator.stop();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const later = await council.reconcile();
    expect(later.inProgress).toEqual([]);
    expect(later.rolledBack).toEqual([s.id]);
    await expectNoTrace(council, s);
  });

  it('a removing record of a live process is left alone; one marked busy for over 10 minutes is taken for crashed', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'being removed' });
    writeIn(s!.worktreePath, 'draft.txt', 'not committed\n');
    await leaveIn(council, s!.id, 'removing');
    const remover = liveProcess();
    try {
      await markBusy(council, s!.id, remover.pid);
      expect((await council.reconcile()).inProgress).toEqual([s!.id]);
      expect(council.listSessions().map((x) => x.state)).toEqual(['removing']);
      await markBusy(council, s!.id, remover.pid, new Date(Date.now() - 11 * 60_000));
      const report = await council.reconcile();
      expect(report.inProgress).toEqual([]);
      expect(report.removalsUndone).toEqual([s!.id]);
      expect(council.listSessions().map((x) => x.state)).toEqual(['ready']);
      expect(readFileSync(path.join(s!.worktreePath, 'draft.txt'), 'utf8')).toBe('not committed\n');
    } finally {
      remover.stop();
    }
  });

  it('a session made by createSessions carries no busy mark once ready', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'marks' });
    expect(council.ws.registry.resolve(s!.id).busy).toBeUndefined();
    const registry = path.join(council.ws.repo.commonDir, 'council', 'sessions.json');
    expect(readFileSync(registry, 'utf8')).not.toContain('"busy"');
  });
});
