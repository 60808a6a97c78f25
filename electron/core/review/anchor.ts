/**
 * Where a comment's code is now (pure). A comment quotes the lines it is about, as they were; it
 * stays anchored while those exact lines are still there:
 *
 *   - at its own lines (startLine..endLine hold the quote, byte for byte but for a line's CR) → there;
 *   - else, when the quoted block is found exactly once elsewhere in the file → re-anchored there
 *     (code moved by an edit above it);
 *   - else → outdated: shown with its quote, never dropped. A block found twice or more is not
 *     guessed at: it is outdated too.
 *
 * A sent comment is `addressed` when the lines under it changed since the review snapshot: the
 * block it was anchored to in the snapshot (by the rule above, or its own lines when it was
 * already outdated then) is no longer in the file now, neither where it was nor exactly once
 * elsewhere. A file that is gone counts as changed.
 */

export interface Span {
  startLine: number;
  endLine: number;
}

/** A file's lines, without their line ends (a last line without one counts; a final newline adds none). */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Lines start..end (1-based, inclusive), or null when they are not all in the file. */
export function linesAt(lines: readonly string[], span: Span): string[] | null {
  if (span.startLine < 1 || span.endLine < span.startLine || span.endLine > lines.length) return null;
  return lines.slice(span.startLine - 1, span.endLine);
}

const same = (a: readonly string[] | null, b: readonly string[]): boolean => a !== null && a.length === b.length && a.every((line, i) => line === b[i]);

/** Every place the block starts (1-based). */
export function occurrences(lines: readonly string[], block: readonly string[]): number[] {
  if (block.length === 0) return [];
  const found: number[] = [];
  for (let i = 0; i + block.length <= lines.length; i++) {
    let match = true;
    for (let j = 0; j < block.length; j++) {
      if (lines[i + j] !== block[j]) {
        match = false;
        break;
      }
    }
    if (match) found.push(i + 1);
  }
  return found;
}

/** Where `block` (last seen at `span`) is in `lines` now; null when it is not there (outdated). */
export function locate(lines: readonly string[], block: readonly string[], span: Span): Span | null {
  if (same(linesAt(lines, span), block)) return { startLine: span.startLine, endLine: span.endLine };
  const found = occurrences(lines, block);
  if (found.length !== 1) return null;
  const start = found[0] as number;
  return { startLine: start, endLine: start + block.length - 1 };
}

/**
 * Whether a sent comment's lines changed between the review snapshot (`atReview`, the file's lines
 * then; null when the file was not there) and now (`now`; null when the file is gone).
 */
export function changedSinceReview(atReview: readonly string[] | null, now: readonly string[] | null, quote: readonly string[], span: Span): boolean {
  if (now === null) return true;
  if (atReview === null) return locate(now, quote, span) === null;
  const anchored = locate(atReview, quote, span);
  const block = anchored ? linesAt(atReview, anchored) : linesAt(atReview, span);
  if (block === null || block.length === 0) return locate(now, quote, span) === null;
  return locate(now, block, anchored ?? span) === null;
}
