import { memo, useEffect, useRef, useState, type RefObject } from 'react';
import type { CouncilMessage } from '../../../../shared/council';
import { SUPERVISOR } from '../../../../shared/council';
import { Relative } from '../../components/TimeSince';
import { openSession } from '../../app/navigation';
import { deliveryLabel, deliverySummary, party } from '../../models/messages-model';
import { messagePreview } from '../../models/message-preview';

/**
 * Messages, newest last: who → whom, when, how its delivery stands (each session's, in the
 * tooltip and the details), and the text. A session named is a link to its conversation.
 * `self`: the session whose conversation this is (its side is "this session").
 */
export function MessageList({
  messages,
  tasks,
  self,
  fresh,
  testId,
}: {
  messages: readonly CouncilMessage[];
  tasks: ReadonlyMap<string, string>;
  self?: string;
  /** Messages to the person that were unread when this view showed them (marked "new" while it stays open). */
  fresh?: ReadonlySet<string>;
  testId: string;
}) {
  const list = useRef<HTMLOListElement>(null);
  useNewestInView(list, messages.length);
  return (
    <ol className="message-list" data-testid={testId} aria-live="polite" ref={list}>
      {messages.map((m) => (
        <MessageItem key={m.id} message={m} tasks={tasks} self={self} fresh={fresh?.has(m.id) ?? false} />
      ))}
    </ol>
  );
}

/**
 * Newest last, so the newest is what is scrolled into view: on opening, and when a message arrives
 * while the reader is at the end (someone scrolled up to read older ones is left where they are).
 */
function useNewestInView(list: RefObject<HTMLOListElement | null>, count: number): void {
  const atEnd = useRef(true);
  useEffect(() => {
    const scroller = document.scrollingElement;
    if (!scroller) return;
    const onScroll = () => {
      atEnd.current = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => window.removeEventListener('scroll', onScroll);
  }, []);
  useEffect(() => {
    if (count === 0 || !atEnd.current) return;
    list.current?.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }, [list, count]);
}

const MessageItem = memo(function MessageItem({ message: m, tasks, self, fresh }: { message: CouncilMessage; tasks: ReadonlyMap<string, string>; self: string | undefined; fresh: boolean }) {
  const state = deliverySummary(m);
  const mine = m.from === SUPERVISOR;
  const side = mine ? 'from-you' : m.to === SUPERVISOR ? 'to-you' : 'between';
  const detail = (m.deliveries ?? []).filter((d) => d.sessionId !== SUPERVISOR);
  return (
    <li
      className={`message message-${side}${fresh || (m.to === SUPERVISOR && m.readAt === undefined) ? ' message-unread' : ''}`}
      data-testid={`message-${m.id}`}
      data-from={m.from}
      data-to={m.to}
      data-new={fresh || undefined}
    >
      <div className="message-head">
        <Who who={m.from} tasks={tasks} self={self} />
        <span className="message-arrow" aria-label="to">
          →
        </span>
        <Who who={m.to} tasks={tasks} self={self} />
        <span className="spacer" />
        {fresh ? (
          // Read on disk the moment it is shown; "new" says which ones were, while this view is open.
          <span className="message-new-mark" data-testid={`message-state-${m.id}`} title="Unread until now">
            new
          </span>
        ) : (
          <span className={`message-state message-state-${state.tone}`} data-testid={`message-state-${m.id}`} title={detail.map((d) => `${tasks.get(d.sessionId) ?? d.sessionId}: ${d.note}`).join('\n') || undefined}>
            {state.text}
          </span>
        )}
        <span className="muted message-time">
          <Relative at={m.at} />
        </span>
      </div>
      <MessageText id={m.id} text={m.text} />
      {detail.length > 1 ? (
        <ul className="message-deliveries">
          {detail.map((d) => {
            const label = deliveryLabel(d);
            return (
              <li key={d.sessionId} className={`message-state-${label.tone}`} title={d.note}>
                <span className="mono">{d.sessionId}</span> {label.text}
              </li>
            );
          })}
        </ul>
      ) : null}
    </li>
  );
});

/** The text, a long one folded to its first lines with a button to show the rest. */
function MessageText({ id, text }: { id: string; text: string }) {
  const [open, setOpen] = useState(false);
  const preview = messagePreview(text);
  if (preview === null) return <p className="message-text">{text}</p>;
  return (
    <>
      <p className="message-text" data-testid={`message-text-${id}`} data-folded={!open || undefined}>
        {open ? text : preview.head}
      </p>
      <button type="button" className="link-button message-fold" data-testid={`message-fold-${id}`} aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Show less' : `Show all (${preview.hiddenLines} more line${preview.hiddenLines === 1 ? '' : 's'})`}
      </button>
    </>
  );
}

function Who({ who, tasks, self }: { who: string; tasks: ReadonlyMap<string, string>; self: string | undefined }) {
  if (who === self) return <span className="message-party">this session</span>;
  const name = party(who, tasks);
  if (!tasks.has(who)) return <span className="message-party">{name}</span>;
  return (
    <button type="button" className="link-button message-party" title={`${name} (session ${who})`} onClick={() => openSession(who, 'messages')}>
      <span className="message-party-name">{name}</span> <span className="mono muted">({who})</span>
    </button>
  );
}
