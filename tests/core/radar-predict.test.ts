import { describe, expect, it } from 'vitest';
import { mayConflict, overlapOf } from '../../electron/core/radar/predict';

// The rule that decides when git merge-tree can be skipped (the radar's parsers of git output are
// tested with the others in tests/core/git/parse.test.ts).

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
