import type { SessionCard } from '../../../shared/contract';
import { CONTEXT_STATUSES, type ContextStatus } from '../../../shared/models';

/** The board's list logic, pure: order, counts per status, lookup. */
export type StatusFilter = ContextStatus | 'all';

/** Newest first; ties (sessions created together with --count) by id, so the order is stable. */
export function sortCards(cards: readonly SessionCard[]): SessionCard[] {
  return [...cards].sort((a, b) =>
    a.session.createdAt === b.session.createdAt
      ? a.session.id < b.session.id ? -1 : 1
      : a.session.createdAt < b.session.createdAt ? 1 : -1,
  );
}

export function countByStatus(cards: readonly SessionCard[]): Record<StatusFilter, number> {
  const counts = { all: cards.length } as Record<StatusFilter, number>;
  for (const status of CONTEXT_STATUSES) counts[status] = 0;
  for (const card of cards) counts[card.context.status] += 1;
  return counts;
}

export function findCard(cards: readonly SessionCard[], id: string): SessionCard | undefined {
  return cards.find((card) => card.session.id === id);
}
