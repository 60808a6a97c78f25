import { describe, expect, it } from 'vitest';
import { parseDiffTree, parseMergeTree, subjectOf } from '../../electron/core/merge/merge-git';

/** The merge queue's parsers of git output, on output captured from git 2.39. */

const TREE = '6d63e6e871888e1199579984e55e204cde1a6b75';

describe('parseMergeTree', () => {
  it('reads the tree, each conflicted file once, and the CONFLICT lines (not the informational ones)', () => {
    const out = [
      TREE,
      'a.txt',
      'sp ace.txt',
      'a.txt',
      '',
      '1',
      'a.txt',
      'Auto-merging',
      'Auto-merging a.txt\n',
      '1',
      'a.txt',
      'CONFLICT (contents)',
      'CONFLICT (content): Merge conflict in a.txt\n',
      '2',
      'old.ts',
      'new.ts',
      'CONFLICT (rename/delete)',
      'CONFLICT (rename/delete): old.ts renamed to new.ts in HEAD, but deleted in s1.\n',
      '',
    ].join('\0');
    expect(parseMergeTree(out, 1)).toEqual({
      tree: TREE,
      clean: false,
      files: ['a.txt', 'sp ace.txt'],
      conflicts: ['CONFLICT (content): Merge conflict in a.txt', 'CONFLICT (rename/delete): old.ts renamed to new.ts in HEAD, but deleted in s1.'],
    });
  });

  it('reads a clean merge: the tree and nothing else', () => {
    expect(parseMergeTree(`${TREE}\0\0`, 0)).toEqual({ tree: TREE, clean: true, files: [], conflicts: [] });
  });
});

describe('parseDiffTree', () => {
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

describe('subjectOf', () => {
  it('takes the first non-empty line of a task, cut to the limit', () => {
    expect(subjectOf('\n  add the login form  \nwith validation')).toBe('add the login form');
    expect(subjectOf('x'.repeat(150))).toBe(`${'x'.repeat(99)}…`);
  });
});
