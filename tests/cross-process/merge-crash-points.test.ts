import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Council } from '../../electron/core/council';
import { MergeQueue, processQueue, recoverQueue } from '../../electron/core/merge/index';
import { readJournal } from '../../electron/core/merge/journal';
import { ageLocksOfDeadHolder, fsck, scratchWorktrees } from '../helpers/merge-crash';
import { committedSessions, mergeRepo, treeContents } from '../helpers/merge-fixtures';
import { racyEdit } from '../helpers/racy';
import { gitSync, writeIn } from '../helpers/repo';
import { startWorker, stopWorkers } from '../helpers/workers';

/**
 * Layer 2: a real process running the merge queue is killed (SIGKILL) at each step of a merge,
 * frozen exactly there, with the base branch checked out (clean) in the main checkout and a gate.
 * Afterwards recovery alone must leave the base at the old commit or the merged one (never
 * anything else), the checkout consistent with it, no lock or scratch worktree behind; and the
 * queue then merges the entry exactly once.
 */

afterEach(stopWorkers);

const STEPS = [
  ['claimed', 'queued'],
  ['committed', 'queued'],
  ['candidate', 'queued'],
  ['gate-started', 'queued'],
  ['journal-written', 'queued'],
  ['checkout-locked', 'queued'],
  ['checkout-updated', 'merged'],
  ['base-moved', 'merged'],
  ['merged', 'merged'],
] as const;

interface Setup {
  root: string;
  council: Council;
  entryId: string;
  base0: string;
  expected: Record<string, string>;
}

async function setup(): Promise<Setup> {
  const repo = mergeRepo(4);
  const council = Council.open(repo.root);
  const [s] = await council.createSessions({ task: 'change three files' });
  if (!s) throw new Error('no session');
  writeIn(s.worktreePath, 'src/f0.ts', 'export const f0 = "merged";\n');
  gitSync(s.worktreePath, 'add', '-A');
  gitSync(s.worktreePath, 'commit', '-q', '-m', 'f0');
  writeIn(s.worktreePath, 'src/new.ts', 'export const fresh = true;\n');
  // The pending edit of f2 is racily clean (same size, same second as the checkout that wrote the
  // file: only the index's time stamp tells git to look at its content, issue 12 item 0); f1 is
  // deleted without git, so no index write after it smudges the racy entry.
  const f2 = await racyEdit(s.worktreePath, 'HEAD', 'src/f2.ts', 'export const f2 = 9;\n');
  rmSync(path.join(s.worktreePath, 'src/f1.ts'));
  const base0 = gitSync(repo.root, 'rev-parse', 'main');
  const expected: Record<string, string> = { ...treeContents(repo.root, 'main'), 'src/f0.ts': 'export const f0 = "merged";\n', 'src/new.ts': 'export const fresh = true;\n', 'src/f2.ts': f2 };
  delete expected['src/f1.ts'];
  const entry = await new MergeQueue(council.ws).enqueue(s.id, { gate: 'test -f src/new.ts' });
  return { root: repo.root, council, entryId: entry.id, base0, expected };
}

async function killAt(root: string, step: string): Promise<void> {
  const worker = startWorker('merge-queue-run', [root, 'pause-at', step]);
  await worker.waitFor(`paused ${step}`, 30_000);
  worker.child.kill('SIGKILL');
  const exit = await worker.done;
  expect(exit.signal).toBe('SIGKILL');
}

/** The main checkout is exactly the base's tree: no local change, no stray file, no lock. */
function expectCheckoutAt(root: string, rev: string): void {
  expect(gitSync(root, 'rev-parse', 'HEAD')).toBe(gitSync(root, 'rev-parse', rev));
  expect(gitSync(root, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  const files = treeContents(root, rev);
  for (const [file, content] of Object.entries(files)) expect(readFileSync(path.join(root, file), 'utf8')).toBe(content);
  expect(existsSync(path.join(root, '.git', 'index.lock'))).toBe(false);
  expect(readdirSync(path.join(root, '.git')).filter((n) => n.startsWith('index') && n !== 'index')).toEqual([]);
}

describe('a merge killed at each of its steps', () => {
  it.each(STEPS)('killed at %s: recovery leaves it %s, with the base and checkout consistent; then it merges once', async (step, afterRecovery) => {
    const { root, council, entryId, base0, expected } = await setup();
    await killAt(root, step);
    expect(fsck(root)).toBe('');
    const baseNow = gitSync(root, 'rev-parse', 'main');
    const stored = new MergeQueue(council.ws).get(entryId);
    // The base is the old commit or this entry's result, nothing else.
    expect([base0, stored.resultCommit]).toContain(baseNow);

    ageLocksOfDeadHolder(council.ws);
    const recovered = await recoverQueue(council);
    expect(recovered.busy).toBe(false);
    const queue = new MergeQueue(council.ws);
    const entry = queue.get(entryId);
    expect(entry.state).toBe(afterRecovery);
    expect(readJournal(council.ws)).toBeNull();
    expect(scratchWorktrees(council.ws)).toEqual([]);
    if (afterRecovery === 'merged') {
      expect(gitSync(root, 'rev-parse', 'main')).toBe(entry.resultCommit);
      expect(council.context.get(entry.sessionId)).toMatchObject({ status: 'done', message: `merged into main as ${entry.resultCommit?.slice(0, 12)}` });
    } else {
      expect(gitSync(root, 'rev-parse', 'main')).toBe(base0);
    }
    expectCheckoutAt(root, 'main');

    await processQueue(council);
    const final = queue.get(entryId);
    expect(final.state).toBe('merged');
    // Exactly one merge on top of the old base, holding the session's work.
    expect(gitSync(root, 'rev-parse', 'main^1')).toBe(base0);
    expect(gitSync(root, 'rev-list', '--count', `${base0}..main`, '--first-parent')).toBe('1');
    expect(treeContents(root, 'main')).toEqual(expected);
    expectCheckoutAt(root, 'main');
    expect(fsck(root)).toBe('');
  });

  it('killed while the checkout’s files were half-written: recovery puts ours back, leaves a later edit alone', async () => {
    const { root, council, entryId, base0 } = await setup();
    await killAt(root, 'checkout-locked');
    // What a read-tree cut off mid-way leaves: some files already at the candidate's content, one
    // removed; the real index still at the old commit. Then the user edits another touched file.
    writeFileSync(path.join(root, 'src/f0.ts'), 'export const f0 = "merged";\n');
    writeFileSync(path.join(root, 'src/new.ts'), 'export const fresh = true;\n');
    rmSync(path.join(root, 'src/f1.ts'));
    writeFileSync(path.join(root, 'src/f2.ts'), 'export const f2 = "edited by the user after the crash";\n');
    const journal = readJournal(council.ws);
    expect(journal?.checkout).not.toBeNull();
    expect(existsSync(path.join(root, '.git', 'index.lock'))).toBe(true);

    ageLocksOfDeadHolder(council.ws);
    await recoverQueue(council);
    expect(gitSync(root, 'rev-parse', 'main')).toBe(base0);
    expect(readFileSync(path.join(root, 'src/f0.ts'), 'utf8')).toBe('export const f0 = 0;\n');
    expect(readFileSync(path.join(root, 'src/f1.ts'), 'utf8')).toBe('export const f1 = 1;\n');
    expect(existsSync(path.join(root, 'src/new.ts'))).toBe(false);
    expect(readFileSync(path.join(root, 'src/f2.ts'), 'utf8')).toBe('export const f2 = "edited by the user after the crash";\n');
    expect(existsSync(path.join(root, '.git', 'index.lock'))).toBe(false);
    expect(gitSync(root, 'status', '--porcelain')).toBe('M src/f2.ts');

    // The user's edit is in the way of the merge: it parks, naming the file, and touches nothing.
    const queue = new MergeQueue(council.ws);
    expect(queue.get(entryId).state).toBe('queued');
    await processQueue(council);
    expect(queue.get(entryId)).toMatchObject({ state: 'parked', files: ['src/f2.ts'] });
    expect(readFileSync(path.join(root, 'src/f2.ts'), 'utf8')).toBe('export const f2 = "edited by the user after the crash";\n');
    expect(gitSync(root, 'rev-parse', 'main')).toBe(base0);
  });

  it('never takes away an index.lock that is not its own', async () => {
    const { root, council, base0 } = await setup();
    await killAt(root, 'journal-written');
    // Another git command takes the checkout's index.lock after the crash.
    const lock = path.join(root, '.git', 'index.lock');
    writeFileSync(lock, 'someone else');
    ageLocksOfDeadHolder(council.ws);
    await recoverQueue(council);
    expect(readFileSync(lock, 'utf8')).toBe('someone else');
    expect(gitSync(root, 'rev-parse', 'main')).toBe(base0);
  });
});

describe('a train killed at each step of its move', () => {
  const TRAIN_STEPS = [
    ['journal-written', 'queued'],
    ['checkout-locked', 'queued'],
    ['checkout-updated', 'merged'],
    ['base-moved', 'merged'],
  ] as const;

  it.each(TRAIN_STEPS)('killed at %s: recovery leaves every entry of it %s, the base at the old commit or the last result; then each merges once', async (step, afterRecovery) => {
    const repo = mergeRepo(4);
    const council = Council.open(repo.root);
    const sessions = await committedSessions(council, 3, { task: 'a train' });
    const queue = new MergeQueue(council.ws);
    for (const s of sessions) await queue.enqueue(s.id, { strategy: 'merge', gate: null });
    const base0 = gitSync(repo.root, 'rev-parse', 'main');
    await killAt(repo.root, step);

    expect(fsck(repo.root)).toBe('');
    const journal = readJournal(council.ws);
    expect(journal?.train?.map((l) => l.sessionId)).toEqual(sessions.map((s) => s.id));
    expect([base0, journal?.candidate]).toContain(gitSync(repo.root, 'rev-parse', 'main'));

    ageLocksOfDeadHolder(council.ws);
    const recovered = await recoverQueue(council);
    // One report for every entry of the train, each saying what became of it.
    expect(recovered.reports.map((r) => [r.entryId, r.outcome])).toEqual(queue.list().map((e) => [e.id, afterRecovery === 'merged' ? 'merged' : 'requeued']));
    expect(queue.list().map((e) => e.state)).toEqual(Array(3).fill(afterRecovery));
    expect(readJournal(council.ws)).toBeNull();
    expect(gitSync(repo.root, 'rev-parse', 'main')).toBe(afterRecovery === 'merged' ? journal?.candidate : base0);
    expectCheckoutAt(repo.root, 'main');

    await processQueue(council);
    expect(queue.list().map((e) => e.state)).toEqual(Array(3).fill('merged'));
    // Exactly one merge per session on top of the old base, in order, with all their work.
    expect(gitSync(repo.root, 'rev-list', '--first-parent', '--reverse', `${base0}..main`).split('\n')).toEqual(queue.list().map((e) => e.resultCommit));
    const tree = treeContents(repo.root, 'main');
    for (let i = 0; i < 3; i++) expect(tree[`src/f${i}.ts`]).toBe(`export const f${i} = "session ${i}";\n`);
    expectCheckoutAt(repo.root, 'main');
    expect(fsck(repo.root)).toBe('');
  });
});
