import type { ReviewCommentView, ReviewStatus } from '../../../shared/review';

/** The Review tab's wording and grouping (pure, unit-tested). */

export const lineSpan = (c: { startLine: number; endLine: number }): string => (c.startLine === c.endLine ? `${c.startLine}` : `${c.startLine}-${c.endLine}`);

/** `path:lines` as the comment was written. */
export const where = (c: Pick<ReviewCommentView, 'path' | 'startLine' | 'endLine'>): string => `${c.path}:${lineSpan(c)}`;

export interface Mark {
  id: 'pending' | 'sent' | 'old' | 'outdated' | 'moved' | 'addressed' | 'resolved' | 'open';
  label: string;
}

/** What a comment's marks say: pending or sent, on the base, outdated or moved, addressed or open. */
export function commentMarks(c: ReviewCommentView): Mark[] {
  const marks: Mark[] = [c.state === 'pending' ? { id: 'pending', label: 'pending' } : { id: 'sent', label: `sent (round ${c.round})` }];
  if (c.side === 'old') marks.push({ id: 'old', label: 'base version' });
  if (c.outdated) marks.push({ id: 'outdated', label: 'outdated' });
  else if (c.now && (c.now.startLine !== c.startLine || c.now.endLine !== c.endLine)) marks.push({ id: 'moved', label: `now at ${lineSpan(c.now)}` });
  if (c.outcome === 'addressed') marks.push(c.addressedBy === 'resolved' ? { id: 'resolved', label: 'resolved' } : { id: 'addressed', label: 'addressed' });
  if (c.outcome === 'open') marks.push({ id: 'open', label: 'open' });
  return marks;
}

/** Pending first (what the next request sends), then the sent ones: open before addressed, newest round first. */
export function commentGroups(comments: readonly ReviewCommentView[]): { pending: ReviewCommentView[]; open: ReviewCommentView[]; addressed: ReviewCommentView[] } {
  const sent = comments.filter((c) => c.state === 'sent').sort((a, b) => (b.round ?? 0) - (a.round ?? 0));
  return {
    pending: comments.filter((c) => c.state === 'pending'),
    open: sent.filter((c) => c.outcome !== 'addressed'),
    addressed: sent.filter((c) => c.outcome === 'addressed'),
  };
}

/** The chip's words; null where there is nothing to say (never reviewed). */
export function reviewChipLabel(status: ReviewStatus | undefined): string | null {
  switch (status) {
    case 'changes-requested':
      return 'changes requested';
    case 'ready-for-re-review':
      return 'ready for re-review';
    case 'approved':
      return 'approved';
    default:
      return null;
  }
}

/** Lines `start..end` as a person types them ("12" or "12-20"); null when they are not. */
export function parseLines(text: string): { startLine: number; endLine: number } | null {
  const match = /^\s*(\d+)\s*(?:[-–]\s*(\d+))?\s*$/.exec(text);
  if (!match) return null;
  const startLine = Number(match[1]);
  const endLine = match[2] === undefined ? startLine : Number(match[2]);
  return startLine >= 1 && endLine >= startLine ? { startLine, endLine } : null;
}

/** Where a comment shows in the diff: under the last of its lines, where its code is now (or was, when outdated; base-side comments on their base lines). */
export function commentAnchor(c: Pick<ReviewCommentView, 'side' | 'endLine' | 'now'>): number {
  return c.side === 'new' && c.now !== null ? c.now.endLine : c.endLine;
}
