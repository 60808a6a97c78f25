import { ALL_SESSIONS, SUPERVISOR, type CouncilMessage, type MessageDelivery } from '../../../shared/council';

/**
 * The message log as the app shows it (issue 15, item 4): a session's conversation (what it sent
 * and got, messages to all included), the unread messages to the person supervising (per session
 * and in all), and each message's delivery in words. Pure: the store holds the log.
 */

/** What one session sent or got: to or from it, and messages to all that it did not send. */
export function conversationOf(messages: readonly CouncilMessage[], sessionId: string): CouncilMessage[] {
  return messages.filter((m) => m.from === sessionId || m.to === sessionId || (m.to === ALL_SESSIONS && m.from !== sessionId));
}

export const isUnread = (m: CouncilMessage): boolean => m.to === SUPERVISOR && m.readAt === undefined;

/** Unread messages to the supervisor, per sending session. */
export function unreadBySession(messages: readonly CouncilMessage[]): ReadonlyMap<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) if (isUnread(m)) counts.set(m.from, (counts.get(m.from) ?? 0) + 1);
  return counts;
}

/** Unread messages to the supervisor from one session (a card's badge: no map per card). */
export function unreadFrom(messages: readonly CouncilMessage[], sessionId: string): number {
  let count = 0;
  for (const m of messages) if (m.from === sessionId && isUnread(m)) count += 1;
  return count;
}

export function unreadTotal(messages: readonly CouncilMessage[]): number {
  let count = 0;
  for (const m of messages) if (isUnread(m)) count += 1;
  return count;
}

/** Who a side of a message is, in words: "you" for the supervisor, "all sessions", or the session's task. */
export function party(who: string, tasks: ReadonlyMap<string, string>): string {
  if (who === SUPERVISOR) return 'you';
  if (who === ALL_SESSIONS) return 'all sessions';
  if (who === 'cli') return 'the CLI';
  return tasks.get(who) ?? `session ${who}`;
}

export type DeliveryTone = 'ok' | 'waiting' | 'failed';

/** One delivery in a few words, and how it went. */
export function deliveryLabel(d: MessageDelivery): { text: string; tone: DeliveryTone } {
  switch (d.delivered) {
    case 'terminal':
      return { text: 'typed into its terminal', tone: 'ok' };
    case 'resumed':
      return { text: 'resumed its agent', tone: 'ok' };
    case 'started':
      return { text: 'started its agent', tone: 'ok' };
    case 'read':
      return { text: 'read by its agent', tone: 'ok' };
    case 'queued':
      return { text: 'waiting in its inbox', tone: 'waiting' };
    case 'logged':
      return { text: 'kept for you', tone: 'ok' };
    case 'failed':
      return { text: 'not delivered', tone: 'failed' };
  }
}

/** A message's delivery state in all: sending (not yet recorded), each session's, or "unread"/"read" for the supervisor. */
export function deliverySummary(m: CouncilMessage): { text: string; tone: DeliveryTone } {
  if (m.to === SUPERVISOR) return m.readAt === undefined ? { text: 'unread', tone: 'waiting' } : { text: 'read', tone: 'ok' };
  const ds = m.deliveries;
  if (ds === undefined) return { text: 'sending…', tone: 'waiting' };
  if (ds.length === 0) return { text: 'no session to deliver to', tone: 'failed' };
  if (ds.length === 1) return deliveryLabel(ds[0] as MessageDelivery);
  const failed = ds.filter((d) => d.delivered === 'failed').length;
  const waiting = ds.filter((d) => d.delivered === 'queued').length;
  const done = ds.length - failed - waiting;
  const parts = [done > 0 ? `${done} delivered` : null, waiting > 0 ? `${waiting} waiting` : null, failed > 0 ? `${failed} not delivered` : null].filter((p) => p !== null);
  return { text: parts.join(', '), tone: failed > 0 ? 'failed' : waiting > 0 ? 'waiting' : 'ok' };
}
