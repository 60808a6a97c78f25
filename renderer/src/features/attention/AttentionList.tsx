import { useMemo, useState } from 'react';
import { StatusChip } from '../../components/StatusChip';
import { useStoreSelector } from '../../lib/create-store';
import { byAttention, needingYou, type AttentionSection } from '../../models/attention';
import { openSession, type SessionTab } from '../../app/navigation';
import { queueStore } from '../../app/stores/queue-store';
import { sessionsStore } from '../../app/stores/sessions-store';

/**
 * The compact session list beside a session's work, attention first (models/attention.ts): what
 * needs the person on top with a count per group, then what is working, then the rest; sessions the
 * queue merged are folded away behind one button. Choosing a session keeps the tab on show.
 */
export function AttentionList({ current, tab }: { current: string; tab: SessionTab }) {
  const cards = useStoreSelector(sessionsStore, (state) => state.cards);
  const entries = useStoreSelector(queueStore, (state) => state.entries);
  const sections = useMemo(() => byAttention(cards, entries), [cards, entries]);
  const waiting = needingYou(sections);
  return (
    <nav className="attention-list" aria-label="Sessions, what needs you first" data-testid="attention-list">
      <p className="attention-summary" data-testid="attention-needing" data-count={waiting}>
        {waiting === 0 ? 'Nothing needs you' : `${waiting} ${waiting === 1 ? 'session needs' : 'sessions need'} you`}
      </p>
      {sections.map((section) =>
        section.cards.length === 0 ? null : section.group === 'archived' ? (
          <Archived key={section.group} section={section} current={current} tab={tab} />
        ) : (
          <Group key={section.group} section={section} current={current} tab={tab} />
        ),
      )}
    </nav>
  );
}

function Group({ section, current, tab }: { section: AttentionSection; current: string; tab: SessionTab }) {
  const headingId = `attention-heading-${section.group}`;
  return (
    <section className={`attention-group${section.needsYou ? ' needs-you' : ''}`} data-testid={`attention-group-${section.group}`} aria-labelledby={headingId}>
      <h2 className="attention-heading" id={headingId}>
        {section.label}{' '}
        <span className="attention-count" data-testid={`attention-count-${section.group}`}>
          {section.cards.length}
        </span>
      </h2>
      <ul className="attention-items">
        {section.cards.map((card) => (
          <li key={card.session.id}>
            <button
              type="button"
              className="attention-item"
              data-testid={`attention-item-${card.session.id}`}
              aria-current={card.session.id === current ? 'page' : undefined}
              onClick={() => openSession(card.session.id, tab)}
            >
              <span className="attention-task">{card.session.task}</span>
              <span className="attention-meta">
                <StatusChip status={card.context.status} />
                <span className="mono muted">{card.session.id}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Archived({ section, current, tab }: { section: AttentionSection; current: string; tab: SessionTab }) {
  const [open, setOpen] = useState(false);
  return open ? (
    <Group section={section} current={current} tab={tab} />
  ) : (
    <button type="button" className="button ghost small attention-archived" data-testid="attention-show-archived" onClick={() => setOpen(true)}>
      Show {section.cards.length} merged
    </button>
  );
}
