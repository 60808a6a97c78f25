import { describe, expect, it } from 'vitest';
import { parseDiffTreeStdin, parseStatusForSnapshot } from '../../electron/core/radar/parse';
import { mayConflict, overlapOf } from '../../electron/core/radar/predict';

// The radar's pure parts: parsers of git's output (samples captured from git 2.39) and the rule
// that decides when git merge-tree can be skipped.

const z = (...fields: string[]): string => fields.map((f) => `${f}\0`).join('');

describe('parseStatusForSnapshot (git status --porcelain=v2 -z --branch)', () => {
  it('takes HEAD from the header and every reported path, a rename with both sides, ignored left out', () => {
    const head = 'a'.repeat(40);
    const out =
      z(`# branch.oid ${head}`, '# branch.head council/x-1') +
      z('1 .M N... 100644 100644 100644 aaaa bbbb src/with space.ts') +
      z('1 D. N... 100644 000000 000000 aaaa 0000 gone.ts') +
      z('2 R. N... 100644 100644 100644 aaaa aaaa R100 new name.ts', 'old name.ts') +
      z('u UU N... 100644 100644 100644 100644 a b c both.ts') +
      z('? untracked/file.txt', '! ignored.log');
    expect(parseStatusForSnapshot(out)).toEqual({
      head,
      paths: ['src/with space.ts', 'gone.ts', 'new name.ts', 'old name.ts', 'both.ts', 'untracked/file.txt'],
      untracked: ['untracked/file.txt'],
    });
  });

  it('reads an unborn HEAD as null', () => {
    expect(parseStatusForSnapshot(z('# branch.oid (initial)', '# branch.head main', '? a'))).toEqual({ head: null, paths: ['a'], untracked: ['a'] });
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

describe('mayConflict: when git merge-tree can be skipped', () => {
  const m = (path: string) => ({ status: 'M', path });
  const a = (path: string) => ({ status: 'A', path });
  const d = (path: string) => ({ status: 'D', path });

  it('disjoint files, no deletions: cannot conflict', () => {
    expect(mayConflict([m('src/a.ts'), a('src/new.ts')], [m('src/b.ts'), a('docs/x.md')])).toBe(false);
    expect(overlapOf([m('src/a.ts')], [m('src/b.ts')])).toEqual([]);
  });

  it('a path both changed: may conflict', () => {
    expect(mayConflict([m('src/a.ts')], [m('lib/x'), m('src/a.ts')])).toBe(true);
    expect(overlapOf([m('src/a.ts'), m('z')], [m('z'), m('src/a.ts')])).toEqual(['src/a.ts', 'z']);
  });

  it('a file on one side where the other has a folder: may conflict (file/directory)', () => {
    expect(mayConflict([a('dirfile')], [a('dirfile/y')])).toBe(true);
    expect(mayConflict([a('x/dirfile/y')], [a('x/dirfile')])).toBe(true);
  });

  it('a file added into a folder the other side deleted from: may conflict (directory rename)', () => {
    expect(mayConflict([d('olddir/one'), a('newdir/one')], [a('olddir/three')])).toBe(true);
    expect(mayConflict([a('olddir/three')], [d('olddir/sub/one'), a('newdir/sub/one')])).toBe(true);
    // Deleting a top-level file renames no folder.
    expect(mayConflict([d('README.md')], [a('src/new.ts')])).toBe(false);
  });
});
