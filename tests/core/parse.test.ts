import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLeftRight, parseNumstat, parseRawNumstat, parseStatusV2, parseWorktreeList } from '../../electron/core/git/parse';
import { gitSync, makeRepo, tempDir } from '../helpers/repo';

const raw = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8' });

describe('git output parsers, on output from real git', () => {
  it('parses worktree list --porcelain -z, including detached, locked and prunable entries', () => {
    const repo = makeRepo();
    const dir = tempDir();
    const wtBranch = path.join(dir, 'with space');
    const wtDetached = path.join(dir, 'detached');
    const wtGone = path.join(dir, 'gone');
    gitSync(repo.root, 'worktree', 'add', '-q', '-b', 'feature/x', wtBranch);
    gitSync(repo.root, 'worktree', 'add', '-q', '--detach', wtDetached);
    gitSync(repo.root, 'worktree', 'add', '-q', '-b', 'gone', wtGone);
    gitSync(repo.root, 'worktree', 'lock', wtDetached, '--reason', 'testing');
    rmSync(wtGone, { recursive: true });

    const entries = parseWorktreeList(raw(repo.root, 'worktree', 'list', '--porcelain', '-z'));
    const byName = new Map(entries.map((e) => [path.basename(e.path), e]));
    expect([...byName.keys()].sort()).toEqual(['demo', 'detached', 'gone', 'with space']);
    expect(entries[0]?.path).toBe(repo.root); // the main worktree always comes first
    expect(byName.get('demo')).toMatchObject({ branch: 'refs/heads/main', detached: false, locked: false, prunable: false });
    expect(byName.get('with space')).toMatchObject({ branch: 'refs/heads/feature/x', prunable: false });
    expect(byName.get('with space')?.head).toMatch(/^[0-9a-f]{40}$/);
    expect(byName.get('detached')).toMatchObject({ branch: null, detached: true, locked: true });
    expect(byName.get('gone')).toMatchObject({ prunable: true, locked: false });
  });

  it('parses status --porcelain=v2 -z: changed, renamed, untracked, paths with spaces and newlines', () => {
    const repo = makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'dir/c d.txt': 'c\n' });
    writeFileSync(path.join(repo.root, 'a.txt'), 'changed\n');
    gitSync(repo.root, 'mv', 'b.txt', 'b2.txt');
    mkdirSync(path.join(repo.root, 'new dir'));
    writeFileSync(path.join(repo.root, 'new dir', 'line\nbreak.txt'), 'x');
    writeFileSync(path.join(repo.root, 'dir', 'c d.txt'), 'changed\n');

    const entries = parseStatusV2(raw(repo.root, 'status', '--porcelain=v2', '-z', '--untracked-files=all'));
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect(byPath.get('a.txt')).toMatchObject({ kind: 'changed', xy: '.M' });
    expect(byPath.get('b2.txt')).toMatchObject({ kind: 'renamed', origPath: 'b.txt' });
    expect(byPath.get('dir/c d.txt')).toMatchObject({ kind: 'changed' });
    expect(byPath.get('new dir/line\nbreak.txt')).toMatchObject({ kind: 'untracked', xy: '??' });
    expect(entries).toHaveLength(4);
  });

  it('parses unmerged entries', () => {
    const repo = makeRepo({ 'f.txt': 'base\n' });
    gitSync(repo.root, 'checkout', '-q', '-b', 'other');
    repo.write('f.txt', 'other\n');
    repo.commitAll('other');
    gitSync(repo.root, 'checkout', '-q', 'main');
    repo.write('f.txt', 'main\n');
    repo.commitAll('main');
    try {
      gitSync(repo.root, 'merge', 'other');
    } catch {
      // the conflict is the point
    }
    const entries = parseStatusV2(raw(repo.root, 'status', '--porcelain=v2', '-z'));
    expect(entries).toEqual([{ kind: 'unmerged', xy: 'UU', path: 'f.txt', origPath: null }]);
  });

  it('parses diff --numstat -z with renames and binary files', () => {
    const repo = makeRepo({ 'keep.txt': 'one\ntwo\nthree\nfour\nfive\n', 'old name.txt': 'x\ny\nz\nw\nv\nu\n' });
    const base = gitSync(repo.root, 'rev-parse', 'HEAD');
    repo.write('keep.txt', 'one\nTWO\nthree\nfour\nfive\nsix\n');
    renameSync(path.join(repo.root, 'old name.txt'), path.join(repo.root, 'new name.txt'));
    writeFileSync(path.join(repo.root, 'bin.dat'), Buffer.from([0, 1, 2, 3, 0, 255]));
    repo.commitAll('change');

    const entries = parseNumstat(raw(repo.root, 'diff', '--numstat', '-z', '-M', base, 'HEAD'));
    expect(entries).toContainEqual({ path: 'keep.txt', origPath: null, insertions: 2, deletions: 1 });
    expect(entries).toContainEqual({ path: 'new name.txt', origPath: 'old name.txt', insertions: 0, deletions: 0 });
    expect(entries).toContainEqual({ path: 'bin.dat', origPath: null, insertions: null, deletions: null });
    expect(entries).toHaveLength(3);
  });

  it('parses diff --merge-base --raw --numstat -z: status, renames, counts and binaries in one pass', () => {
    const repo = makeRepo({ 'keep.txt': 'one\ntwo\n', 'old name.txt': 'x\ny\nz\nw\nv\nu\n', 'gone.txt': 'bye\n' });
    gitSync(repo.root, 'checkout', '-q', '-b', 'feature');
    repo.write('keep.txt', 'one\nTWO\nthree\n');
    renameSync(path.join(repo.root, 'old name.txt'), path.join(repo.root, 'new name.txt'));
    rmSync(path.join(repo.root, 'gone.txt'));
    writeFileSync(path.join(repo.root, 'bin.dat'), Buffer.from([0, 1, 2, 0]));
    repo.commitAll('feature work');
    repo.write('keep.txt', 'one\nTWO\nthree\nfour\n'); // uncommitted on top
    const entries = parseRawNumstat(raw(repo.root, 'diff', '--merge-base', 'main', '--raw', '--numstat', '-z', '-M', '--'));
    expect(entries).toEqual([
      { path: 'bin.dat', origPath: null, status: 'A', insertions: null, deletions: null },
      { path: 'gone.txt', origPath: null, status: 'D', insertions: 0, deletions: 1 },
      { path: 'keep.txt', origPath: null, status: 'M', insertions: 3, deletions: 1 },
      { path: 'new name.txt', origPath: 'old name.txt', status: 'R', insertions: 0, deletions: 0 },
    ]);
  });

  it('parses rev-list --left-right --count', () => {
    expect(parseLeftRight('3\t5\n')).toEqual([3, 5]);
  });
});
