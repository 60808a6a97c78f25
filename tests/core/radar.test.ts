import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Radar } from '../../shared/merge';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { MergeQueue, processQueue } from '../../electron/core/merge/index';
import { RadarService } from '../../electron/core/radar/radar';
import { MAX_UNTRACKED_BYTES, SnapshotStore } from '../../electron/core/radar/snapshot';
import { worktreeGitDir } from '../../electron/core/git/worktree-dir';
import { gitSync, makeRepo, writeIn, type TestRepo } from '../helpers/repo';

// The conflict radar on real repositories: sessions in their own worktrees, edited (committed or
// not) the way agents do, predicted with git merge-tree.

const LINES = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
const FILES = { 'README.md': '# demo\n', 'src/a.ts': LINES.join('\n') + '\n', 'src/b.ts': 'export const b = 2;\n', '.gitignore': '*.log\n' };

/** `src/a.ts` with line `n` (1-based) replaced. */
const aWith = (n: number, text: string): string => LINES.map((l, i) => (i === n - 1 ? text : l)).join('\n') + '\n';

async function setup(count: number): Promise<{ repo: TestRepo; council: Council; sessions: Session[]; radar: RadarService }> {
  const repo = makeRepo(FILES);
  const council = Council.open(repo.root);
  await council.createSessions({ task: 'radar', count });
  // In registry order (creation time, then id): the radar orients each pair that way.
  const sessions = council.listSessions();
  return { repo, council, sessions, radar: new RadarService(council) };
}

function commitIn(s: Session, message: string): string {
  gitSync(s.worktreePath, 'add', '-A');
  gitSync(s.worktreePath, 'commit', '-q', '-m', message);
  return gitSync(s.worktreePath, 'rev-parse', 'HEAD');
}

const pairOf = (radar: Radar, a: string, b: string) => radar.pairs.find((p) => p.a === a && p.b === b);

describe('conflict radar: what would collide', () => {
  it('two sessions changing the same lines: a content conflict for the pair; each alone merges cleanly into the base', async () => {
    const { sessions, radar } = await setup(2);
    const [s1, s2] = sessions as [Session, Session];
    writeIn(s1.worktreePath, 'src/a.ts', aWith(10, 'one'));
    commitIn(s1, 'one');
    writeIn(s2.worktreePath, 'src/a.ts', aWith(10, 'two'));
    commitIn(s2, 'two');

    const result = await radar.compute();
    expect(result.pairs).toEqual([
      { a: s1.id, b: s2.id, overlap: ['src/a.ts'], conflicts: [{ path: 'src/a.ts', kind: 'content', message: 'CONFLICT (content): Merge conflict in src/a.ts' }] },
    ]);
    expect(result.sessions).toEqual([
      { sessionId: s1.id, snapshot: gitSync(s1.worktreePath, 'rev-parse', 'HEAD'), files: ['src/a.ts'], merged: false },
      { sessionId: s2.id, snapshot: gitSync(s2.worktreePath, 'rev-parse', 'HEAD'), files: ['src/a.ts'], merged: false },
    ]);
    expect(result.base).toEqual({ branch: 'main', commit: s1.baseCommit });
    expect(result.computedPairs).toBe(3);
    expect(result.lockOwners).toEqual({});
  });

  it('the same file changed in different places: an overlap, no conflict', async () => {
    const { sessions, radar } = await setup(2);
    const [s1, s2] = sessions as [Session, Session];
    writeIn(s1.worktreePath, 'src/a.ts', aWith(2, 'top'));
    commitIn(s1, 'top');
    writeIn(s2.worktreePath, 'src/a.ts', aWith(28, 'bottom'));
    commitIn(s2, 'bottom');

    const result = await radar.compute();
    expect(result.pairs).toEqual([{ a: s1.id, b: s2.id, overlap: ['src/a.ts'], conflicts: [] }]);
    expect(radar.lastStats?.mergeTrees).toBe(1);
  });

  it('files changed on one side only: nothing listed, and git merge-tree is not run at all', async () => {
    const { sessions, radar } = await setup(2);
    const [s1, s2] = sessions as [Session, Session];
    writeIn(s1.worktreePath, 'src/a.ts', aWith(2, 'x'));
    commitIn(s1, 'a');
    writeIn(s2.worktreePath, 'src/b.ts', 'export const b = 3;\n');
    commitIn(s2, 'b');

    const result = await radar.compute();
    expect(result.pairs).toEqual([]);
    expect(result.computedPairs).toBe(3);
    expect(radar.lastStats).toMatchObject({ computedPairs: 3, mergeTrees: 0 });
    expect(result.sessions.map((s) => s.files)).toEqual([['src/a.ts'], ['src/b.ts']]);
  });

  it('add/add: both sessions add the same new file with different content', async () => {
    const { sessions, radar } = await setup(2);
    const [s1, s2] = sessions as [Session, Session];
    writeIn(s1.worktreePath, 'src/new.ts', 'export const n = 1;\n');
    commitIn(s1, 'add 1');
    writeIn(s2.worktreePath, 'src/new.ts', 'export const n = 2;\n');
    commitIn(s2, 'add 2');

    const pair = pairOf(await radar.compute(), s1.id, s2.id);
    expect(pair).toEqual({ a: s1.id, b: s2.id, overlap: ['src/new.ts'], conflicts: [{ path: 'src/new.ts', kind: 'add/add', message: 'CONFLICT (add/add): Merge conflict in src/new.ts' }] });
  });

  it("add/add of a binary file: one conflict, git's CONFLICT line as its reason, not its binary warning (issue 12, radar 2)", async () => {
    const { sessions, radar } = await setup(2);
    const [s1, s2] = sessions as [Session, Session];
    writeIn(s1.worktreePath, 'logo.png', '\0\x01one');
    writeIn(s2.worktreePath, 'logo.png', '\0\x01two');

    const pair = pairOf(await radar.compute(), s1.id, s2.id);
    expect(pair).toEqual({ a: s1.id, b: s2.id, overlap: ['logo.png'], conflicts: [{ path: 'logo.png', kind: 'add/add', message: 'CONFLICT (add/add): Merge conflict in logo.png' }] });
  });

  it('modify/delete: git names the sides by their branches', async () => {
    const { sessions, radar } = await setup(2);
    const [s1, s2] = sessions as [Session, Session];
    gitSync(s1.worktreePath, 'rm', '-q', 'src/b.ts');
    commitIn(s1, 'delete b');
    writeIn(s2.worktreePath, 'src/b.ts', 'export const b = 42;\n');
    commitIn(s2, 'modify b');

    const pair = pairOf(await radar.compute(), s1.id, s2.id);
    expect(pair?.conflicts).toEqual([
      {
        path: 'src/b.ts',
        kind: 'modify/delete',
        message: `CONFLICT (modify/delete): src/b.ts deleted in ${s1.branch} and modified in ${s2.branch}.  Version ${s2.branch} of src/b.ts left in tree.`,
      },
    ]);
    expect(pair?.overlap).toEqual(['src/b.ts']);
  });

  it('renames: renamed on one side and deleted on the other; renamed differently on both', async () => {
    const { sessions, radar } = await setup(4);
    const [s1, s2, s3, s4] = sessions as [Session, Session, Session, Session];
    gitSync(s1.worktreePath, 'mv', 'src/a.ts', 'src/renamed.ts');
    commitIn(s1, 'rename a');
    gitSync(s2.worktreePath, 'rm', '-q', 'src/a.ts');
    commitIn(s2, 'delete a');
    gitSync(s3.worktreePath, 'mv', 'src/a.ts', 'src/other-name.ts');
    commitIn(s3, 'rename a elsewhere');
    writeIn(s4.worktreePath, 'src/a.ts', aWith(5, 'edited'));
    commitIn(s4, 'edit a');

    const result = await radar.compute();
    expect(pairOf(result, s1.id, s2.id)?.conflicts).toEqual([
      { path: 'src/renamed.ts', kind: 'rename', message: `CONFLICT (rename/delete): src/a.ts renamed to src/renamed.ts in ${s1.branch}, but deleted in ${s2.branch}.` },
    ]);
    // Every path git lists as conflicted, not only the rename's source (issue 12, radar 2).
    const renameRename = `CONFLICT (rename/rename): src/a.ts renamed to src/renamed.ts in ${s1.branch} and to src/other-name.ts in ${s3.branch}.`;
    expect(pairOf(result, s1.id, s3.id)?.conflicts).toEqual(['src/a.ts', 'src/other-name.ts', 'src/renamed.ts'].map((p) => ({ path: p, kind: 'rename', message: renameRename })));
    // A rename on one side and an edit on the other merge cleanly (git carries the edit over).
    expect(pairOf(result, s1.id, s4.id)).toEqual({ a: s1.id, b: s4.id, overlap: ['src/a.ts'], conflicts: [] });
  });

  it('a folder renamed on one side while the other adds a file to it: no common path, still a conflict', async () => {
    const { sessions, radar } = await setup(2);
    const [s1, s2] = sessions as [Session, Session];
    gitSync(s1.worktreePath, 'mv', 'src', 'lib');
    commitIn(s1, 'src → lib');
    writeIn(s2.worktreePath, 'src/added.ts', 'export const added = true;\n');
    commitIn(s2, 'add to src');

    const pair = pairOf(await radar.compute(), s1.id, s2.id);
    expect(pair?.overlap).toEqual([]);
    expect(pair?.conflicts).toEqual([{ path: 'lib/added.ts', kind: 'rename', message: expect.stringMatching(/^CONFLICT \(file location\): src\/added\.ts added in .* inside a directory that was renamed in /) }]);
  });

  it('a session conflicting with a base that moved on: the base pair says so', async () => {
    const { repo, sessions, radar } = await setup(2);
    const [s1, s2] = sessions as [Session, Session];
    writeIn(s1.worktreePath, 'src/a.ts', aWith(7, 'session'));
    commitIn(s1, 'session edit');
    repo.write('src/a.ts', aWith(7, 'main moved'));
    const mainTip = repo.commitAll('main edit');

    const result = await radar.compute();
    expect(result.base).toEqual({ branch: 'main', commit: mainTip });
    expect(result.pairs).toEqual([
      { a: s1.id, b: 'base', overlap: ['src/a.ts'], conflicts: [{ path: 'src/a.ts', kind: 'content', message: 'CONFLICT (content): Merge conflict in src/a.ts' }] },
    ]);
    // s2 changed nothing: behind the base, but nothing to merge.
    expect(pairOf(result, s2.id, 'base')).toBeUndefined();
    expect(result.sessions.find((s) => s.sessionId === s1.id)?.files).toEqual(['src/a.ts']);
  });

  it('names the lock owner of a conflicting file', async () => {
    const { repo, council, sessions, radar } = await setup(2);
    const [s1, s2] = sessions as [Session, Session];
    writeIn(s1.worktreePath, 'src/a.ts', aWith(10, 'one'));
    writeIn(s2.worktreePath, 'src/a.ts', aWith(10, 'two'));
    await council.locks.acquire('src/a.ts', s2.id, { cwd: repo.root });
    await council.locks.acquire('src/b.ts', s1.id, { cwd: repo.root });

    const result = await radar.compute();
    expect(pairOf(result, s1.id, s2.id)?.conflicts.map((c) => c.kind)).toEqual(['content']);
    expect(result.lockOwners).toEqual({ 'src/a.ts': s2.id });
  });
});

describe('conflict radar: a pair is what the two sessions changed themselves (issue 12, radar 1)', () => {
  const CONTENT = { path: 'src/a.ts', kind: 'content', message: 'CONFLICT (content): Merge conflict in src/a.ts' };

  it('sessions made after the base moved are not blamed for what they inherited: only X × base conflicts; empty sessions are in no pair', async () => {
    const { repo, council, sessions, radar } = await setup(1);
    const [x] = sessions as [Session];
    writeIn(x.worktreePath, 'src/a.ts', aWith(2, 'x edits line 2'));
    commitIn(x, 'x');
    repo.write('src/a.ts', aWith(2, 'main edits line 2'));
    repo.commitAll('main');
    const fresh = await council.createSessions({ task: 'fresh', count: 4 });
    expect(fresh.every((f) => f.baseCommit !== x.baseCommit)).toBe(true);

    const result = await radar.compute();
    expect(result.pairs).toEqual([{ a: x.id, b: 'base', overlap: ['src/a.ts'], conflicts: [CONTENT] }]);
    for (const f of fresh) expect(result.sessions.find((s) => s.sessionId === f.id)?.files).toEqual([]);
  });

  it("same file, different lines of their own: an overlap, not the conflict the base's inherited line would make", async () => {
    const { repo, council, sessions, radar } = await setup(1);
    const [x] = sessions as [Session];
    writeIn(x.worktreePath, 'src/a.ts', aWith(2, 'x edits line 2'));
    commitIn(x, 'x');
    repo.write('src/a.ts', aWith(2, 'main edits line 2'));
    repo.commitAll('main');
    const [y] = (await council.createSessions({ task: 'later' })) as [Session];
    writeIn(y.worktreePath, 'src/a.ts', aWith(25, 'y edits line 25').replace('line 2\n', 'main edits line 2\n'));
    expect(readFileSync(path.join(y.worktreePath, 'src/a.ts'), 'utf8')).toContain('main edits line 2');

    const result = await radar.compute();
    expect(pairOf(result, x.id, y.id)).toEqual({ a: x.id, b: y.id, overlap: ['src/a.ts'], conflicts: [] });
    expect(pairOf(result, y.id, 'base')).toBeUndefined();
  });

  it('a real conflict between their own edits is still found, whichever side started from the newer base', async () => {
    const { repo, council, sessions, radar } = await setup(2);
    const [s1, s2] = sessions as [Session, Session];
    repo.write('README.md', '# demo\n\nmain moved\n');
    repo.commitAll('main');
    // s1 (first in the pair) takes the base in: it now starts from a newer base commit than s2.
    gitSync(s1.worktreePath, 'merge', '-q', '--no-edit', 'main');
    writeIn(s1.worktreePath, 'src/a.ts', aWith(10, 'one'));
    commitIn(s1, 'one');
    writeIn(s2.worktreePath, 'src/a.ts', aWith(10, 'two'));
    const [s3] = (await council.createSessions({ task: 'newest' })) as [Session];
    writeIn(s3.worktreePath, 'src/a.ts', aWith(10, 'three'));

    const result = await radar.compute();
    expect(result.pairs).toEqual([
      { a: s1.id, b: s2.id, overlap: ['src/a.ts'], conflicts: [CONTENT] },
      { a: s1.id, b: s3.id, overlap: ['src/a.ts'], conflicts: [CONTENT] },
      { a: s2.id, b: s3.id, overlap: ['src/a.ts'], conflicts: [CONTENT] },
    ]);
    // git names the sides by their branches, as it would merging them.
    expect((await new RadarService(council).compute()).pairs).toEqual(result.pairs);
  });

  it('the side with the newer base first in the pair: what it inherited is not held against the other', async () => {
    const { repo, sessions, radar } = await setup(2);
    const [s1, s2] = sessions as [Session, Session];
    writeIn(s2.worktreePath, 'src/a.ts', aWith(2, 's2 edits line 2'));
    commitIn(s2, 's2');
    repo.write('src/a.ts', aWith(2, 'main edits line 2'));
    repo.commitAll('main');
    gitSync(s1.worktreePath, 'merge', '-q', '--no-edit', 'main');
    writeIn(s1.worktreePath, 'src/a.ts', aWith(2, 'main edits line 2').replace('line 25\n', 's1 edits line 25\n'));

    const result = await radar.compute();
    expect(result.pairs).toEqual([
      { a: s1.id, b: s2.id, overlap: ['src/a.ts'], conflicts: [] },
      { a: s2.id, b: 'base', overlap: ['src/a.ts'], conflicts: [CONTENT] },
    ]);
  });
});

describe('conflict radar: own changes from fork points on different lines of the base', () => {
  it('compares them on the base: what each inherited is not held against the other; still right after an edit', async () => {
    const { repo, sessions, radar } = await setup(2);
    const [x, y] = sessions as [Session, Session];
    const start = gitSync(repo.root, 'rev-parse', 'main');
    // main gets m (line 2) and, from a side branch, s (line 28): x takes m in, y takes s in, so
    // neither fork point descends from the other.
    repo.write('src/a.ts', aWith(2, 'm edits line 2'));
    const m = repo.commitAll('m');
    gitSync(repo.root, 'checkout', '-q', '-b', 'side', start);
    repo.write('src/a.ts', aWith(28, 's edits line 28'));
    const side = repo.commitAll('s');
    gitSync(repo.root, 'checkout', '-q', 'main');
    gitSync(repo.root, 'merge', '-q', '--no-edit', 'side');
    gitSync(x.worktreePath, 'merge', '-q', '--ff-only', m);
    gitSync(y.worktreePath, 'merge', '-q', '--ff-only', side);
    writeIn(x.worktreePath, 'src/a.ts', readFileSync(path.join(x.worktreePath, 'src/a.ts'), 'utf8').replace('line 10\n', 'x edits line 10\n'));
    // y's own change rewrites line 2, which m (in the base, not in y) changed: y × base conflicts, x × y does not.
    writeIn(y.worktreePath, 'src/a.ts', readFileSync(path.join(y.worktreePath, 'src/a.ts'), 'utf8').replace('line 2\n', 'y edits line 2\n'));

    const expected = [
      { a: x.id, b: 'base', overlap: ['src/a.ts'], conflicts: [] },
      { a: x.id, b: y.id, overlap: ['src/a.ts'], conflicts: [] },
      { a: y.id, b: 'base', overlap: ['src/a.ts'], conflicts: [{ path: 'src/a.ts', kind: 'content', message: 'CONFLICT (content): Merge conflict in src/a.ts' }] },
    ];
    expect((await radar.compute()).pairs).toEqual(expected);
    expect(radar.lastStats?.transplants).toBe(2);

    // An edit in x: only its pairs again, the same answer; y's change on the base is reused.
    writeIn(x.worktreePath, 'src/a.ts', readFileSync(path.join(x.worktreePath, 'src/a.ts'), 'utf8').replace('line 12\n', 'x edits line 12\n'));
    radar.invalidate(x.id);
    expect((await radar.compute()).pairs).toEqual(expected);
    expect(radar.lastStats).toMatchObject({ computedPairs: 2, transplants: 1 });
  });
});

describe('conflict radar: uncommitted work', () => {
  /** What a user would check to be sure a worktree was left alone. */
  function worktreeState(s: Session): Record<string, string> {
    const index = path.join(worktreeGitDir(s.worktreePath), 'index');
    // Without optional locks: a plain `git status` refreshes (rewrites) the index itself.
    const status = execFileSync('git', ['status', '--porcelain=v2', '--untracked-files=all'], { cwd: s.worktreePath, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
    return {
      status,
      head: gitSync(s.worktreePath, 'rev-parse', 'HEAD'),
      refs: gitSync(s.worktreePath, 'for-each-ref'),
      stash: gitSync(s.worktreePath, 'stash', 'list'),
      indexHash: createHash('sha1').update(readFileSync(index)).digest('hex'),
      indexMtime: String(statSync(index, { bigint: true }).mtimeNs),
      a: readFileSync(path.join(s.worktreePath, 'src/a.ts'), 'utf8'),
      added: readFileSync(path.join(s.worktreePath, 'src/new.ts'), 'utf8'),
    };
  }

  it('includes unstaged, staged and untracked changes, not ignored files, and leaves index, HEAD, refs and files as they were', async () => {
    const { sessions, radar } = await setup(2);
    const [s1, s2] = sessions as [Session, Session];
    writeIn(s1.worktreePath, 'src/a.ts', aWith(10, 'one, not committed'));
    writeIn(s1.worktreePath, 'src/new.ts', 'export const untracked = 1;\n');
    writeIn(s1.worktreePath, 'debug.log', 'ignored\n');
    gitSync(s1.worktreePath, 'rm', '-q', '--cached', 'src/b.ts'); // staged deletion, file still there
    rmSync(path.join(s1.worktreePath, 'src/b.ts'));
    writeIn(s2.worktreePath, 'src/a.ts', aWith(10, 'two, staged'));
    gitSync(s2.worktreePath, 'add', 'src/a.ts');
    writeIn(s2.worktreePath, 'src/new.ts', 'export const untracked = 2;\n');
    const before = [worktreeState(s1), worktreeState(s2)];

    const result = await radar.compute();
    expect(pairOf(result, s1.id, s2.id)).toEqual({
      a: s1.id,
      b: s2.id,
      overlap: ['src/a.ts', 'src/new.ts'],
      conflicts: [
        { path: 'src/a.ts', kind: 'content', message: 'CONFLICT (content): Merge conflict in src/a.ts' },
        { path: 'src/new.ts', kind: 'add/add', message: 'CONFLICT (add/add): Merge conflict in src/new.ts' },
      ],
    });
    const snap1 = result.sessions[0]?.snapshot as string;
    expect(result.sessions[0]).toEqual({ sessionId: s1.id, snapshot: snap1, files: ['src/a.ts', 'src/b.ts', 'src/new.ts'], merged: false });
    // The snapshot is a commit on top of HEAD holding the worktree as it is, ignored files left out.
    expect(gitSync(s1.worktreePath, 'rev-parse', `${snap1}^`)).toBe(s1.baseCommit);
    expect(gitSync(s1.worktreePath, 'show', `${snap1}:src/a.ts`)).toContain('one, not committed');
    expect(gitSync(s1.worktreePath, 'ls-tree', '-r', '--name-only', snap1).split('\n')).toEqual(['.gitignore', 'README.md', 'src/a.ts', 'src/new.ts']);

    expect([worktreeState(s1), worktreeState(s2)]).toEqual(before);
    expect(gitSync(s1.worktreePath, 'branch', '--list', '--contains', snap1)).toBe('');
  });

  it('a clean session is its branch tip; the same work gives the same snapshot commit', async () => {
    const { council, sessions } = await setup(1);
    const [s] = sessions as [Session];
    const store = new SnapshotStore(council.ws.repo.commonDir, council.ws.repo.mainRoot);
    expect(await store.take(s)).toEqual({ tip: s.baseCommit, commit: s.baseCommit, dirty: false });

    const file = writeIn(s.worktreePath, 'src/b.ts', 'export const b = 3;\n');
    const first = await store.take(s);
    expect(first).toMatchObject({ tip: s.baseCommit, dirty: true });
    expect(first?.commit).not.toBe(s.baseCommit);
    expect(store.built).toBe(1);
    // Touched but unchanged: rebuilt (the metadata changed), and the same commit comes out.
    utimesSync(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    expect(await store.take(s)).toEqual(first);
    expect(store.built).toBe(2);
    // Untouched since (and no longer racily new): not rebuilt.
    expect(await store.take(s)).toEqual(first);
    expect(store.built).toBe(2);
  });
});

describe('conflict radar: snapshot limits', () => {
  it('leaves untracked files over the size limit out of the snapshot', async () => {
    const { council, sessions } = await setup(1);
    const [s] = sessions as [Session];
    const store = new SnapshotStore(council.ws.repo.commonDir, council.ws.repo.mainRoot);
    writeIn(s.worktreePath, 'data/big.bin', 'x'.repeat(MAX_UNTRACKED_BYTES + 1));
    expect(await store.take(s)).toEqual({ tip: s.baseCommit, commit: s.baseCommit, dirty: false });
    writeIn(s.worktreePath, 'data/small.txt', 'small\n');
    const snapshot = await store.take(s);
    expect(snapshot?.dirty).toBe(true);
    expect(gitSync(s.worktreePath, 'ls-tree', '-r', '--name-only', snapshot?.commit ?? '')).toContain('data/small.txt');
    expect(gitSync(s.worktreePath, 'ls-tree', '-r', '--name-only', snapshot?.commit ?? '')).not.toContain('data/big.bin');
  });
});

describe('conflict radar: incremental', () => {
  it('recomputes only the pairs of the session that changed; nothing when nothing changed', async () => {
    const { sessions, radar } = await setup(3);
    const [s1, s2, s3] = sessions as [Session, Session, Session];
    writeIn(s1.worktreePath, 'src/a.ts', aWith(3, 'one'));
    writeIn(s2.worktreePath, 'src/a.ts', aWith(3, 'two'));
    writeIn(s3.worktreePath, 'README.md', '# three\n');

    const first = await radar.compute();
    expect(first.computedPairs).toBe(6); // 3 session pairs + 3 base pairs
    expect(first.pairs.map((p) => [p.a, p.b, p.conflicts.length])).toEqual([[s1.id, s2.id, 1]]);

    const again = await radar.compute();
    expect(again.computedPairs).toBe(0);
    expect(radar.lastStats).toMatchObject({ sessionsChecked: 0, mergeBases: 0, diffs: 0, mergeTrees: 0 });
    expect(again.pairs).toEqual(first.pairs);

    // s2 resolves its side (same line as s1 now) and adds a change to README.md, which s3 changed too.
    writeIn(s2.worktreePath, 'src/a.ts', aWith(3, 'one'));
    writeIn(s2.worktreePath, 'README.md', '# two\n');
    radar.invalidate(s2.id);
    const edited = await radar.compute();
    expect(edited.computedPairs).toBe(3); // s1×s2, s2×s3, s2×base
    expect(radar.lastStats?.sessionsChecked).toBe(1);
    expect(edited.pairs.map((p) => [p.a, p.b, p.overlap, p.conflicts.map((c) => c.path)])).toEqual([
      [s1.id, s2.id, ['src/a.ts'], []],
      [s2.id, s3.id, ['README.md'], ['README.md']],
    ]);

    // Everything looked at again, nothing changed: one status per session, no pair recomputed.
    radar.invalidate();
    const rechecked = await radar.compute();
    expect(rechecked.computedPairs).toBe(0);
    expect(radar.lastStats?.sessionsChecked).toBe(3);
    expect(rechecked.pairs).toEqual(edited.pairs);
  });

  it('notices a commit in a session, and the base moving, without being told', async () => {
    const { repo, sessions, radar } = await setup(3);
    const [, , s3] = sessions as [Session, Session, Session];
    await radar.compute();

    writeIn(s3.worktreePath, 'src/b.ts', 'export const b = 33;\n');
    commitIn(s3, 'b');
    const afterCommit = await radar.compute();
    // s3 with the base: s1 and s2 have no work of their own, so they are in no pair with s3 (no
    // pair is built for them at all: at 500 idle sessions that was 125,000 pairs per compute).
    expect(afterCommit.computedPairs).toBe(1);
    expect(radar.lastStats?.sessionsChecked).toBe(1);

    repo.write('src/b.ts', 'export const b = 0;\n');
    const mainTip = repo.commitAll('main changes b');
    const afterBase = await radar.compute();
    expect(afterBase.base.commit).toBe(mainTip);
    expect(afterBase.computedPairs).toBe(3); // every base pair
    expect(afterBase.pairs).toEqual([{ a: s3.id, b: 'base', overlap: ['src/b.ts'], conflicts: [expect.objectContaining({ path: 'src/b.ts', kind: 'content' })] }]);
  });

  it('drops a removed session and its pairs', async () => {
    const { council, sessions, radar } = await setup(2);
    const [s1, s2] = sessions as [Session, Session];
    writeIn(s1.worktreePath, 'src/a.ts', aWith(1, 'x'));
    writeIn(s2.worktreePath, 'src/a.ts', aWith(1, 'y'));
    expect((await radar.compute()).pairs).toHaveLength(1);
    await council.removeSession(s2.id, { force: true });
    const result = await radar.compute();
    expect(result.sessions.map((s) => s.sessionId)).toEqual([s1.id]);
    expect(result.pairs).toEqual([]);
  });
});

describe('merged sessions', () => {
  async function threeColliding(): Promise<{ council: Council; radar: RadarService; s: [Session, Session, Session] }> {
    const { council, sessions, radar } = await setup(3);
    const s = sessions as [Session, Session, Session];
    writeIn(s[0].worktreePath, 'src/a.ts', aWith(5, 'first'));
    commitIn(s[0], 'first');
    writeIn(s[1].worktreePath, 'src/b.ts', 'export const b = "second";\n');
    commitIn(s[1], 'second');
    writeIn(s[2].worktreePath, 'src/a.ts', aWith(5, 'third'));
    commitIn(s[2], 'third');
    return { council, radar, s };
  }

  for (const strategy of ['merge', 'squash'] as const) {
    it(`a session the queue merged (${strategy}) is in no pair any more; the one it collided with now collides with the base`, async () => {
      const { council, radar, s } = await threeColliding();
      expect((await radar.compute()).pairs.map((p) => [p.a, p.b])).toEqual([[s[0].id, s[2].id]]);
      const queue = new MergeQueue(council.ws);
      await queue.enqueue(s[0].id, { strategy, gate: null });
      expect((await processQueue(council)).settled.map((e) => e.state)).toEqual(['merged']);

      const after = await radar.compute();
      expect(after.pairs.map((p) => [p.a, p.b])).toEqual([[s[2].id, 'base']]);
      expect(after.sessions.map((x) => [x.sessionId, x.merged, x.files])).toEqual([
        [s[0].id, true, []],
        [s[1].id, false, ['src/b.ts']],
        [s[2].id, false, ['src/a.ts']],
      ]);
    });
  }

  it('a merged session with new work is back in its pairs; a session with no work of its own is not "merged"', async () => {
    const { council, radar, s } = await threeColliding();
    const [fresh] = await council.createSessions({ task: 'nothing yet' });
    await new MergeQueue(council.ws).enqueue(s[0].id, { strategy: 'merge', gate: null });
    await processQueue(council);
    expect((await radar.compute()).sessions.find((x) => x.sessionId === fresh?.id)?.merged).toBe(false);
    writeIn(s[0].worktreePath, 'src/b.ts', 'export const b = "again";\n');
    radar.invalidate(s[0].id); // as the worktree watcher does
    const after = await radar.compute();
    expect(after.sessions.find((x) => x.sessionId === s[0].id)).toMatchObject({ merged: false, files: ['src/b.ts'] });
    // Its own change now is src/b.ts alone (it meets the base at its merged tip): it overlaps the
    // second session's src/b.ts; its merged src/a.ts is the base's, which the third collides with.
    expect(after.pairs.map((p) => [p.a, p.b])).toEqual([
      [s[0].id, s[1].id],
      [s[2].id, 'base'],
    ]);
  });
});

describe('an edit that git could take for unchanged', () => {
  it('a same-size rewrite in the same second as the checkout is in the snapshot (racily clean files)', async () => {
    // Checked out and rewritten within one second (same size: only the content tells), then the
    // radar runs in a later second — when a copy of the index no longer marks the file as racy.
    for (let round = 0; round < 2; round++) {
      const repo = makeRepo({ 'src/b.ts': 'export const b = 2;\n' });
      const council = Council.open(repo.root);
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000)));
      const [s] = (await council.createSessions({ task: `racy ${round}` })) as [Session];
      writeIn(s.worktreePath, 'src/b.ts', 'export const b = 1;\n');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const radar = await new RadarService(council).compute();
      expect(radar.sessions.find((x) => x.sessionId === s.id)?.files).toEqual(['src/b.ts']);
    }
  });
});
