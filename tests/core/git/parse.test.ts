import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseDiffTree,
  parseDiffTreeStdin,
  parseCount,
  parseLeftRight,
  parseNulList,
  parseNumstat,
  parseRawNumstat,
  parseRevListParents,
  parseStagedEntries,
  parseStatusV2,
  parseWorktreeList,
  parseObjectId,
} from '../../../electron/core/git/parse';
import { gitSync, makeRepo, tempDir } from '../../helpers/repo';

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
    // An empty answer (a lost one: git always lists the main worktree) is an error, not "none".
    expect(() => parseWorktreeList('')).toThrow('git worktree list printed "", not even the main worktree');
    expect(() => parseObjectId('', 'rev-parse HEAD')).toThrow('git rev-parse HEAD printed "", not an object id');
    expect(() => parseObjectId('HEAD\n', 'rev-parse HEAD')).toThrow('not an object id');
    expect(parseObjectId(`${'a'.repeat(40)}\n`, 'x')).toBe('a'.repeat(40));
    expect(parseObjectId('b'.repeat(64), 'x')).toBe('b'.repeat(64));
  });

  it('parses status --porcelain=v2 -z: changed, renamed, untracked, paths with spaces and newlines', () => {
    const repo = makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'dir/c d.txt': 'c\n' });
    writeFileSync(path.join(repo.root, 'a.txt'), 'changed\n');
    gitSync(repo.root, 'mv', 'b.txt', 'b2.txt');
    mkdirSync(path.join(repo.root, 'new dir'));
    writeFileSync(path.join(repo.root, 'new dir', 'line\nbreak.txt'), 'x');
    writeFileSync(path.join(repo.root, 'dir', 'c d.txt'), 'changed\n');

    const { head, entries } = parseStatusV2(raw(repo.root, 'status', '--porcelain=v2', '-z', '--untracked-files=all'));
    expect(head).toBeNull();
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
    const { entries } = parseStatusV2(raw(repo.root, 'status', '--porcelain=v2', '-z'));
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

  it('refuses an empty or garbled count instead of reading it as 0 (a lost answer is not "0 ahead")', () => {
    for (const bad of ['', '\n', '3\n', '3\tx\n', '1\t2\t3\n']) expect(() => parseLeftRight(bad), JSON.stringify(bad)).toThrow(/not two counts/);
    expect(parseCount('12\n', 'rev-list --count')).toBe(12);
    for (const bad of ['', ' \n', '-1', '1.5']) expect(() => parseCount(bad, 'rev-list --count'), JSON.stringify(bad)).toThrow(/not a count/);
  });
});

// Samples captured from git 2.39 (the parsers the merge queue and the radar share).
const z = (...fields: string[]): string => fields.map((f) => `${f}\0`).join('');

describe('parseStatusV2 with --branch', () => {
  it('takes HEAD from the header and every entry, a rename with both sides', () => {
    const head = 'a'.repeat(40);
    const out =
      z(`# branch.oid ${head}`, '# branch.head council/x-1') +
      z('1 .M N... 100644 100644 100644 aaaa bbbb src/with space.ts') +
      z('1 D. N... 100644 000000 000000 aaaa 0000 gone.ts') +
      z('2 R. N... 100644 100644 100644 aaaa aaaa R100 new name.ts', 'old name.ts') +
      z('u UU N... 100644 100644 100644 100644 a b c both.ts') +
      z('? untracked/file.txt', '! ignored.log');
    expect(parseStatusV2(out)).toEqual({
      head,
      entries: [
        { kind: 'changed', xy: '.M', path: 'src/with space.ts', origPath: null },
        { kind: 'changed', xy: 'D.', path: 'gone.ts', origPath: null },
        { kind: 'renamed', xy: 'R.', path: 'new name.ts', origPath: 'old name.ts' },
        { kind: 'unmerged', xy: 'UU', path: 'both.ts', origPath: null },
        { kind: 'untracked', xy: '??', path: 'untracked/file.txt', origPath: null },
        { kind: 'ignored', xy: '!!', path: 'ignored.log', origPath: null },
      ],
    });
  });

  it('reads an unborn HEAD as null, from real git too', () => {
    expect(parseStatusV2(z('# branch.oid (initial)', '# branch.head main', '? a'))).toEqual({
      head: null,
      entries: [{ kind: 'untracked', xy: '??', path: 'a', origPath: null }],
    });
    const repo = makeRepo();
    const out = raw(repo.root, 'status', '--porcelain=v2', '-z', '--branch');
    expect(parseStatusV2(out)).toEqual({ head: gitSync(repo.root, 'rev-parse', 'HEAD'), entries: [] });
  });
});

describe('parseDiffTree (git diff-tree -r -z --no-renames)', () => {
  it('reads added, deleted and modified paths with both sides', () => {
    const a = '1'.repeat(40);
    const b = '2'.repeat(40);
    const zero = '0'.repeat(40);
    const out = [`:000000 100644 ${zero} ${a} A`, 'new file.ts', `:100644 000000 ${a} ${zero} D`, 'gone.ts', `:100644 100755 ${a} ${b} M`, 'dir/run.sh', ''].join('\0');
    expect(parseDiffTree(out)).toEqual([
      { path: 'new file.ts', before: null, after: { mode: '100644', oid: a } },
      { path: 'gone.ts', before: { mode: '100644', oid: a }, after: null },
      { path: 'dir/run.sh', before: { mode: '100644', oid: a }, after: { mode: '100755', oid: b } },
    ]);
    expect(parseDiffTree('')).toEqual([]);
  });
});

describe('parseDiffTreeStdin (git diff-tree --stdin --always --format=>%H)', () => {
  it('splits the answers by header, an empty diff included', () => {
    const out = `>${'9'.repeat(40)}\0\nM\0f\0>${'8'.repeat(40)}\0>${'7'.repeat(40)}\0\nD\0g\0A\0>odd name\0`;
    expect(parseDiffTreeStdin(out, 3)).toEqual([[{ status: 'M', path: 'f' }], [], [{ status: 'D', path: 'g' }, { status: 'A', path: '>odd name' }]]);
  });

  it('refuses an answer that does not match the requests', () => {
    expect(() => parseDiffTreeStdin(`>${'9'.repeat(40)}\0`, 2)).toThrow('answered 1 of 2 requests');
  });
});

describe('parseRevListParents, parseStagedEntries, parseNulList', () => {
  it('reads commits with their parents in order, a root commit with none', () => {
    expect([...parseRevListParents('c b\nm p q\nroot\n')]).toEqual([
      ['c', ['b']],
      ['m', ['p', 'q']],
      ['root', []],
    ]);
  });

  it('reads stage-0 index entries by path (paths with spaces and tabs), skipping conflict stages', () => {
    const a = 'a'.repeat(40);
    const out = z(`100644 ${a} 0\tsrc/with space.ts`, `120000 ${a} 0\tlink\tname`, `100644 ${a} 2\tconflicted.ts`);
    expect([...parseStagedEntries(out)]).toEqual([
      ['src/with space.ts', { mode: '100644', oid: a }],
      ['link\tname', { mode: '120000', oid: a }],
    ]);
    const repo = makeRepo({ 'x y.txt': 'x\n' });
    expect([...parseStagedEntries(raw(repo.root, 'ls-files', '-s', '-z'))]).toEqual([['x y.txt', { mode: '100644', oid: gitSync(repo.root, 'rev-parse', 'HEAD:x y.txt') }]]);
  });

  it('splits a -z name list, dropping the empty end', () => {
    expect(parseNulList(z('a', 'b c', 'new\nline'))).toEqual(['a', 'b c', 'new\nline']);
    expect(parseNulList('')).toEqual([]);
  });
});
