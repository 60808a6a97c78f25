import { describe, expect, it } from 'vitest';
import { parseDiffTree, subjectOf } from '../../electron/core/merge/merge-git';

/** The merge queue's parsers of git output, on output captured from git 2.39. */

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
