import { describe, expect, it } from 'vitest';
import type { CouncilMessage } from '../../shared/council';
import { conversationOf, deliverySummary, party, unreadBySession, unreadFrom, unreadTotal } from '../../renderer/src/models/messages-model';
import { addressOf, placeOf } from '../../renderer/src/app/address';

let n = 0;
const msg = (from: string, to: string, extra: Partial<CouncilMessage> = {}): CouncilMessage => ({ id: `m${++n}`, at: '2026-12-06T10:00:00.000Z', from, to, text: `${from}→${to}`, ...extra });

describe('the message log as the app shows it', () => {
  const log = [
    msg('supervisor', 'aaa'),
    msg('bbb', 'aaa'),
    msg('supervisor', 'all'),
    msg('aaa', 'all'),
    msg('aaa', 'supervisor'),
    msg('bbb', 'supervisor', { readAt: '2026-12-06T10:01:00.000Z' }),
    msg('bbb', 'supervisor'),
    msg('ccc', 'bbb'),
  ];

  it("a session's conversation: to it, from it, and messages to all it did not send", () => {
    expect(conversationOf(log, 'aaa').map((m) => m.text)).toEqual(['supervisor→aaa', 'bbb→aaa', 'supervisor→all', 'aaa→all', 'aaa→supervisor']);
    expect(conversationOf(log, 'ccc').map((m) => m.text)).toEqual(['supervisor→all', 'aaa→all', 'ccc→bbb']);
  });

  it('unread: messages to the supervisor without readAt, per session and in all', () => {
    expect([...unreadBySession(log)]).toEqual([
      ['aaa', 1],
      ['bbb', 1],
    ]);
    expect(unreadFrom(log, 'bbb')).toBe(1);
    expect(unreadFrom(log, 'ccc')).toBe(0);
    expect(unreadTotal(log)).toBe(2);
  });

  it('delivery in words: sending, one session, several, the supervisor', () => {
    expect(deliverySummary(msg('supervisor', 'aaa'))).toEqual({ text: 'sending…', tone: 'waiting' });
    expect(deliverySummary(msg('supervisor', 'aaa', { deliveries: [{ sessionId: 'aaa', delivered: 'terminal', note: '' }] }))).toEqual({ text: 'typed into its terminal', tone: 'ok' });
    const all = msg('supervisor', 'all', {
      deliveries: [
        { sessionId: 'aaa', delivered: 'resumed', note: '' },
        { sessionId: 'bbb', delivered: 'queued', note: '' },
        { sessionId: 'ccc', delivered: 'failed', note: 'gone' },
      ],
    });
    expect(deliverySummary(all)).toEqual({ text: '1 delivered, 1 waiting, 1 not delivered', tone: 'failed' });
    expect(deliverySummary(msg('supervisor', 'all', { deliveries: [] }))).toEqual({ text: 'no session to deliver to', tone: 'failed' });
    expect(deliverySummary(msg('aaa', 'supervisor'))).toEqual({ text: 'unread', tone: 'waiting' });
    expect(deliverySummary(msg('aaa', 'supervisor', { readAt: 'x' }))).toEqual({ text: 'read', tone: 'ok' });
  });

  it('who a side is: you, all sessions, a task, an unknown session', () => {
    const tasks = new Map([['aaa', 'Build the API']]);
    expect([party('supervisor', tasks), party('all', tasks), party('aaa', tasks), party('fff', tasks)]).toEqual(['you', 'all sessions', 'Build the API', 'session fff']);
  });

  it('the feed and the Messages tab have addresses', () => {
    expect(addressOf({ repo: '/r', route: { view: 'messages' } })).toBe('#/messages?repo=%2Fr');
    expect(placeOf('#/messages?repo=%2Fr')).toEqual({ repo: '/r', route: { view: 'messages' } });
    expect(placeOf('#/messages/abc?repo=%2Fr')).toBeNull();
    expect(placeOf('#/session/3f2a1b/messages?repo=%2Fr')).toEqual({ repo: '/r', route: { view: 'session', sessionId: '3f2a1b', tab: 'messages' } });
  });
});
