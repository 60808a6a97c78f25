/**
 * Arrow keys on the board's grid: left/right step through the cards in reading order, up/down
 * move a row (by the number of columns the grid currently shows), Home/End jump to the ends.
 * Returns the index to focus, or null when the key does not move (or is not ours).
 */
export function nextCardIndex(index: number, key: string, columns: number, count: number): number | null {
  if (count === 0) return null;
  const cols = Math.max(1, columns);
  let next: number;
  switch (key) {
    case 'ArrowLeft':
      next = index - 1;
      break;
    case 'ArrowRight':
      next = index + 1;
      break;
    case 'ArrowUp':
      next = index - cols;
      break;
    case 'ArrowDown':
      next = index + cols;
      // On a last, shorter row, Down from above its end lands on the last card.
      if (next >= count && Math.floor(index / cols) < Math.floor((count - 1) / cols)) next = count - 1;
      break;
    case 'Home':
      next = 0;
      break;
    case 'End':
      next = count - 1;
      break;
    default:
      return null;
  }
  if (next < 0 || next >= count || next === index) return null;
  return next;
}

/** How many cards share the first row: the grid's column count as laid out. */
export function columnsOf(tops: readonly number[]): number {
  if (tops.length === 0) return 1;
  const first = tops[0];
  let columns = 0;
  for (const top of tops) {
    if (top !== first) break;
    columns += 1;
  }
  return Math.max(1, columns);
}
