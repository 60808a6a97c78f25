import { useEffect, useMemo, useRef } from 'react';
import { call } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStore } from '../../lib/create-store';
import { messagesStore } from '../../app/stores/messages-store';
import { sessionsStore } from '../../app/stores/sessions-store';
import { conversationOf, unreadBySession, unreadTotal } from '../../models/messages-model';
import type { CouncilMessage } from '../../../../shared/council';
import { SUPERVISOR } from '../../../../shared/council';
import { MessageList } from './MessageList';
import { SendBox } from './SendBox';
import { DigestSwitch } from './DigestSwitch';

/** Session ids to tasks, for naming the sides of a message. */
function useTasks(): ReadonlyMap<string, string> {
  const { cards } = useStore(sessionsStore);
  return useMemo(() => new Map(cards.map((card) => [card.session.id, card.session.task])), [cards]);
}

/**
 * Marks the supervisor's unread messages (one session's, or all) read while they are on show, and
 * returns those that were unread when shown: they stay marked "new" while this view is open (read
 * on disk at once, so the counts elsewhere clear, without the reader losing which ones were new).
 */
function useMarkRead(repo: string, messages: readonly CouncilMessage[], unread: number, sessionId?: string): ReadonlySet<string> {
  const fresh = useRef(new Set<string>());
  for (const m of messages) if (m.to === SUPERVISOR && m.readAt === undefined && (sessionId === undefined || m.from === sessionId)) fresh.current.add(m.id);
  useEffect(() => {
    if (unread === 0) return;
    void call('council.read', { repo, ...(sessionId !== undefined ? { id: sessionId } : {}) });
  }, [repo, unread, sessionId]);
  return fresh.current;
}

/**
 * The repository's messages (its own address, #/messages): every message between the sessions'
 * agents and the person supervising, newest last (the newest scrolled into view), who → whom, when,
 * how its delivery stands; and one box under them to send to every session. Live: the log is watched in the shared state.
 */
export function MessagesScreen({ repo }: { repo: string }) {
  const { messages, status, error } = useStore(messagesStore);
  const tasks = useTasks();
  const unread = unreadTotal(messages);
  const fresh = useMarkRead(repo, messages, unread);
  return (
    <section className="messages-screen" aria-labelledby="messages-heading">
      <div className="screen-header">
        <h1 id="messages-heading" className="screen-title">
          Messages <span className="count-badge">{messages.length}</span>
        </h1>
      </div>
      <ErrorMessage message={status === 'error' ? `Could not load the messages: ${error}` : null} testId="messages-error" />
      {status === 'loading' || status === 'idle' ? (
        <p className="muted" aria-busy="true">
          Loading messages…
        </p>
      ) : messages.length === 0 && status === 'ready' ? (
        <EmptyState>
          No messages yet. Send one to every session below, to one session from its Messages tab, or with <code>council send &lt;id&gt;|--all -m &lt;text&gt;</code>; agents write to each other and to you through
          council&apos;s tools.
        </EmptyState>
      ) : (
        <MessageList messages={messages} tasks={tasks} fresh={fresh} testId="messages-feed" />
      )}
      <div className="send-box-dock">
        <SendBox repo={repo} to="all" label="Message to every session" placeholder="A message to every session's agent (Enter sends, Shift+Enter for a new line)" testId="send-all" />
      </div>
    </section>
  );
}

/**
 * A session's conversation (its Messages tab): what the person supervising, its agent and the
 * other sessions' agents said to each other — messages to and from it, and those to all — and a
 * box to write to its agent. Messages it sent to the person count as read once shown here.
 */
export function ConversationTab({ repo, sessionId }: { repo: string; sessionId: string }) {
  const { messages, status, error } = useStore(messagesStore);
  const tasks = useTasks();
  const mine = useMemo(() => conversationOf(messages, sessionId), [messages, sessionId]);
  const unread = unreadBySession(messages).get(sessionId) ?? 0;
  const fresh = useMarkRead(repo, mine, unread, sessionId);
  return (
    <div className="conversation" data-testid="conversation">
      <DigestSwitch repo={repo} sessionId={sessionId} />
      <ErrorMessage message={status === 'error' ? `Could not load the messages: ${error}` : null} testId="conversation-error" />
      {mine.length === 0 && status === 'ready' ? (
        <EmptyState>No messages with this session yet. Its agent writes to you and to other sessions through council&apos;s tools; write to it below.</EmptyState>
      ) : (
        <MessageList messages={mine} tasks={tasks} self={sessionId} fresh={fresh} testId="conversation-list" />
      )}
      <SendBox repo={repo} to={sessionId} label="Message to this session's agent" placeholder="A message to this session's agent (Enter sends, Shift+Enter for a new line)" testId="send-session" />
    </div>
  );
}
