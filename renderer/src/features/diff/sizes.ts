/**
 * Rows per table: a chunk is tokenized in one task and rendered in another (a transition), so its
 * size bounds both (60 rows took up to ~25 ms to tokenize on the bench when tokenize still started
 * at line 1; 40 keep each piece well under a frame on a loaded machine).
 */
export const CHUNK_ROWS = 40;
/** A diff row's height (px), for placeholders sized before their rows are rendered. */
export const ROW_PX = 19;
/**
 * The rows kept in place, below a long file's rendered chunks, for the ones not rendered yet (its
 * "more below" note, as tall as they are up to this): the page does not grow by a 5,000-line file
 * before anyone reads that far.
 */
export const MORE_ROWS_MAX = 2000;

/**
 * The rows a file's body first takes on the page: its first chunk, then the placeholder for the
 * rest (MORE_ROWS_MAX at most). A section not rendered yet is this tall, so rendering it does not
 * move the page: a 5,000-line file's placeholder was 4,000 rows and it rendered as 2,040, and a
 * jump into it ended 17,000 px further up than where it was aimed.
 */
export function firstRows(rows: number): number {
  return rows <= CHUNK_ROWS ? rows : CHUNK_ROWS + Math.min(MORE_ROWS_MAX, rows - CHUNK_ROWS);
}
