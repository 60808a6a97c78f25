import type { SessionCard } from '../../../shared/contract';
import type { QueueEntry } from '../../../shared/merge';
import type { ReviewStatus } from '../../../shared/review';

/**
 * Attention first (issue 14, item 1): which sessions need the person, in the order a supervisor
 * acts on them. Pure, so the list and its tests share one rule:
 *
 *   needs input → parked in the merge queue → done, waiting for review → failed
 *   → working (and blocked on another session's file: it goes on by itself)
 *   → the rest (idle)
 *   → archived: merged, by the queue or outside it (`git merge` in the main checkout: the radar
 *     sees the base has the session's tip) — out of the way, one click to see
 *
 * A code review moves a session (issue 14, item 4): ready for re-review (the agent is done with the
 * changes asked for) joins "ready for review"; changes requested is the agent's turn (working);
 * approved is decided (idle, unless the queue has it).
 *
 * Within a group the sessions that have waited longest come first where they wait for the person,
 * the most recently active first elsewhere; ties by id, so the order never flickers.
 */

export type AttentionGroup = 'needs-input' | 'parked' | 'review' | 'failed' | 'working' | 'rest' | 'archived';

export const ATTENTION_GROUPS: readonly { id: AttentionGroup; label: string; needsYou: boolean }[] = [
  { id: 'needs-input', label: 'Needs input', needsYou: true },
  { id: 'parked', label: 'Parked in the queue', needsYou: true },
  { id: 'review', label: 'Ready for review', needsYou: true },
  { id: 'failed', label: 'Failed', needsYou: true },
  { id: 'working', label: 'Working', needsYou: false },
  { id: 'rest', label: 'Idle', needsYou: false },
  { id: 'archived', label: 'Merged', needsYou: false },
];

/** The newest queue entry of each session (an older, finished one says nothing about now). */
export function latestEntries(entries: readonly QueueEntry[]): Map<string, QueueEntry> {
  const latest = new Map<string, QueueEntry>();
  for (const entry of entries) {
    const known = latest.get(entry.sessionId);
    if (known === undefined || known.enqueuedAt <= entry.enqueuedAt) latest.set(entry.sessionId, entry);
  }
  return latest;
}

/** Sessions the base already has entirely, by id, with the base branch that has them (the radar's
 * `merged`: commits of its own, none uncommitted, its tip in the base; radar-store's `mergedInto`). */
export type MergedInto = ReadonlyMap<string, string>;
const NONE_MERGED: MergedInto = new Map();

/** Where one session belongs, given its newest queue entry, its review's status, and the sessions merged outside the queue. */
export function attentionOf(card: SessionCard, entry: QueueEntry | undefined, review?: ReviewStatus, mergedInto: MergedInto = NONE_MERGED): AttentionGroup {
  if (entry?.state === 'merged' || mergedInto.get(card.session.id) === (card.session.baseBranch ?? null)) return 'archived';
  if (card.context.status === 'needs-input') return 'needs-input';
  if (entry?.state === 'parked') return 'parked';
  if (review === 'ready-for-re-review') return 'review';
  if (review === 'changes-requested' && card.context.status !== 'failed') return 'working';
  if (review === 'approved' && card.context.status === 'done') return entry !== undefined ? 'working' : 'rest';
  if (card.context.status === 'done') return 'review';
  if (card.context.status === 'failed') return 'failed';
  if (card.context.status === 'working' || card.context.status === 'blocked' || entry !== undefined) return 'working';
  return 'rest';
}

export interface AttentionSection {
  group: AttentionGroup;
  label: string;
  needsYou: boolean;
  cards: SessionCard[];
}

/** Every group in order, with its sessions in order (empty groups included: counts of 0 show). */
export function byAttention(
  cards: readonly SessionCard[],
  entries: readonly QueueEntry[],
  reviews?: ReadonlyMap<string, ReviewStatus>,
  mergedInto: MergedInto = NONE_MERGED,
): AttentionSection[] {
  const latest = latestEntries(entries);
  const sections = ATTENTION_GROUPS.map((g) => ({ group: g.id, label: g.label, needsYou: g.needsYou, cards: [] as SessionCard[] }));
  const index = new Map(sections.map((s) => [s.group, s]));
  for (const card of cards) index.get(attentionOf(card, latest.get(card.session.id), reviews?.get(card.session.id), mergedInto))?.cards.push(card);
  for (const section of sections) {
    const oldestFirst = section.needsYou ? 1 : -1;
    section.cards.sort((a, b) =>
      a.context.updatedAt === b.context.updatedAt
        ? a.session.id < b.session.id
          ? -1
          : 1
        : (a.context.updatedAt < b.context.updatedAt ? -1 : 1) * oldestFirst,
    );
  }
  return sections;
}

/** How many sessions need the person now (the groups that say so). */
export const needingYou = (sections: readonly AttentionSection[]): number => sections.reduce((n, s) => n + (s.needsYou ? s.cards.length : 0), 0);
