import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { conflictKind, mergeTree, parseMergeTree } from '../../../electron/core/git/merge-tree';
import { gitSync, makeRepo, writeIn } from '../../helpers/repo';

// The one reader of `git merge-tree --write-tree` (the merge queue's and the radar's): on output
// captured from git 2.39, and on real merges checked against what `git merge` itself leaves.

const z = (...fields: string[]): string => fields.map((f) => `${f}\0`).join('');
const TREE = '21ba27b499d640d30ef65578557e18fba96563ef';

describe('parseMergeTree (git merge-tree --write-tree -z --name-only --messages)', () => {
  it('reads a clean merge: the tree alone', () => {
    expect(parseMergeTree(z(TREE), 0)).toEqual({ tree: TREE, clean: true, files: [], conflicts: [] });
    expect(parseMergeTree(`${TREE}\0\0`, 0)).toEqual({ tree: TREE, clean: true, files: [], conflicts: [] });
  });

  it("one conflict per path git lists (each once, git's order), with the CONFLICT line naming it; informational lines dropped", () => {
    const out =
      z(TREE, 'b.bin', 'del.txt', 'dirfile~A', 'f.txt', 'new.txt', 'newdir/three', 'r2.txt', 'ren.txt', 'renA.txt', 'renB.txt', 'f.txt', '') +
      z('1', 'b.bin', 'CONFLICT (binary)', 'warning: Cannot merge binary files: b.bin (A vs. B)\n') +
      z('1', 'b.bin', 'Auto-merging', 'Auto-merging b.bin\n') +
      z('1', 'b.bin', 'CONFLICT (contents)', 'CONFLICT (content): Merge conflict in b.bin\n') +
      z('1', 'del.txt', 'CONFLICT (modify/delete)', 'CONFLICT (modify/delete): del.txt deleted in B and modified in A.  Version A of del.txt left in tree.\n') +
      z('2', 'dirfile~A', 'dirfile', 'CONFLICT (file/directory)', 'CONFLICT (file/directory): directory in the way of dirfile from A; moving it to dirfile~A instead.\n') +
      z('1', 'f.txt', 'Auto-merging', 'Auto-merging f.txt\n') +
      z('1', 'f.txt', 'CONFLICT (contents)', 'CONFLICT (content): Merge conflict in f.txt\n') +
      z('1', 'new.txt', 'CONFLICT (contents)', 'CONFLICT (add/add): Merge conflict in new.txt\n') +
      z('2', 'newdir/three', 'olddir/three', 'CONFLICT (directory rename suggested)', 'CONFLICT (file location): olddir/three added in B inside a directory that was renamed in A, suggesting it should perhaps be moved to newdir/three.\n') +
      z('2', 'r2.txt', 'r.txt', 'CONFLICT (rename/delete)', 'CONFLICT (rename/delete): r.txt renamed to r2.txt in A, but deleted in B.\n') +
      z('3', 'ren.txt', 'renA.txt', 'renB.txt', 'CONFLICT (rename/rename)', 'CONFLICT (rename/rename): ren.txt renamed to renA.txt in A and to renB.txt in B.\n');
    const parsed = parseMergeTree(out, 1);
    expect(parsed.tree).toBe(TREE);
    expect(parsed.clean).toBe(false);
    expect(parsed.files).toEqual(['b.bin', 'del.txt', 'dirfile~A', 'f.txt', 'new.txt', 'newdir/three', 'r2.txt', 'ren.txt', 'renA.txt', 'renB.txt']);
    const renameRename = 'CONFLICT (rename/rename): ren.txt renamed to renA.txt in A and to renB.txt in B.';
    expect(parsed.conflicts).toEqual([
      { path: 'b.bin', kind: 'content', message: 'CONFLICT (content): Merge conflict in b.bin' },
      { path: 'del.txt', kind: 'modify/delete', message: 'CONFLICT (modify/delete): del.txt deleted in B and modified in A.  Version A of del.txt left in tree.' },
      { path: 'dirfile~A', kind: 'other', message: 'CONFLICT (file/directory): directory in the way of dirfile from A; moving it to dirfile~A instead.' },
      { path: 'f.txt', kind: 'content', message: 'CONFLICT (content): Merge conflict in f.txt' },
      { path: 'new.txt', kind: 'add/add', message: 'CONFLICT (add/add): Merge conflict in new.txt' },
      { path: 'newdir/three', kind: 'rename', message: expect.stringContaining('CONFLICT (file location): olddir/three added in B') },
      { path: 'r2.txt', kind: 'rename', message: 'CONFLICT (rename/delete): r.txt renamed to r2.txt in A, but deleted in B.' },
      { path: 'ren.txt', kind: 'rename', message: renameRename },
      { path: 'renA.txt', kind: 'rename', message: renameRename },
      { path: 'renB.txt', kind: 'rename', message: renameRename },
    ]);
  });

  it('a conflicted path no message names still counts, as "other"', () => {
    expect(parseMergeTree(z(TREE, 'odd', ''), 1).conflicts).toEqual([{ path: 'odd', kind: 'other', message: 'CONFLICT: odd' }]);
  });

  it('maps git types to kinds', () => {
    expect(conflictKind('Auto-merging', 'Auto-merging x')).toBeNull();
    expect(conflictKind('Path updated due to directory rename', 'Path updated: …')).toBeNull();
    expect(conflictKind('CONFLICT (distinct types)', 'CONFLICT (distinct types): x had different types on each side')).toBe('other');
    expect(conflictKind('CONFLICT (submodule lacks merge base)', 'Failed to merge submodule sub')).toBe('other');
    expect(conflictKind('CONFLICT(directory rename collision)', 'CONFLICT (implicit dir rename): …')).toBe('rename');
    expect(conflictKind('CONFLICT (rename involved in collision)', 'CONFLICT (add/add): …')).toBe('rename');
  });
});

/** The paths a real `git merge` leaves unmerged, in a checkout of `ours`. */
function unmergedByGitMerge(root: string, ours: string, theirs: string): string[] {
  gitSync(root, 'checkout', '-q', ours);
  try {
    gitSync(root, 'merge', '--no-edit', '-q', theirs);
  } catch {
    // conflicts: exit 1, the unmerged paths are in the index
  }
  const unmerged = gitSync(root, 'diff', '--name-only', '-z', '--diff-filter=U').split('\0').filter(Boolean);
  gitSync(root, 'merge', '--abort');
  return unmerged;
}

describe('mergeTree on real merges', () => {
  it('names every path git lists, a rename/rename onto a binary add/add included (flask 1351d0a5), each with its CONFLICT line', async () => {
    // Shaped like pallets/flask's merge 1351d0a5 (git: 20 conflicted files; one fewer was named):
    // ours renames touch-icon.png → flask-icon.png and flask.png → flask-logo-sidebar.png; theirs
    // deletes touch-icon.png and renames flask.png → flask-icon.png.
    const png = (tag: string): string => `\x89PNG\r\n\x1a\n\0\0${tag}`.repeat(40);
    const repo = makeRepo({ 'docs/_static/touch-icon.png': png('touch'), 'docs/_static/flask.png': png('flask'), 'docs/conf.py': 'a\nb\nc\n' });
    gitSync(repo.root, 'checkout', '-q', '-b', 'ours');
    gitSync(repo.root, 'mv', 'docs/_static/touch-icon.png', 'docs/_static/flask-icon.png');
    gitSync(repo.root, 'mv', 'docs/_static/flask.png', 'docs/_static/flask-logo-sidebar.png');
    writeIn(repo.root, 'docs/conf.py', 'a\nours\nc\n');
    repo.commitAll('ours');
    gitSync(repo.root, 'checkout', '-q', '-b', 'theirs', 'main');
    gitSync(repo.root, 'rm', '-q', 'docs/_static/touch-icon.png');
    gitSync(repo.root, 'mv', 'docs/_static/flask.png', 'docs/_static/flask-icon.png');
    writeIn(repo.root, 'docs/conf.py', 'a\ntheirs\nc\n');
    repo.commitAll('theirs');

    const result = await mergeTree(repo.root, 'ours', 'theirs');
    const byGit = unmergedByGitMerge(repo.root, 'ours', 'theirs');
    expect(byGit).toContain('docs/_static/flask-logo-sidebar.png');
    expect(result.files).toEqual(byGit);
    expect(result.conflicts.map((c) => c.path)).toEqual(byGit);
    for (const c of result.conflicts) expect(c.message).toMatch(/^CONFLICT \(/);
    expect(result.conflicts.find((c) => c.path === 'docs/_static/flask-logo-sidebar.png')).toEqual({
      path: 'docs/_static/flask-logo-sidebar.png',
      kind: 'rename',
      message: 'CONFLICT (rename/rename): docs/_static/flask.png renamed to docs/_static/flask-logo-sidebar.png in ours and to docs/_static/flask-icon.png in theirs.',
    });
    // Three CONFLICT lines name flask-icon.png (rename/delete, add/add, rename/rename): the first
    // about it is kept, never the binary warning between them.
    expect(result.conflicts.find((c) => c.path === 'docs/_static/flask-icon.png')).toEqual({
      path: 'docs/_static/flask-icon.png',
      kind: 'rename',
      message: 'CONFLICT (rename/delete): docs/_static/touch-icon.png renamed to docs/_static/flask-icon.png in ours, but deleted in theirs.',
    });
  });

  it("a binary add/add: one conflict, git's CONFLICT line as its reason (not the \"Cannot merge binary files\" warning)", async () => {
    const repo = makeRepo({ 'README.md': '# demo\n' });
    for (const side of ['left', 'right']) {
      gitSync(repo.root, 'checkout', '-q', '-b', side, 'main');
      writeIn(repo.root, 'logo.png', `\0\x01${side}`);
      repo.commitAll(side);
    }
    const result = await mergeTree(repo.root, 'left', 'right');
    expect(result.files).toEqual(unmergedByGitMerge(repo.root, 'left', 'right'));
    expect(result.conflicts).toEqual([{ path: 'logo.png', kind: 'add/add', message: 'CONFLICT (add/add): Merge conflict in logo.png' }]);
    expect(readFileSync(path.join(repo.root, 'logo.png'), 'utf8')).toBe('\0\x01left');
  });
});
