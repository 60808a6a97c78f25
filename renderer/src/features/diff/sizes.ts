/**
 * Rows per table: a chunk is tokenized in one task and rendered in another (a transition), so its
 * size bounds both (60 rows took up to ~25 ms to tokenize on the bench when tokenize still started
 * at line 1; 40 keep each piece well under a frame on a loaded machine).
 */
export const CHUNK_ROWS = 40;
/** A diff row's height (px), for placeholders sized before their rows are rendered. */
export const ROW_PX = 19;
