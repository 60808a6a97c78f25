/**
 * A long message (a review request quoting code, a pasted log) shown folded in the feed and a
 * session's conversation, so one message does not push every other out of view: its first lines,
 * cut at a line end where possible, and how much is hidden. Short messages are shown whole.
 */
export interface MessagePreview {
  /** The beginning shown while folded. */
  head: string;
  /** Lines not shown (counting a cut line as hidden). */
  hiddenLines: number;
}

export const PREVIEW_LINES = 8;
export const PREVIEW_CHARS = 600;

/** null: show the whole message. A message is folded only when that hides at least 3 lines or 200 characters. */
export function messagePreview(text: string, maxLines = PREVIEW_LINES, maxChars = PREVIEW_CHARS): MessagePreview | null {
  const lines = text.split('\n');
  let head = lines.slice(0, maxLines).join('\n');
  if (head.length > maxChars) {
    const cut = head.lastIndexOf('\n', maxChars);
    head = cut > maxChars / 2 ? head.slice(0, cut) : `${head.slice(0, maxChars).trimEnd()}…`;
  }
  if (head === text) return null;
  const shownLines = head.split('\n').length - (head.endsWith('…') ? 1 : 0);
  const hiddenLines = lines.length - shownLines;
  const hiddenChars = text.length - head.length;
  if (hiddenLines < 3 && hiddenChars < 200) return null;
  return { head, hiddenLines };
}
