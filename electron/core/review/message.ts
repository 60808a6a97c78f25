import type { ReviewSide } from '../../../shared/review';

/** Quoted lines per comment in the message; the rest is counted, not sent. */
export const MESSAGE_QUOTE_LINES = 30;

export interface MessageComment {
  path: string;
  side: ReviewSide;
  /** The lines the comment is on, where its code is now (re-anchored), else where it was written. */
  startLine: number;
  endLine: number;
  quote: readonly string[];
  body: string;
  /** The quoted code is no longer at those lines (changed since the comment was written). */
  outdated: boolean;
}

const where = (c: MessageComment): string => `${c.path}:${c.startLine === c.endLine ? c.startLine : `${c.startLine}-${c.endLine}`}`;

function sideNote(c: MessageComment): string {
  const notes: string[] = [];
  if (c.side === 'old') notes.push('the base version, before your changes');
  if (c.outdated) notes.push('these lines have changed since the comment was written');
  return notes.length ? ` (${notes.join('; ')})` : '';
}

function quoted(c: MessageComment, limit: number): string[] {
  const shown = c.quote.slice(0, limit);
  const width = String(c.startLine + shown.length - 1).length;
  const lines = shown.map((text, i) => `    ${String(c.startLine + i).padStart(width)} | ${text}`);
  if (c.quote.length > shown.length) lines.push(`    … ${c.quote.length - shown.length} more lines`);
  return lines;
}

/**
 * The one "request changes" message a session's agent is sent (plain text a model reads easily):
 * a heading, the summary, then each comment numbered with its file and lines, the code it is about
 * (numbered lines, as they were when the comment was written), and the comment itself.
 */
export function requestChangesMessage(comments: readonly MessageComment[], summary: string | null, quoteLines = MESSAGE_QUOTE_LINES): string {
  const count = comments.length === 1 ? '1 comment' : `${comments.length} comments`;
  const out: string[] = [`Code review: changes requested${comments.length ? ` (${count})` : ''}.`];
  const text = summary?.trim();
  if (text) out.push('', 'Summary from the reviewer:', text);
  if (comments.length) {
    out.push('', 'Please address each comment below. Line numbers are those of the files in your worktree.');
    comments.forEach((c, i) => {
      out.push('', `[${i + 1}] ${where(c)}${sideNote(c)}`, 'Code:', ...quoted(c, quoteLines), 'Comment:', ...c.body.trim().split(/\r?\n/).map((l) => `    ${l}`));
    });
  }
  out.push('', 'When you are done, stop and say briefly what you changed for each comment.');
  return out.join('\n');
}

/**
 * The message within `max` characters (a follow-up's limit): the quotes are cut shorter (30, 10, 3,
 * 1 lines each) until it fits; null when even one quoted line each is too long (too many comments,
 * or too long a summary, for one message).
 */
export function fittedMessage(comments: readonly MessageComment[], summary: string | null, max: number): string | null {
  for (const lines of [MESSAGE_QUOTE_LINES, 10, 3, 1]) {
    const text = requestChangesMessage(comments, summary, lines);
    if (text.length <= max) return text;
  }
  return null;
}
