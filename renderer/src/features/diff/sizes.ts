import type { ChangeData } from 'react-diff-view';
import type { DiffMode } from './diff-mode-store';
import type { Chunk } from './hunk-chunks';
import { columnsOf } from './wrap-columns-store';

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

/** A tab's width in characters (the browser's default tab-size). */
const TAB = 8;

/** The rows a line of `length` characters (`tabs` of them tabs) takes in a cell of `cols` characters. */
const rowsOfLine = (length: number, tabs: number, cols: number) => Math.max(1, Math.ceil((length + tabs * (TAB - 1)) / cols));

/**
 * Counts the rows lines take: unified, each line its rows; split, the n-th removed line of a run
 * beside the n-th added line after it (sideBySide in hunk-chunks.ts), the taller of the two.
 */
class RowCounter {
  rows = 0;
  private removed: number[] = [];
  private added: number[] = [];
  constructor(
    private readonly mode: DiffMode,
    private readonly cols: number,
  ) {}
  line(kind: Kind, length: number, tabs: number): void {
    const rows = rowsOfLine(length, tabs, this.cols);
    if (this.mode === 'unified') {
      this.rows += rows;
      return;
    }
    if (kind === '-') {
      if (this.added.length > 0) this.flush();
      this.removed.push(rows);
    } else if (kind === '+') {
      this.added.push(rows);
    } else {
      this.flush();
      this.rows += rows;
    }
  }
  flush(): number {
    for (let n = 0; n < Math.max(this.removed.length, this.added.length); n++) this.rows += Math.max(this.removed[n] ?? 0, this.added[n] ?? 0);
    this.removed = [];
    this.added = [];
    return this.rows;
  }
}

/** The tabs in `text` from `from` to `to` (a loop over the line: indexOf looked past its end, to the patch's, for every line without a tab — 10 ms for a 5,000-line file). */
const tabsIn = (text: string, from: number, to: number): number => {
  let tabs = 0;
  for (let at = from; at < to; at++) if (text.charCodeAt(at) === 9) tabs++;
  return tabs;
};

/**
 * The height (px) of a file's hunks once rendered, read from its patch text (no parse): its lines'
 * rows (wrapped at `cols` characters) and its hunks' headers. A file not rendered yet waits as tall
 * as this, so rendering it, or a jump to it, does not move the page.
 */
export function patchHeightPx(patch: string, mode: DiffMode, cols = columnsOf(mode)): number {
  const rows = new RowCounter(mode, cols);
  let headers = 0;
  let inHunks = false;
  let at = 0;
  while (at < patch.length) {
    const found = patch.indexOf('\n', at);
    const end = found === -1 ? patch.length : found;
    const first = patch[at];
    if (first === '@' && patch.startsWith('@@', at)) {
      rows.flush();
      headers++;
      inHunks = true;
    } else if (inHunks && (first === ' ' || first === '+' || first === '-')) {
      rows.line(first, end - at - 1, tabsIn(patch, at, end));
    }
    at = end + 1;
  }
  return rows.flush() * ROW_PX + headers * HUNK_HEADER_PX;
}

const kindOf = (change: ChangeData): Kind => (change.type === 'insert' ? '+' : change.type === 'delete' ? '-' : ' ');

/**
 * One chunk of a file's hunks once rendered: its height (px), and where in it each of git's hunk
 * headers is (a chunk not rendered yet waits as tall, its headers in their places).
 */
export function chunkLayout(chunk: Chunk, mode: DiffMode, cols = columnsOf(mode)): { heightPx: number; headers: { topPx: number; text: string }[] } {
  let px = 0;
  const headers: { topPx: number; text: string }[] = [];
  for (const part of chunk.parts) {
    if (part.header !== null) {
      headers.push({ topPx: px, text: part.header });
      px += HUNK_HEADER_PX;
    }
    const rows = new RowCounter(mode, cols);
    for (const change of part.hunk.changes) rows.line(kindOf(change), change.content.length, tabsIn(change.content, 0, change.content.length));
    px += rows.flush() * ROW_PX;
  }
  return { heightPx: px, headers };
}
