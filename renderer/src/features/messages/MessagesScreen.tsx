import { useEffect, useMemo } from 'react';
import { call } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStore } from '../../lib/create-store';
import { messagesStore } from '../../app/stores/messages-store';
import { sessionsStore } from '../../app/stores/sessions-store';
import { conversationOf, unreadBySession, unreadTotal } from '../../models/messages-model';
import { MessageList } from './MessageList';
import { SendBox } from './SendBox';

/** Session ids to tasks, for naming the sides of a message. */
function useTasks(): ReadonlyMap<string, string> {
  const { cards } = useStore(sessionsStore);
  return useMemo(() => new Map(cards.map((card) => [card.session.id, card.session.task])), [cards]);
}

/** Marks the supervisor's unread messages (one session's, or all) read while they are on show. */
function useMarkRead(repo: string, unread: number, sessionId?: string): void {
  useEffect(() => {
    if (unread === 0) return;
    void call('council.read', { repo, ...(sessionId !== undefined ? { id: sessionId } : {}) });
  }, [repo, unread, sessionId]);
}

/**
 * The repository's messages (its own address, #/messages): every message between the sessions'
 * agents and the person supervising, newest last, who → whom, when, how its delivery stands; and
 * one box to send to every session. Live: the log is watched in the shared state.
 */
export function MessagesScreen({ repo }: { repo: string }) {
  const { messages, status, error } = useStore(messagesStore);
  const tasks = useTasks();
  const unread = unreadTotal(messages);
  useMarkRead(repo, unread);
  return (
    <section className="messages-screen" aria-labelledby="messages-heading">
      <div className="screen-header">
        <h1 id="messages-heading" className="screen-title">
          Messages <span className="count-badge">{messages.length}</span>
        </h1>
      </div>
      <SendBox repo={repo} to="all" label="Message to every session" placeholder="A message to every session's agent (Enter sends, Shift+Enter for a new line)" testId="send-all" />
      <ErrorMessage message={status === 'error' ? `Could not load the messages: ${error}` : null} testId="messages-error" />
      {status === 'loading' || status === 'idle' ? (
        <p className="muted" aria-busy="true">
          Loading messages…
        </p>
      ) : messages.length === 0 && status === 'ready' ? (
        <EmptyState>
          No messages yet. Send one to every session above, to one session from its Messages tab, or with <code>council send &lt;id&gt;|--all -m &lt;text&gt;</code>; agents write to each other and to you through
          council&apos;s tools.
        </EmptyState>
      ) : (
        <MessageList messages={messages} tasks={tasks} testId="messages-feed" />
      )}
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
  useMarkRead(repo, unread, sessionId);
  return (
    <div className="conversation" data-testid="conversation">
      <ErrorMessage message={status === 'error' ? `Could not load the messages: ${error}` : null} testId="conversation-error" />
      {mine.length === 0 && status === 'ready' ? (
        <EmptyState>No messages with this session yet. Its agent writes to you and to other sessions through council&apos;s tools; write to it below.</EmptyState>
      ) : (
        <MessageList messages={mine} tasks={tasks} self={sessionId} testId="conversation-list" />
      )}
      <SendBox repo={repo} to={sessionId} label="Message to this session's agent" placeholder="A message to this session's agent (Enter sends, Shift+Enter for a new line)" testId="send-session" />
    </div>
  );
}
