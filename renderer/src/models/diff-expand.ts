/**
 * Whether the review diff offers "more lines below" a file's last hunk (pure, unit-tested).
 *
 * Once the old side's length is known (read for more context), exactly: the last hunk ends before
 * it. Before that, from the patch itself: git ends a hunk with up to `context` unchanged lines after
 * its last change (the core asks for DIFF_CONTEXT_LINES), so a last hunk with fewer reached the end
 * of the file: there is nothing below it to offer.
 */
export interface LastHunk {
  oldStart: number;
  oldLines: number;
  changes: readonly { type: 'normal' | 'insert' | 'delete' }[];
}

export function offersMoreBelow(last: LastHunk, sourceLines: number | null, context: number): boolean {
  if (sourceLines !== null) return last.oldStart + last.oldLines <= sourceLines;
  let trailing = 0;
  for (let i = last.changes.length - 1; i >= 0 && last.changes[i]!.type === 'normal'; i--) trailing++;
  return trailing >= context;
}
