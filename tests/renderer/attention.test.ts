/**
 * renderer/src/models/attention.ts: the attention-first order of sessions (issue 14, item 1).
 */
import { describe, expect, it } from 'vitest';
import type { SessionCard } from '../../shared/contract';
import type { QueueEntry } from '../../shared/merge';
import type { ContextStatus } from '../../shared/models';
import { attentionOf, byAttention, needingYou } from '../../renderer/src/models/attention';
import { queueEntry } from '../helpers/queue-entry';

const card = (id: string, status: ContextStatus, updatedAt = '2026-12-06T10:00:00.000Z'): SessionCard => ({
  session: { id, task: `task ${id}`, agent: null, branch: `council/t-${id}`, worktreePath: `/w/${id}`, baseBranch: 'main', baseCommit: 'a'.repeat(40), createdAt: '2026-12-06T09:00:00.000Z', state: 'ready' },
  context: { sessionId: id, agent: null, task: `task ${id}`, status, currentFile: null, progress: null, message: null, blockedReason: null, blockedOn: null, updatedAt, history: [], clashes: [], filesLocked: [], stale: false },
});
const entry = (sessionId: string, state: QueueEntry['state'], enqueuedAt = '2026-12-06T11:00:00.000Z'): QueueEntry => queueEntry(sessionId, state, { enqueuedAt });

describe('attention first', () => {
  it('puts what needs the person first: input, parked, review, failed; then working; then idle; merged last', () => {
    const cards = [card('aa01', 'idle'), card('aa02', 'working'), card('aa03', 'failed'), card('aa04', 'done'), card('aa05', 'idle'), card('aa06', 'needs-input'), card('aa07', 'blocked'), card('aa08', 'done')];
    const entries = [entry('aa05', 'parked'), entry('aa08', 'merged')];
    const sections = byAttention(cards, entries);
    expect(sections.map((s) => [s.group, s.cards.map((c) => c.session.id)])).toEqual([
      ['needs-input', ['aa06']],
      ['parked', ['aa05']],
      ['review', ['aa04']],
      ['failed', ['aa03']],
      ['working', ['aa02', 'aa07']],
      ['rest', ['aa01']],
      ['archived', ['aa08']],
    ]);
    expect(needingYou(sections)).toBe(4);
  });

  it('judges a session by its newest queue entry; one still in the queue counts as working', () => {
    const c = card('bb01', 'idle');
    expect(attentionOf(c, undefined)).toBe('rest');
    expect(attentionOf(c, entry('bb01', 'queued'))).toBe('working');
    const older = entry('bb01', 'merged', '2026-12-06T08:00:00.000Z');
    const newer = entry('bb01', 'parked', '2026-12-06T12:00:00.000Z');
    expect(byAttention([c], [newer, older])[1]).toMatchObject({ group: 'parked', cards: [c] });
    expect(byAttention([c], [older, newer])[1]).toMatchObject({ group: 'parked', cards: [c] });
  });

  it('orders the longest-waiting first where the person is awaited, the most recent first elsewhere; ties by id', () => {
    const early = '2026-12-06T08:00:00.000Z';
    const late = '2026-12-06T12:00:00.000Z';
    const sections = byAttention([card('cc03', 'needs-input', late), card('cc02', 'needs-input', early), card('cc01', 'needs-input', late), card('cc05', 'working', early), card('cc04', 'working', late)], []);
    expect(sections[0]?.cards.map((c) => c.session.id)).toEqual(['cc02', 'cc01', 'cc03']);
    expect(sections[4]?.cards.map((c) => c.session.id)).toEqual(['cc04', 'cc05']);
  });

  it('a session merged outside the queue (the radar says the base has it) is archived like one the queue merged, whatever its status', () => {
    const merged = new Map([
      ['dd01', 'main'],
      ['dd02', 'main'],
      ['dd03', 'release'],
    ]);
    expect(attentionOf(card('dd01', 'done'), undefined, undefined, merged)).toBe('archived');
    expect(attentionOf(card('dd02', 'idle'), entry('dd02', 'parked'), undefined, merged)).toBe('archived');
    // Merged into another branch than its own base: not merged for it.
    expect(attentionOf(card('dd03', 'done'), undefined, undefined, merged)).toBe('review');
    // Not in the radar's merged sessions (a fresh one, one with new commits): where its status says.
    expect(attentionOf(card('dd04', 'idle'), undefined, undefined, merged)).toBe('rest');
    expect(attentionOf(card('dd01', 'done'), undefined)).toBe('review');
    // Merged wins over a review's state, as a queue merge does.
    expect(attentionOf(card('dd01', 'done'), undefined, 'ready-for-re-review', merged)).toBe('archived');
    const sections = byAttention([card('dd01', 'done'), card('dd04', 'working')], [], undefined, merged);
    expect(sections.filter((s) => s.cards.length > 0).map((s) => [s.group, s.cards.map((c) => c.session.id)])).toEqual([
      ['working', ['dd04']],
      ['archived', ['dd01']],
    ]);
  });
});
