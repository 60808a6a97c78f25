import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import type { DiffView } from '../../shared/commands/diff';
import { Council } from '../../electron/core/council';
import { newFilePatchOf, reviewBlob, reviewDiff, reviewFileDiff, reviewLines, sessionCommits, splitPatch, INLINE_PATCH_BYTES } from '../../electron/core/sessions/review-diff';
import { snapshotWorktreeCommit } from '../../electron/core/git/review-snapshot';
import { rejection } from '../helpers/errors';
import { gitSync, makeRepo, writeIn } from '../helpers/repo';

/**
 * The reviewer's diff (issue 14, item 3) on real repositories: every view (base, uncommitted, one
 * commit, since a commit), whitespace, whole sides for more context, large files on request, binary
 * files and image data, and the checks on what a caller may ask for.
 */

const BASE: DiffView = { kind: 'base' };
const TEN = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

async function world() {
  const repo = makeRepo({ 'README.md': '# demo\n', 'src/a.ts': 'export const a = 1;\n', 'src/ten.txt': TEN, 'gone.txt': 'bye\n' });
  const council = Council.open(repo.root);
  const [s] = await council.createSessions({ task: 'review me' });
  const session = s as Session;
  const wt = session.worktreePath;
  const commit = (message: string) => {
    gitSync(wt, 'add', '-A');
    gitSync(wt, 'commit', '-q', '-m', message);
    return gitSync(wt, 'rev-parse', 'HEAD');
  };
  return { repo, council, session, wt, commit, diff: (view: DiffView, ws = false) => reviewDiff(council.ws, session, view, ws) };
}

const paths = (files: { path: string }[]) => files.map((f) => f.path);

describe('the review diff', () => {
  it('base view: committed and uncommitted changes together, untracked files too, each with git’s patch', async () => {
    const w = await world();
    writeIn(w.wt, 'src/a.ts', 'export const a = 2;\n');
    const first = w.commit('a is two');
    writeIn(w.wt, 'src/ten.txt', TEN.replace('line 5', 'line five'));
    writeIn(w.wt, 'src/new.ts', 'export const fresh = true;\nexport const two = 2;');
    gitSync(w.wt, 'rm', '-q', 'gone.txt');
    const out = await w.diff(BASE);
    expect(out.from).toBe(gitSync(w.repo.root, 'rev-parse', 'main'));
    expect(out.to).toBeNull();
    expect(paths(out.files)).toEqual(['gone.txt', 'src/a.ts', 'src/new.ts', 'src/ten.txt']);
    const [gone, a, fresh, ten] = out.files;
    expect(gone).toMatchObject({ kind: 'deleted', deletions: 1, insertions: 0 });
    expect(a?.patch).toContain('-export const a = 1;\n+export const a = 2;');
    expect(fresh).toMatchObject({ kind: 'untracked', insertions: 2, deletions: 0, binary: false });
    // Written here, as git would print it (no newline at the end kept).
    expect(fresh?.patch).toBe(
      'diff --git a/src/new.ts b/src/new.ts\nnew file mode 100644\nindex 0000000..' +
        gitSync(w.wt, 'hash-object', 'src/new.ts').slice(0, 7) +
        '\n--- /dev/null\n+++ b/src/new.ts\n@@ -0,0 +1,2 @@\n+export const fresh = true;\n+export const two = 2;\n\\ No newline at end of file\n',
    );
    expect(ten?.patch).toContain('@@ -2,7 +2,7 @@');
    expect(first).toMatch(/^[0-9a-f]{40}$/);
  });

  it('base view: the fork point (kept between calls) follows the base branch and the session moving', async () => {
    const w = await world();
    const forkNow = () => gitSync(w.wt, 'merge-base', 'main', 'HEAD');
    writeIn(w.wt, 'src/a.ts', 'export const a = 2;\n');
    w.commit('a is two');
    expect((await w.diff(BASE)).from).toBe(forkNow());
    expect((await w.diff(BASE)).from).toBe(forkNow());
    // The base moves on and the session merges it: the fork point moves with it.
    writeIn(w.repo.root, 'README.md', '# demo, moved on\n');
    gitSync(w.repo.root, 'commit', '-q', '-am', 'base moves');
    const moved = gitSync(w.repo.root, 'rev-parse', 'main');
    gitSync(w.wt, 'merge', '-q', '--no-edit', 'main');
    expect((await w.diff(BASE)).from).toBe(moved);
    expect(paths((await w.diff(BASE)).files)).toEqual(['src/a.ts']);
    // A detached HEAD in the worktree (read from its HEAD file) at the old commit: the old fork point again.
    gitSync(w.wt, 'checkout', '-q', '--detach', 'HEAD~1');
    expect((await w.diff(BASE)).from).toBe(forkNow());
    expect(forkNow()).not.toBe(moved);
  });

  it('uncommitted view: HEAD → the worktree only', async () => {
    const w = await world();
    writeIn(w.wt, 'src/a.ts', 'export const a = 2;\n');
    w.commit('a is two');
    writeIn(w.wt, 'src/ten.txt', TEN.replace('line 1\n', 'line one\n'));
    writeIn(w.wt, 'extra.md', 'x\n');
    const out = await w.diff({ kind: 'uncommitted' });
    expect(paths(out.files)).toEqual(['extra.md', 'src/ten.txt']);
    expect(out.from).toBe(gitSync(w.wt, 'rev-parse', 'HEAD'));
  });

  it('commit view: one of the session’s commits against its parent; the commit list, newest first', async () => {
    const w = await world();
    writeIn(w.wt, 'src/a.ts', 'export const a = 2;\n');
    const c1 = w.commit('a is two');
    writeIn(w.wt, 'src/b.ts', 'export const b = 3;\n');
    const c2 = w.commit('add b');
    writeIn(w.wt, 'dirty.txt', 'not committed\n');
    const commits = await sessionCommits(w.council.ws, w.session);
    expect(commits.map((c) => [c.sha, c.subject])).toEqual([
      [c2, 'add b'],
      [c1, 'a is two'],
    ]);
    expect(commits[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    const one = await w.diff({ kind: 'commit', sha: c1 });
    expect(paths(one.files)).toEqual(['src/a.ts']);
    expect(one).toMatchObject({ from: gitSync(w.repo.root, 'rev-parse', 'main'), to: c1 });
    // An abbreviated id works; a commit of the base, or an unknown one, is refused.
    expect(paths((await w.diff({ kind: 'commit', sha: c2.slice(0, 8) })).files)).toEqual(['src/b.ts']);
    const mainSha = gitSync(w.repo.root, 'rev-parse', 'main');
    expect(await rejection(w.diff({ kind: 'commit', sha: mainSha }))).toMatchObject({ code: 'invalid-input', message: expect.stringContaining("is not one of session") });
    expect(await rejection(w.diff({ kind: 'commit', sha: 'deadbeef' }))).toMatchObject({ code: 'invalid-input' });
    expect(await rejection(w.diff({ kind: 'commit' }))).toMatchObject({ code: 'invalid-input', message: 'view commit needs sha: the commit id' });
    expect(await rejection(w.diff({ kind: 'base', from: c1 }))).toMatchObject({ code: 'invalid-input', message: 'view base takes no from' });
  });

  it('since view: a given commit → the worktree now (only what changed after it)', async () => {
    const w = await world();
    writeIn(w.wt, 'src/a.ts', 'export const a = 2;\n');
    const snapshot = w.commit('reviewed');
    writeIn(w.wt, 'src/ten.txt', TEN.replace('line 9', 'line nine'));
    writeIn(w.wt, 'after.txt', 'new after the review\n');
    const out = await w.diff({ kind: 'since', from: snapshot });
    expect(paths(out.files)).toEqual(['after.txt', 'src/ten.txt']);
    expect(out.from).toBe(snapshot);
    // A snapshot commit made on top of the session (not on its branch) counts as its history too.
    const tree = gitSync(w.wt, 'write-tree');
    const dangling = gitSync(w.wt, 'commit-tree', tree, '-p', snapshot, '-m', 'review snapshot');
    expect(paths((await w.diff({ kind: 'since', from: dangling })).files)).toEqual(['after.txt', 'src/ten.txt']);
    // A commit from another line of history is refused.
    gitSync(w.repo.root, 'checkout', '-q', '--orphan', 'elsewhere');
    writeFileSync(path.join(w.repo.root, 'x.txt'), 'x\n');
    gitSync(w.repo.root, 'add', 'x.txt');
    gitSync(w.repo.root, 'commit', '-q', '-m', 'unrelated');
    const unrelated = gitSync(w.repo.root, 'rev-parse', 'HEAD');
    expect(await rejection(w.diff({ kind: 'since', from: unrelated }))).toMatchObject({ code: 'invalid-input', message: expect.stringContaining("history") });
  });

  it('since view: a file untracked at the review and still untracked now is one change (not a deletion and a new file)', async () => {
    const w = await world();
    writeIn(w.wt, 'src/new.ts', 'export const hello = 1;\nexport const twice = 2;\n');
    writeIn(w.wt, 'src/kept.ts', 'unchanged\n');
    const snap = await snapshotWorktreeCommit(w.wt, 'review snapshot');
    writeIn(w.wt, 'src/new.ts', 'export const greet = 1;\nexport const twice = 2;\n');
    const out = await w.diff({ kind: 'since', from: snap.commit });
    expect(out.files.map((f) => [f.path, f.kind, f.insertions, f.deletions])).toEqual([['src/new.ts', 'modified', 1, 1]]);
    expect(gitSync(w.wt, 'status', '--porcelain')).toContain('?? src/');
    const lines = await reviewLines(w.council.ws, w.session, { kind: 'since', from: snap.commit }, 'src/new.ts', 'new');
    expect(lines.lines).toEqual(['export const greet = 1;', 'export const twice = 2;']);
  });

  it('hides whitespace-only changes on request (git diff -w)', async () => {
    const w = await world();
    writeIn(w.wt, 'src/a.ts', 'export  const a =   1;\n');
    writeIn(w.wt, 'src/ten.txt', TEN.replace('line 3', 'line three'));
    const plain = await w.diff(BASE);
    expect(plain.files.find((f) => f.path === 'src/a.ts')?.patch).toContain('+export  const a =   1;');
    const ignoring = await w.diff(BASE, true);
    const a = ignoring.files.find((f) => f.path === 'src/a.ts');
    expect(a?.patch ?? '').not.toContain('@@');
    expect(ignoring.files.find((f) => f.path === 'src/ten.txt')?.patch).toContain('+line three');
  });

  it('serves a side’s lines for more context, old and new', async () => {
    const w = await world();
    writeIn(w.wt, 'src/ten.txt', TEN.replace('line 5', 'line five'));
    const old = await reviewLines(w.council.ws, w.session, BASE, 'src/ten.txt', 'old');
    expect(old.total).toBe(10);
    expect(old.lines[4]).toBe('line 5');
    const now = await reviewLines(w.council.ws, w.session, BASE, 'src/ten.txt', 'new');
    expect(now.lines[4]).toBe('line five');
    // Only a changed file of the view; never a path out of the worktree.
    expect(await rejection(reviewLines(w.council.ws, w.session, BASE, 'README.md', 'old'))).toMatchObject({ code: 'invalid-input', message: expect.stringContaining('has no changes') });
    expect(await rejection(reviewLines(w.council.ws, w.session, BASE, '../../etc/passwd', 'new'))).toMatchObject({ code: 'invalid-input' });
  });

  it('a symbolic link is read as git stores it (its target’s name), never followed out of the worktree', async () => {
    const w = await world();
    symlinkSync('/etc/hostname', path.join(w.wt, 'link'));
    const out = await w.diff(BASE);
    expect(out.files.find((f) => f.path === 'link')?.patch).toContain('+/etc/hostname');
    expect((await reviewLines(w.council.ws, w.session, BASE, 'link', 'new')).lines).toEqual(['/etc/hostname']);
  });

  it('holds a large patch back, and sends it on request', async () => {
    const w = await world();
    const big = Array.from({ length: 40_000 }, (_, i) => `const value${i} = ${i}; // some padding to make it large`).join('\n') + '\n';
    writeIn(w.wt, 'big.ts', big);
    writeIn(w.wt, 'small.ts', 'export {};\n');
    const out = await w.diff(BASE);
    const held = out.files.find((f) => f.path === 'big.ts');
    expect(held).toMatchObject({ tooLarge: true, patch: null, binary: false, insertions: 40_000 });
    expect(held!.size).toBeGreaterThan(INLINE_PATCH_BYTES);
    expect(out.files.find((f) => f.path === 'small.ts')?.patch).toContain('+export {};');
    const full = await reviewFileDiff(w.council.ws, w.session, BASE, 'big.ts');
    expect(full.tooLarge).toBe(false);
    expect(full.patch).toContain('+const value39999 = 39999;');
    expect(full.hash).toBe(held!.hash);
  });

  it('binary files: sizes of both sides, image data for a preview; the hash follows the content', async () => {
    const w = await world();
    const png1 = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f5b0c60000000049454e44ae426082', 'hex');
    writeFileSync(path.join(w.wt, 'logo.png'), png1);
    writeFileSync(path.join(w.wt, 'data.bin'), Buffer.from([0, 1, 2, 3, 0, 5]));
    w.commit('assets');
    const png2 = Buffer.concat([png1, Buffer.from([0])]);
    writeFileSync(path.join(w.wt, 'logo.png'), png2);
    const out = await w.diff({ kind: 'uncommitted' });
    const logo = out.files.find((f) => f.path === 'logo.png')!;
    expect(logo).toMatchObject({ binary: true, image: 'png', patch: null, kind: 'modified' });
    const oldSide = await reviewBlob(w.council.ws, w.session, { kind: 'uncommitted' }, 'logo.png', 'old');
    const newSide = await reviewBlob(w.council.ws, w.session, { kind: 'uncommitted' }, 'logo.png', 'new');
    expect(oldSide).toEqual({ size: png1.length, mime: 'image/png', data: png1.toString('base64') });
    expect(newSide).toEqual({ size: png2.length, mime: 'image/png', data: png2.toString('base64') });
    // Another binary change of the same file is another content: a viewed mark kept on the hash clears.
    writeFileSync(path.join(w.wt, 'logo.png'), Buffer.concat([png1, Buffer.from([1, 2])]));
    const again = (await w.diff({ kind: 'uncommitted' })).files.find((f) => f.path === 'logo.png')!;
    expect(again.hash).not.toBe(logo.hash);
    // The base view: a new binary file is there with its size and no data when it is not an image.
    const base = await w.diff(BASE);
    const bin = base.files.find((f) => f.path === 'data.bin')!;
    expect(bin).toMatchObject({ binary: true, image: null, kind: 'added' });
    expect(await reviewBlob(w.council.ws, w.session, BASE, 'data.bin', 'new')).toEqual({ size: 6, mime: null, data: null });
    expect(await reviewBlob(w.council.ws, w.session, BASE, 'data.bin', 'old')).toEqual({ size: null, mime: null, data: null });
  });

  it('writes new files’ patches as git does: one line, empty, binary, executable', () => {
    expect(newFilePatchOf('one.txt', Buffer.from('x\n'), false).patch).toContain('@@ -0,0 +1 @@\n+x\n');
    expect(newFilePatchOf('empty.txt', Buffer.alloc(0), false)).toMatchObject({ lines: 0, binary: false });
    expect(newFilePatchOf('b.bin', Buffer.from([1, 0, 2]), false)).toMatchObject({ binary: true });
    expect(newFilePatchOf('run.sh', Buffer.from('echo\n'), true).patch).toContain('new file mode 100755');
    expect(newFilePatchOf('tab\tname', Buffer.from('x\n'), false).patch.split('\n')[0]).toBe('diff --git "a/tab\\tname" "b/tab\\tname"');
  });

  it('splits git’s output per file, even for names git quotes', async () => {
    const w = await world();
    writeIn(w.wt, 'we"ird.txt', 'a\n');
    writeIn(w.wt, 'sp ace.txt', 'b\n');
    w.commit('odd names');
    writeIn(w.wt, 'we"ird.txt', 'a2\n');
    writeIn(w.wt, 'sp ace.txt', 'b2\n');
    const out = await w.diff({ kind: 'uncommitted' });
    expect(out.files.map((f) => [f.path, f.patch?.includes('+') ?? false])).toEqual([
      ['sp ace.txt', true],
      ['we"ird.txt', true],
    ]);
    expect(splitPatch('').size).toBe(0);
    // A rename (with a change), and a name past ASCII.
    gitSync(w.wt, 'mv', 'src/ten.txt', 'src/dix.txt');
    writeIn(w.wt, 'src/dix.txt', TEN.replace('line 2', 'line deux'));
    writeIn(w.wt, 'naïve é.txt', 'x\n');
    gitSync(w.wt, 'add', '-A');
    const moved = await w.diff({ kind: 'uncommitted' });
    expect(moved.files.find((f) => f.path === 'src/dix.txt')).toMatchObject({ kind: 'renamed', origPath: 'src/ten.txt', insertions: 1, deletions: 1 });
    expect(moved.files.find((f) => f.path === 'naïve é.txt')).toMatchObject({ kind: 'added', insertions: 1 });
    chmodSync(path.join(w.wt, 'sp ace.txt'), 0o755);
    const moded = (await w.diff({ kind: 'uncommitted' })).files.find((f) => f.path === 'sp ace.txt');
    expect(moded?.patch).toContain('new mode 100755');
  });
});
