import type { ChangeData } from 'react-diff-view';
import type { DiffMode } from './diff-mode-store';
import type { Chunk } from './hunk-chunks';

/**
 * Rows per table: a chunk is tokenized in one task and rendered in another (a transition), so its
 * size bounds both (60 rows took up to ~25 ms to tokenize on the bench when tokenize still started
 * at line 1; 40 keep each piece well under a frame on a loaded machine).
 */
export const CHUNK_ROWS = 40;
/**
 * A diff row's height (px), for placeholders sized before their rows are rendered: the table's
 * 12.5 px font at a line height of 1.5 (measured in Chromium: 18.75; tests/e2e/diff-scroll checks
 * that files and chunks are as tall before and after they render).
 */
export const ROW_PX = 18.75;
/** A hunk's header row (git's `@@` line, its actions and "more context" links), measured in Chromium. */
export const HUNK_HEADER_PX = 21.4375;

/** A line of a hunk: context, added or removed. */
type Kind = ' ' | '+' | '-';

/**
 * Counts the rows lines take, line by line: unified, one each; split, a run of removed lines beside
 * the added lines right after it (the longer of the two), context one each.
 */
class RowCounter {
  rows = 0;
  private removed = 0;
  private added = 0;
  constructor(private readonly mode: DiffMode) {}
  line(kind: Kind): void {
    if (this.mode === 'unified') {
      this.rows++;
      return;
    }
    if (kind === '-') {
      if (this.added > 0) this.flush();
      this.removed++;
    } else if (kind === '+') {
      this.added++;
    } else {
      this.flush();
      this.rows++;
    }
  }
  flush(): number {
    this.rows += Math.max(this.removed, this.added);
    this.removed = 0;
    this.added = 0;
    return this.rows;
  }
}

/**
 * The height (px) of a file's hunks once rendered, read from its patch text (no parse): its lines'
 * rows and its hunks' headers. A file not rendered yet waits as tall as this, so rendering it, or a
 * jump to it, does not move the page.
 */
export function patchHeightPx(patch: string, mode: DiffMode): number {
  const rows = new RowCounter(mode);
  let headers = 0;
  let inHunks = false;
  let at = 0;
  while (at < patch.length) {
    const end = patch.indexOf('\n', at);
    const first = patch[at];
    if (first === '@' && patch.startsWith('@@', at)) {
      rows.flush();
      headers++;
      inHunks = true;
    } else if (inHunks && (first === ' ' || first === '+' || first === '-')) {
      rows.line(first);
    }
    if (end === -1) break;
    at = end + 1;
  }
  return rows.flush() * ROW_PX + headers * HUNK_HEADER_PX;
}

const kindOf = (change: ChangeData): Kind => (change.type === 'insert' ? '+' : change.type === 'delete' ? '-' : ' ');

/**
 * One chunk of a file's hunks once rendered: its height (px), and where in it each of git's hunk
 * headers is (a chunk not rendered yet waits as tall, its headers in their places).
 */
export function chunkLayout(chunk: Chunk, mode: DiffMode): { heightPx: number; headers: { topPx: number; text: string }[] } {
  let px = 0;
  const headers: { topPx: number; text: string }[] = [];
  for (const part of chunk.parts) {
    if (part.header !== null) {
      headers.push({ topPx: px, text: part.header });
      px += HUNK_HEADER_PX;
    }
    const rows = new RowCounter(mode);
    for (const change of part.hunk.changes) rows.line(kindOf(change));
    px += rows.flush() * ROW_PX;
  }
  return { heightPx: px, headers };
}
