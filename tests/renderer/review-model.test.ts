import { describe, expect, it } from 'vitest';
import type { SessionCard } from '../../shared/contract';
import type { ContextStatus } from '../../shared/models';
import type { ReviewCommentView, ReviewStatus } from '../../shared/review';
import { attentionOf, byAttention } from '../../renderer/src/models/attention';
import { commentGroups, commentMarks, parseLines, reviewChipLabel, where } from '../../renderer/src/models/review-model';
import { queueEntry } from '../helpers/queue-entry';

/** The Review tab's pure rules, and where a review puts a session in the attention list. */

const comment = (over: Partial<ReviewCommentView>): ReviewCommentView => ({
  id: 'c1',
  path: 'src/a.ts',
  side: 'new',
  startLine: 3,
  endLine: 4,
  body: 'b',
  createdAt: '2026-12-06T10:00:00.000Z',
  snapshot: 'a'.repeat(40),
  quote: ['x', 'y'],
  round: null,
  resolvedAt: null,
  state: 'pending',
  outdated: false,
  now: { startLine: 3, endLine: 4 },
  outcome: null,
  addressedBy: null,
  ...over,
});

describe('review model', () => {
  it('marks: pending/sent, base side, outdated or moved, addressed/resolved/open', () => {
    expect(where(comment({}))).toBe('src/a.ts:3-4');
    expect(where(comment({ endLine: 3 }))).toBe('src/a.ts:3');
    expect(commentMarks(comment({})).map((m) => m.label)).toEqual(['pending']);
    expect(commentMarks(comment({ now: { startLine: 5, endLine: 6 } })).map((m) => m.label)).toEqual(['pending', 'now at 5-6']);
    expect(commentMarks(comment({ state: 'sent', round: 2, side: 'old', outdated: true, now: null, outcome: 'addressed', addressedBy: 'changed' })).map((m) => m.label)).toEqual(['sent (round 2)', 'base version', 'outdated', 'addressed']);
    expect(commentMarks(comment({ state: 'sent', round: 1, outcome: 'addressed', addressedBy: 'resolved' })).map((m) => m.id)).toEqual(['sent', 'resolved']);
    expect(commentMarks(comment({ state: 'sent', round: 1, outcome: 'open' })).map((m) => m.id)).toEqual(['sent', 'open']);
  });
  it('groups pending, open and addressed, the newest round first', () => {
    const groups = commentGroups([
      comment({ id: 'c1', state: 'sent', round: 1, outcome: 'open' }),
      comment({ id: 'c2', state: 'sent', round: 2, outcome: 'open' }),
      comment({ id: 'c3' }),
      comment({ id: 'c4', state: 'sent', round: 1, outcome: 'addressed', addressedBy: 'changed' }),
    ]);
    expect([groups.pending, groups.open, groups.addressed].map((g) => g.map((c) => c.id))).toEqual([['c3'], ['c2', 'c1'], ['c4']]);
  });
  it('reads lines as people type them', () => {
    expect(parseLines('12')).toEqual({ startLine: 12, endLine: 12 });
    expect(parseLines(' 12 - 20 ')).toEqual({ startLine: 12, endLine: 20 });
    for (const bad of ['', '0', '20-12', 'a', '1-', '1,2']) expect(parseLines(bad), bad).toBeNull();
  });
  it('chip words', () => {
    expect([undefined, 'none', 'changes-requested', 'ready-for-re-review', 'approved'].map((s) => reviewChipLabel(s as ReviewStatus | undefined))).toEqual([null, null, 'changes requested', 'ready for re-review', 'approved']);
  });
});

const card = (id: string, status: ContextStatus): SessionCard => ({ session: { id }, context: { status, updatedAt: '2026-12-06T10:00:00.000Z' } }) as unknown as SessionCard;

describe('attention with reviews', () => {
  it('ready for re-review is "ready for review"; changes requested is the agent\'s turn; approved is decided', () => {
    expect(attentionOf(card('a', 'done'), undefined, 'ready-for-re-review')).toBe('review');
    expect(attentionOf(card('a', 'idle'), undefined, 'ready-for-re-review')).toBe('review');
    expect(attentionOf(card('a', 'done'), undefined, 'changes-requested')).toBe('working');
    expect(attentionOf(card('a', 'failed'), undefined, 'changes-requested')).toBe('failed');
    expect(attentionOf(card('a', 'needs-input'), undefined, 'ready-for-re-review')).toBe('needs-input');
    expect(attentionOf(card('a', 'done'), undefined, 'approved')).toBe('rest');
    expect(attentionOf(card('a', 'done'), queueEntry('a', 'queued'), 'approved')).toBe('working');
    expect(attentionOf(card('a', 'done'), undefined, 'none')).toBe('review');
    const sections = byAttention([card('a', 'idle'), card('b', 'done')], [], new Map([['a', 'ready-for-re-review' as const], ['b', 'changes-requested' as const]]));
    expect(sections.find((s) => s.group === 'review')?.cards.map((c) => c.session.id)).toEqual(['a']);
    expect(sections.find((s) => s.group === 'working')?.cards.map((c) => c.session.id)).toEqual(['b']);
  });
});

describe('startComment', () => {
  it('opens the session on its Review tab with the selection for the form to take', async () => {
    (globalThis as { window?: unknown }).window = { api: { invoke: async () => ({ ok: true, value: [] }), on: () => () => undefined } };
    const { startComment, commentDraft } = await import('../../renderer/src/app/stores/reviews-store');
    const { navigation } = await import('../../renderer/src/app/navigation');
    startComment({ sessionId: 'abc123', path: 'src/a.ts', side: 'old', startLine: 4, endLine: 9, text: 'why?' });
    expect(commentDraft.get()).toEqual({ sessionId: 'abc123', path: 'src/a.ts', side: 'old', startLine: 4, endLine: 9, text: 'why?' });
    expect(navigation.get()).toEqual({ view: 'session', sessionId: 'abc123', tab: 'review' });
  });
});
