/**
 * The review diff's pure parts (issue 14, item 3): the file tree, viewed marks that clear when a
 * file changes again, the keys and where they move, and chunking a large file's hunks.
 */
import { describe, expect, it } from 'vitest';
import { parseDiff } from 'react-diff-view';
import { buildTree, foldersOf, treeOrder, treeRows } from '../../renderer/src/models/diff-tree';
import { currentMarks, isViewed, parseMarks, toggleViewed, viewedCount } from '../../renderer/src/models/diff-viewed';
import { diffKeyOf, stepFile, stepHunk } from '../../renderer/src/models/diff-nav';
import { shortcutOf, type KeyPress } from '../../renderer/src/models/shortcuts';
import { chunkHunks, linesText, rangeOf } from '../../renderer/src/features/diff/hunk-chunks';

const f = (path: string) => ({ path });

describe('diff tree', () => {
  const files = ['src/app/main.ts', 'src/app/view.tsx', 'README.md', 'src/lib/deep/x.ts', 'a.ts'].map(f);

  it('puts files under folders, folders first, a lone sub-folder joined to its parent', () => {
    const rows = treeRows(buildTree(files), new Set());
    expect(rows.map((r) => `${'  '.repeat(r.depth)}${r.type === 'folder' ? `${r.name}/` : r.name}`)).toEqual([
      'src/',
      '  app/',
      '    main.ts',
      '    view.tsx',
      '  lib/deep/',
      '    x.ts',
      'README.md',
      'a.ts',
    ]);
  });

  it('a collapsed folder hides its files and counts them', () => {
    const rows = treeRows(buildTree(files), new Set(['src/app']));
    expect(rows.find((r) => r.path === 'src/app')).toMatchObject({ type: 'folder', collapsed: true, files: 2 });
    expect(rows.some((r) => r.path === 'src/app/main.ts')).toBe(false);
  });

  it('the scroll order is the tree order; a file’s folders are listed to open them', () => {
    expect(treeOrder(files).map((x) => x.path)).toEqual(['src/app/main.ts', 'src/app/view.tsx', 'src/lib/deep/x.ts', 'README.md', 'a.ts']);
    expect(foldersOf('src/lib/deep/x.ts')).toEqual(['src', 'src/lib', 'src/lib/deep']);
  });
});

describe('viewed marks', () => {
  it('a mark holds for the content it was given, and clears when the file changes again', () => {
    let marks = toggleViewed({}, { path: 'a.ts', hash: 'h1' });
    expect(isViewed(marks, { path: 'a.ts', hash: 'h1' })).toBe(true);
    expect(viewedCount(marks, [{ path: 'a.ts', hash: 'h1' }, { path: 'b.ts', hash: 'x' }])).toBe(1);
    // The file changed again: another hash.
    expect(isViewed(marks, { path: 'a.ts', hash: 'h2' })).toBe(false);
    expect(currentMarks(marks, [{ path: 'a.ts', hash: 'h2' }])).toEqual({});
    marks = toggleViewed(marks, { path: 'a.ts', hash: 'h1' });
    expect(marks).toEqual({});
  });

  it('reads stored marks defensively', () => {
    expect(parseMarks(null)).toEqual({});
    expect(parseMarks('not json')).toEqual({});
    expect(parseMarks('[1]')).toEqual({});
    expect(parseMarks('{"a":"h","b":3}')).toEqual({ a: 'h' });
  });
});

describe('diff keys', () => {
  const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, altKey: false, typing: false, dialogOpen: false, ...extra });

  it('j/k files, ]/[ hunks, v viewed; none of them a workspace shortcut; never while typing or with a modifier', () => {
    expect(['j', 'k', ']', '[', 'v'].map((k) => diffKeyOf(press(k)))).toEqual(['next-file', 'previous-file', 'next-hunk', 'previous-hunk', 'toggle-viewed']);
    for (const k of ['j', 'k', ']', '[', 'v']) expect(shortcutOf(press(k))).toBeNull();
    for (const k of ['n', 'a', '1', '?', 'Escape']) expect(diffKeyOf(press(k))).toBeNull();
    expect(diffKeyOf(press('j', { typing: true }))).toBeNull();
    expect(diffKeyOf(press('j', { ctrlKey: true }))).toBeNull();
    expect(diffKeyOf(press('v', { dialogOpen: true }))).toBeNull();
  });

  it('next/previous file stop at the ends; from nothing, next is the first', () => {
    expect(stepFile(-1, 3, 1)).toBe(0);
    expect(stepFile(0, 3, 1)).toBe(1);
    expect(stepFile(2, 3, 1)).toBeNull();
    expect(stepFile(0, 3, -1)).toBeNull();
    expect(stepFile(-1, 3, -1)).toBe(2);
    expect(stepFile(-1, 0, 1)).toBeNull();
  });

  it('next/previous hunk from the reading line', () => {
    const tops = [-500, -20, 90, 400, 1200];
    expect(stepHunk(tops, 90, 1)).toBe(3);
    expect(stepHunk(tops, 90, -1)).toBe(1);
    expect(stepHunk(tops, 2000, 1)).toBeNull();
  });
});

describe('hunk chunks', () => {
  const lines = Array.from({ length: 1000 }, (_, i) => `+line ${i + 1}`).join('\n');
  const patch = `diff --git a/x b/x\nnew file mode 100644\n--- /dev/null\n+++ b/x\n@@ -0,0 +1,1000 @@\n${lines}\n`;
  const [file] = parseDiff(patch);

  it('cuts a long hunk into parts of at most N rows, the header on the first only, no line lost', () => {
    const chunks = chunkHunks(file!.hunks, 250);
    expect(chunks.length).toBe(4);
    expect(chunks.every((c) => c.rows <= 251)).toBe(true);
    expect(chunks.flatMap((c) => c.parts.map((p) => p.header !== null))).toEqual([true, false, false, false]);
    const all = chunks.flatMap((c) => c.parts.flatMap((p) => p.hunk.changes.map((x) => x.content)));
    expect(all).toHaveLength(1000);
    expect(all[999]).toBe('line 1000');
    expect(chunks[1]!.parts[0]!.hunk).toMatchObject({ newStart: 251, newLines: 250 });
  });

  it('a selection’s text, from either end', () => {
    expect(linesText(file!.hunks, 'new', 3, 5)).toBe('line 3\nline 4\nline 5');
    expect(rangeOf(9, 4)).toEqual({ startLine: 4, endLine: 9 });
  });
});
