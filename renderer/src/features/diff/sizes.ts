/** Rows per table: a chunk is rendered, and highlighted, in one task of its own (60: its tokens take ≤ ~25 ms on the bench, 120 took up to 53 ms). */
export const CHUNK_ROWS = 60;
/** A diff row's height (px), for placeholders sized before their rows are rendered. */
export const ROW_PX = 19;
