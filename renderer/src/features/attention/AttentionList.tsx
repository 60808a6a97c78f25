import { HostTag } from '../../components/HostTag';
import { useEffect, useMemo, useState } from 'react';
import type { RemovedSession } from '../../../../shared/models';
import { call } from '../../api';
import { formatRelative } from '../../lib/format';
import { StatusChip } from '../../components/StatusChip';
import { useStoreSelector } from '../../lib/create-store';
import { byAttention, needingYou, type AttentionSection } from '../../models/attention';
import { navigate, openSession, type SessionTab } from '../../app/navigation';
import { queueStore } from '../../app/stores/queue-store';
import { radarStore } from '../../app/stores/radar-store';
import { sessionsStore } from '../../app/stores/sessions-store';
import { reviewsStore } from '../../app/stores/reviews-store';
import { ReviewChip } from '../review/ReviewChip';
import { UnreadBadge } from '../messages/UnreadBadge';
import { messagesStore } from '../../app/stores/messages-store';
import { unreadTotal } from '../../models/messages-model';

/**
 * The compact session list beside a session's work, attention first (models/attention.ts): what
 * needs the person on top with a count per group, then what is working, then the rest; sessions
 * merged (by the queue or outside it), and those removed (the removal log, with where their work was archived), are folded
 * away behind one button. Choosing a session keeps the tab on show.
 */
export function AttentionList({ repo, current, tab }: { repo: string; current: string; tab: SessionTab }) {
  const cards = useStoreSelector(sessionsStore, (state) => state.cards);
  const entries = useStoreSelector(queueStore, (state) => state.entries);
  const reviews = useStoreSelector(reviewsStore, (state) => state.statuses);
  const mergedInto = useStoreSelector(radarStore, (state) => state.mergedInto);
  const sections = useMemo(() => byAttention(cards, entries, reviews, mergedInto), [cards, entries, reviews, mergedInto]);
  const waiting = needingYou(sections);
  const unread = useStoreSelector(messagesStore, (state) => unreadTotal(state.messages));
  return (
    <nav className="attention-list" aria-label="Sessions, what needs you first" data-testid="attention-list">
      <p className="attention-summary" data-testid="attention-needing" data-count={waiting}>
        {waiting === 0 ? 'Nothing needs you' : `${waiting} ${waiting === 1 ? 'session needs' : 'sessions need'} you`}
      </p>
      {unread > 0 ? (
        <button type="button" className="attention-unread link-button" data-testid="attention-unread" data-count={unread} onClick={() => navigate({ view: 'messages' })}>
          {unread} unread {unread === 1 ? 'message' : 'messages'} to you
        </button>
      ) : null}
      {sections.map((section) =>
        section.cards.length === 0 || section.group === 'archived' ? null : <Group key={section.group} section={section} current={current} tab={tab} />,
      )}
      <Archive repo={repo} merged={sections.find((s) => s.group === 'archived')} current={current} tab={tab} sessions={cards.length} />
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
                <HostTag session={card.session} testId={`attention-host-${card.session.id}`} />
                <ReviewChip sessionId={card.session.id} testId={`attention-review-${card.session.id}`} />
                <UnreadBadge sessionId={card.session.id} testId={`attention-unread-${card.session.id}`} />
                <span className="mono muted">{card.session.id}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Merged and removed sessions, out of the way until asked for. */
function Archive({ repo, merged, current, tab, sessions }: { repo: string; merged: AttentionSection | undefined; current: string; tab: SessionTab; sessions: number }) {
  const [open, setOpen] = useState(false);
  const [removed, setRemoved] = useState<{ list: RemovedSession[] } | { error: string } | null>(null);
  // Read when opened, and again whenever the sessions change while it is open (one was removed).
  useEffect(() => {
    if (!open) return;
    let live = true;
    void call('sessions.removed', { repo }).then((result) => {
      if (live) setRemoved(result.ok ? { list: result.value } : { error: result.error.message });
    });
    return () => {
      live = false;
    };
  }, [open, repo, sessions]);
  const mergedCount = merged?.cards.length ?? 0;
  if (!open) {
    return (
      <button type="button" className="button ghost small attention-archived" data-testid="attention-show-archived" onClick={() => setOpen(true)}>
        Merged and removed{mergedCount > 0 ? ` (${mergedCount} merged)` : ''}
      </button>
    );
  }
  return (
    <>
      {merged !== undefined && mergedCount > 0 ? <Group section={merged} current={current} tab={tab} /> : null}
      <section className="attention-group" data-testid="attention-group-removed" aria-labelledby="attention-heading-removed">
        <h2 className="attention-heading" id="attention-heading-removed">
          Removed{' '}
          <span className="attention-count" data-testid="attention-count-removed">
            {removed !== null && 'list' in removed ? removed.list.length : '…'}
          </span>
        </h2>
        {removed === null ? (
          <p className="muted">Loading…</p>
        ) : 'error' in removed ? (
          <p className="error-message" role="alert">
            Could not read the removed sessions: {removed.error}
          </p>
        ) : removed.list.length === 0 ? (
          <p className="muted">None removed yet.</p>
        ) : (
          <ul className="attention-items">
            {removed.list.map((r) => (
              <li key={`${r.id}-${r.removedAt}`} className="attention-removed" data-testid={`attention-removed-${r.id}`}>
                <span className="attention-task">{r.task}</span>
                <span className="attention-meta">
                  <span className="mono muted">{r.id}</span>
                  <span className="muted">removed {formatRelative(r.removedAt, Date.now())}</span>
                </span>
                <span className="attention-meta mono muted" title={r.archivedCommit ?? undefined}>
                  {r.archivedAs ?? 'nothing unmerged to keep'}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
