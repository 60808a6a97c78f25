/**
 * "↓ 20 more lines below" under a file's last hunk: offered only where the file goes on. From the
 * patch (git's -U3: fewer than 3 unchanged lines after the last change means the file ended there),
 * then, once the old side was read, from its length. Real git patches, parsed as the viewer does.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDiff } from 'react-diff-view';
import { describe, expect, it } from 'vitest';
import { DIFF_CONTEXT_LINES } from '../../shared/commands/diff';
import { offersMoreBelow } from '../../renderer/src/models/diff-expand';

/** git's own patch of before → after (git diff --no-index -U3), parsed. */
function lastHunkOf(before: string, after: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'diff-expand-'));
  writeFileSync(path.join(dir, 'a.txt'), before);
  writeFileSync(path.join(dir, 'b.txt'), after);
  let patch = '';
  try {
    execFileSync('git', ['diff', '--no-index', `-U${DIFF_CONTEXT_LINES}`, 'a.txt', 'b.txt'], { cwd: dir, encoding: 'utf8' });
  } catch (error) {
    patch = (error as { stdout: string }).stdout; // exit 1: they differ
  }
  const hunks = parseDiff(patch)[0]!.hunks;
  return hunks[hunks.length - 1]!;
}

const lines = (n: number, change?: number) => Array.from({ length: n }, (_, i) => (i + 1 === change ? `changed ${i + 1}` : `line ${i + 1}`)).join('\n') + '\n';

describe('more lines below the last hunk', () => {
  it('a short file whose hunk reaches its end offers none', () => {
    // 5 lines, the 4th changed: the hunk holds lines 1–5, one unchanged line after the change.
    expect(offersMoreBelow(lastHunkOf(lines(5), lines(5, 4)), null, DIFF_CONTEXT_LINES)).toBe(false);
    // The last line changed: no line after it.
    expect(offersMoreBelow(lastHunkOf(lines(9), lines(9, 9)), null, DIFF_CONTEXT_LINES)).toBe(false);
    // Lines added at the end.
    expect(offersMoreBelow(lastHunkOf(lines(4), `${lines(4)}more\n`), null, DIFF_CONTEXT_LINES)).toBe(false);
    // Exactly 3 lines after the change, the file's last: git cannot tell it apart from a longer file (offered; reading the side settles it).
    const atThree = lastHunkOf(lines(7), lines(7, 4));
    expect(offersMoreBelow(atThree, null, DIFF_CONTEXT_LINES)).toBe(true);
    expect(offersMoreBelow(atThree, 7, DIFF_CONTEXT_LINES)).toBe(false);
  });

  it('a file that goes on past its last hunk offers more, until the read side says it ends there', () => {
    const last = lastHunkOf(lines(40), lines(40, 10));
    expect(last.oldStart + last.oldLines).toBe(14);
    expect(offersMoreBelow(last, null, DIFF_CONTEXT_LINES)).toBe(true);
    expect(offersMoreBelow(last, 40, DIFF_CONTEXT_LINES)).toBe(true);
    expect(offersMoreBelow(last, 13, DIFF_CONTEXT_LINES)).toBe(false);
  });
});
