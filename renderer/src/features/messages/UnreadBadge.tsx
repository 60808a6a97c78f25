import { useStoreSelector } from '../../lib/create-store';
import { messagesStore } from '../../app/stores/messages-store';
import { unreadFrom, unreadTotal } from '../../models/messages-model';

/**
 * How many messages to the person supervising are unread: from one session (its card, its
 * attention-list item, its Messages tab), or from all (the main navigation). Nothing when none.
 */
export function UnreadBadge({ sessionId, nav = false, testId }: { sessionId?: string; nav?: boolean; testId: string }) {
  const count = useStoreSelector(messagesStore, (state) => (sessionId === undefined ? unreadTotal(state.messages) : unreadFrom(state.messages, sessionId)));
  if (count === 0) return null;
  const spoken = `${count} unread ${count === 1 ? 'message' : 'messages'} to you`;
  return (
    <>
      <span className={nav ? 'nav-badge nav-badge-warning' : 'unread-badge'} data-testid={testId} data-count={count} aria-hidden="true" title={spoken}>
        {nav ? count : `✉ ${count}`}
      </span>
      <span className="sr-only">, {spoken}</span>
    </>
  );
}
