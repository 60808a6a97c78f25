/**
 * How tall a file's hunks and a chunk of them render, worked out before they render (sizes.ts): a
 * file waits as tall as it will be, so rendering it, or a jump into it, does not move the page
 * (tests/e2e/diff-scroll checks the figures against Chromium's own layout).
 */
import { parseDiff } from 'react-diff-view';
import { describe, expect, it } from 'vitest';
import { chunkHunks, overlaps, spanOf, type Chunk } from '../../renderer/src/features/diff/hunk-chunks';
import { chunkLayout, HUNK_HEADER_PX, patchHeightPx, ROW_PX } from '../../renderer/src/features/diff/sizes';

/** Two hunks: one of 3 context lines around 2 removed and 3 added lines, one of 1 removed line between 2 context lines. */
const PATCH = [
  'diff --git a/x.ts b/x.ts',
  'index 1111111..2222222 100644',
  '--- a/x.ts',
  '+++ b/x.ts',
  '@@ -1,5 +1,6 @@',
  ' one',
  '-two',
  '-three',
  '+TWO',
  '+THREE',
  '+three and a half',
  ' four',
  ' five',
  '@@ -20,3 +21,2 @@ function later() {',
  ' twenty',
  '-twenty-one',
  ' twenty-two',
  '\\ No newline at end of file',
  '',
].join('\n');

describe('a file’s height before it renders', () => {
  it('unified: a row for each line and a header for each hunk; file headers and "no newline" notes are no rows', () => {
    expect(patchHeightPx(PATCH, 'unified')).toBe(11 * ROW_PX + 2 * HUNK_HEADER_PX);
  });

  it('split: a run of removed lines beside the added lines after it (the longer of the two)', () => {
    // one, two|TWO, three|THREE, -|three and a half, four, five; twenty, twenty-one|-, twenty-two
    expect(patchHeightPx(PATCH, 'split')).toBe(9 * ROW_PX + 2 * HUNK_HEADER_PX);
  });

  it('a long line counts the rows it wraps to (tabs as 8 characters); split, the taller of two lines side by side', () => {
    const patch = ['@@ -1,2 +1,2 @@', ` ${'c'.repeat(25)}`, `-${'r'.repeat(9)}`, `+\t${'a'.repeat(12)}`, ''].join('\n');
    // 10 characters a row: the context line 3 rows, the removed 1, the added (8 + 12) 2.
    expect(patchHeightPx(patch, 'unified', 10)).toBe(6 * ROW_PX + HUNK_HEADER_PX);
    expect(patchHeightPx(patch, 'split', 10)).toBe(5 * ROW_PX + HUNK_HEADER_PX);
    const hunks = parseDiff(`--- a/x\n+++ b/x\n${patch}`)[0]!.hunks;
    expect(chunkLayout(chunkHunks(hunks, 40)[0]!, 'unified', 10).heightPx).toBe(6 * ROW_PX + HUNK_HEADER_PX);
    expect(chunkLayout(chunkHunks(hunks, 40)[0]!, 'split', 10).heightPx).toBe(5 * ROW_PX + HUNK_HEADER_PX);
  });

  it('a patch with no hunks (a rename, a mode change) has no rows', () => {
    expect(patchHeightPx('diff --git a/a b/b\nsimilarity index 100%\nrename from a\nrename to b\n', 'unified')).toBe(0);
  });

  it('a file cut in chunks is as tall, chunk by chunk, as the whole, in either view; each hunk header where it falls', () => {
    const hunks = parseDiff(PATCH)[0]!.hunks;
    for (const rows of [2, 3, 4, 5]) {
      const sum = (mode: 'unified' | 'split') => chunkHunks(hunks, rows, mode).reduce((px, c) => px + chunkLayout(c, mode).heightPx, 0);
      expect(chunkHunks(hunks, rows).length).toBeGreaterThan(2);
      expect(sum('unified')).toBeCloseTo(patchHeightPx(PATCH, 'unified'), 6);
      // Split, cut from the split view's own order (the build before cut a removed run from the added
      // lines beside it, which then no longer sat beside them: a row more).
      expect(sum('split'), `${rows} rows a chunk`).toBeCloseTo(patchHeightPx(PATCH, 'split'), 6);
    }
    const chunks = chunkHunks(hunks, 4);
    const headers = chunks.flatMap((c) => chunkLayout(c, 'unified').headers.map((h) => h.text));
    expect(headers).toEqual(['@@ -1,5 +1,6 @@', '@@ -20,3 +21,2 @@ function later() {']);
    // The first chunk opens with its hunk's header; the rows under it follow it.
    expect(chunkLayout(chunks[0]!, 'unified')).toEqual({ heightPx: HUNK_HEADER_PX + 4 * ROW_PX, headers: [{ topPx: 0, text: '@@ -1,5 +1,6 @@' }] });
  });

  it('a chunk ends before a block of removed and added lines that fits in one, not inside it; split, never between a removed line and the added one beside it', () => {
    const hunks = parseDiff(PATCH)[0]!.hunks;
    const lines = (c: Chunk) => c.parts.flatMap((p) => p.hunk.changes.map((ch) => `${ch.type === 'insert' ? '+' : ch.type === 'delete' ? '-' : ' '}${ch.content}`));
    // Unified, 5 rows a chunk (and the header): the header and "one", then the block (5 rows) whole in
    // the next (the build before cut it after "+THREE": the next chunk's word marks had no "two" or
    // "three" to mark "three and a half" against).
    const unified = chunkHunks(hunks, 5);
    expect(lines(unified[0]!)).toEqual([' one']);
    expect(lines(unified[1]!).slice(0, 5)).toEqual(['-two', '-three', '+TWO', '+THREE', '+three and a half']);
    // Split, 3 rows a chunk: the block is 3 rows side by side, whole in one chunk, in sideBySide's order.
    const split = chunkHunks(hunks, 3, 'split');
    expect(lines(split[0]!)).toEqual([' one']);
    expect(lines(split[1]!)).toEqual(['-two', '+TWO', '-three', '+THREE', '+three and a half']);
    // A block too long for a chunk is cut, split only between one row and the next.
    for (const rows of [1, 2, 4]) {
      const cut = chunkHunks(hunks, rows, 'split');
      for (let i = 1; i < cut.length; i++) {
        const end = lines(cut[i - 1]!).at(-1)!;
        const next = lines(cut[i]!)[0]!;
        expect(`${end} | ${next}`).not.toMatch(/^-.* \| \+/);
      }
    }
    // A chunk still holds at most its rows (and a header) where no block needs more.
    for (const c of chunkHunks(hunks, 5)) expect(c.rows).toBeLessThanOrEqual(6);
  });

  it('two cuts of the same lines overlap; chunks of different lines do not', () => {
    const hunks = parseDiff(PATCH)[0]!.hunks;
    const small = chunkHunks(hunks, 4);
    const large = chunkHunks(hunks, 40);
    expect(overlaps(spanOf(small[0]!), spanOf(large[0]!))).toBe(true);
    expect(overlaps(spanOf(small[0]!), spanOf(small[small.length - 1]!))).toBe(false);
  });
});
