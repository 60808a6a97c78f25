import { startTransition, useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { newSessionRequested } from '../../app/menu-commands';
import { FIRST_CARDS } from './first-cards';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStore, useStoreSelector } from '../../lib/create-store';
import { compareSelection, keepExisting, startSelecting, stopSelecting } from '../../app/stores/compare-selection-store';
import { columnsOf, nextCardIndex } from './board-navigation';
import { CompareBar } from './CompareBar';
import { NewSessionDialog } from './NewSessionDialog';
import { SessionCard } from './SessionCard';
import { countByStatus } from '../../models/card-list';
import { sessionsStore, statusFilter } from '../../app/stores/sessions-store';
import { queueStore } from '../../app/stores/queue-store';
import { radarStore } from '../../app/stores/radar-store';
import { attentionOf, latestEntries } from '../../models/attention';
import { StatusFilters } from './StatusFilters';

/** The sessions board: a card per session, filter chips by status, and "New session". */
export function BoardScreen({ repo }: { repo: string }) {
  const { status, cards, error } = useStore(sessionsStore);
  const filter = useStore(statusFilter);
  const [creating, setCreating] = useState(false);
  // The menu's "New Session…" (Ctrl/Cmd+N) asks for the dialog, also when it was chosen on another
  // screen (it navigates here first).
  const requested = useStore(newSessionRequested);
  useEffect(() => {
    if (!requested) return;
    newSessionRequested.set(false);
    setCreating(true);
  }, [requested]);
  const selecting = useStore(compareSelection).active;
  useEffect(() => keepExisting(new Set(cards.map((card) => card.session.id))), [cards]);
  useEffect(() => stopSelecting, []);
  // Sessions merged (by the queue, or outside it) are folded away (one click shows them): they need nothing more.
  const entries = useStoreSelector(queueStore, (state) => state.entries);
  const mergedInto = useStoreSelector(radarStore, (state) => state.mergedInto);
  const [showMerged, setShowMerged] = useState(false);
  const merged = useMemo(() => {
    const latest = latestEntries(entries);
    return new Set(cards.filter((card) => attentionOf(card, latest.get(card.session.id), undefined, mergedInto) === 'archived').map((card) => card.session.id));
  }, [cards, entries, mergedInto]);
  const live = useMemo(() => (showMerged || merged.size === 0 ? cards : cards.filter((card) => !merged.has(card.session.id))), [cards, merged, showMerged]);
  const counts = useMemo(() => countByStatus(live), [live]);
  const shown = useMemo(() => (filter === 'all' ? live : live.filter((card) => card.context.status === filter)), [live, filter]);
  const rendered = useFirstScreenFirst(shown);

  return (
    <section className="board" aria-labelledby="board-heading">
      <div className="screen-header">
        <h1 id="board-heading" className="screen-title">
          Sessions <span className="count-badge">{cards.length}</span>
        </h1>
        <span className="spacer" />
        {cards.length > 0 ? (
          <button type="button" className="button" data-testid="compare-select-button" aria-pressed={selecting} onClick={selecting ? stopSelecting : startSelecting}>
            {selecting ? 'Done selecting' : 'Select…'}
          </button>
        ) : null}
        <button type="button" className="button primary" data-testid="new-session-button" onClick={() => setCreating(true)}>
          + New session
        </button>
      </div>
      {cards.length > 0 ? <StatusFilters counts={counts} active={filter} onChange={statusFilter.set} /> : null}
      {merged.size > 0 ? (
        <button type="button" className="button small ghost board-merged-toggle" data-testid="board-toggle-merged" aria-pressed={showMerged} onClick={() => setShowMerged(!showMerged)}>
          {showMerged ? `Hide ${merged.size} merged` : `Show ${merged.size} merged`}
        </button>
      ) : null}
      <CompareBar cards={cards} repo={repo} />
      <ErrorMessage message={status === 'error' ? `Could not load the sessions: ${error}` : null} testId="board-error" />

      {status === 'loading' ? (
        <p className="muted loading" aria-busy="true">
          Loading sessions…
        </p>
      ) : cards.length === 0 && status === 'ready' ? (
        <EmptyState>
          No sessions yet — create one with <strong>New session</strong>, or from a terminal:{' '}
          <code>council session create --task …</code>
        </EmptyState>
      ) : shown.length === 0 && cards.length > 0 ? (
        <EmptyState
          action={
            <button type="button" className="button" onClick={() => statusFilter.set('all')}>
              Show all sessions
            </button>
          }
        >
          No session is {filter} right now.
        </EmptyState>
      ) : (
        <div className="card-grid" role="list" aria-label="Sessions" onKeyDown={moveFocus}>
          {rendered.map((card, index) => (
            <div role="listitem" key={card.session.id} className="card-cell">
              <SessionCard card={card} index={index} />
            </div>
          ))}
        </div>
      )}
      {creating ? <NewSessionDialog repo={repo} onClose={() => setCreating(false)} /> : null}
    </section>
  );
}

/**
 * A board of hundreds renders its first screenful at once and the rest right after, as a
 * transition: React renders those in slices and yields to the browser between them, so the first
 * cards are painted and take clicks instead of waiting behind one long frame of every card
 * (500 cards: a 130-250 ms frame on the bench's machine). Once shown, a card stays rendered.
 */
function useFirstScreenFirst<T>(items: readonly T[]): readonly T[] {
  const [limit, setLimit] = useState(FIRST_CARDS);
  useEffect(() => {
    if (items.length > limit) startTransition(() => setLimit(items.length));
  }, [items.length, limit]);
  return items.length > limit ? items.slice(0, limit) : items;
}

/** Arrow keys move between cards (focus goes to each card's title button). */
function moveFocus(event: KeyboardEvent<HTMLDivElement>): void {
  const target = event.target as HTMLElement;
  if (!target.matches('[data-card-focus]')) return;
  const focusables = [...event.currentTarget.querySelectorAll<HTMLElement>('[data-card-focus]')];
  const index = focusables.indexOf(target);
  if (index === -1) return;
  const tops = [...event.currentTarget.querySelectorAll<HTMLElement>('.card-cell')].slice(0, 24).map((cell) => cell.offsetTop);
  const next = nextCardIndex(index, event.key, columnsOf(tops), focusables.length);
  if (next === null) return;
  event.preventDefault();
  focusables[next]?.focus();
  focusables[next]?.scrollIntoView({ block: 'nearest' });
}
