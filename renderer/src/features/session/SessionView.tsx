import { HostTag } from '../../components/HostTag';
import { lazy, Suspense, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { SessionCard } from '../../../../shared/contract';
import { navigate, openSession, type SessionTab } from '../../app/navigation';
import { EmptyState } from '../../components/EmptyState';
import { StatusChip } from '../../components/StatusChip';
import { Elapsed } from '../../components/TimeSince';
import { useStore } from '../../lib/create-store';
import { findCard } from '../../models/card-list';
import { sessionsStore } from '../../app/stores/sessions-store';
import { EventsTab } from '../agents/EventsTab';
import { RunControls } from '../agents/RunControls';
import { DiffTab } from '../diff/DiffTab';
import { discardActionsFor } from '../session-actions/diff-discard';
import { useInlineReview } from '../review/InlineReview';
import { MergeButton, SessionQueueChip } from '../queue/SessionMergeControls';
import { RadarBadge } from '../radar/RadarBadge';
import { ReviewChip } from '../review/ReviewChip';
import { ReviewTab } from '../review/ReviewTab';
import { ConversationTab } from '../messages/MessagesScreen';
import { UnreadBadge } from '../messages/UnreadBadge';
import { ContextTab } from './ContextTab';
import { SessionLocksTab } from './SessionLocksTab';
import { requestRemove } from '../../app/stores/remove-request-store';
import { CopyButton } from '../../components/CopyButton';
import { SessionActionDialogs, SessionActions } from '../session-actions/SessionActions';

// xterm.js is most of a terminal's weight: loaded the first time a terminal is shown.
const TerminalTab = lazy(() => import('../terminal/TerminalTab').then((module) => ({ default: module.TerminalTab })));
const ShellTab = lazy(() => import('../terminal/ShellTab').then((module) => ({ default: module.ShellTab })));

const TABS: { id: SessionTab; label: string }[] = [
  { id: 'terminal', label: 'Terminal' },
  { id: 'shell', label: 'Shell' },
  { id: 'events', label: 'Events' },
  { id: 'diff', label: 'Diff' },
  { id: 'review', label: 'Review' },
  { id: 'messages', label: 'Messages' },
  { id: 'context', label: 'Context' },
  { id: 'locks', label: 'Locks' },
];

/**
 * One session: what it is (task, branch, worktree, base), its agent run (state, Start/Stop/Resume),
 * and its terminal, agent events, diff, review, messages (its conversation), context and locks.
 */
export function SessionView({ repo, sessionId, tab }: { repo: string; sessionId: string; tab: SessionTab }) {
  const { cards, status } = useStore(sessionsStore);
  const card = findCard(cards, sessionId);
  // The terminal attaches on its first showing, then stays (hidden on other tabs) until the view closes.
  const [terminalOpened, setTerminalOpened] = useState(tab === 'terminal');
  // The shell starts on its first showing (not before: it is a process), then stays like the terminal.
  const [shellOpened, setShellOpened] = useState(tab === 'shell');
  useEffect(() => {
    if (tab === 'terminal') setTerminalOpened(true);
    if (tab === 'shell') setShellOpened(true);
  }, [tab]);
  // Lines chosen in the diff's gutter open a comment box under them; the review's comments show under their lines.
  const inline = useInlineReview(repo, sessionId, tab === 'diff');
  const actionsFor = useMemo(() => discardActionsFor(sessionId), [sessionId]);
  const sinceFrom = inline.review !== null && inline.review.status !== 'none' ? inline.review.sinceSnapshot : null;

  if (card === undefined) {
    return (
      <section className="session-view" data-testid="session-view">
        <BackButton />
        {status === 'ready' || status === 'error' ? (
          <EmptyState action={<BackButton label="Back to the board" />}>Session {sessionId} no longer exists.</EmptyState>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
    );
  }
  return (
    <section className="session-view" data-testid="session-view" aria-labelledby="session-heading">
      <SessionHeader card={card} repo={repo} />
      <Tabs sessionId={sessionId} active={tab} />
      <div className="tab-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {terminalOpened ? (
          <div hidden={tab !== 'terminal'}>
            <Suspense fallback={<p className="muted">Loading the terminal…</p>}>
              <TerminalTab repo={repo} sessionId={sessionId} active={tab === 'terminal'} />
            </Suspense>
          </div>
        ) : null}
        {shellOpened ? (
          <div hidden={tab !== 'shell'}>
            <Suspense fallback={<p className="muted">Loading the shell…</p>}>
              <ShellTab repo={repo} sessionId={sessionId} active={tab === 'shell'} />
            </Suspense>
          </div>
        ) : null}
        {tab === 'events' ? <EventsTab repo={repo} sessionId={sessionId} /> : null}
        {/* The diff stays mounted across tabs: it holds the live watch of the worktree. */}
        <div hidden={tab !== 'diff'}>
          <DiffTab repo={repo} sessionId={sessionId} onSelectLines={inline.onSelectLines} widgets={inline.widgets} actionsFor={actionsFor} sinceFrom={sinceFrom ?? null} />
        </div>
        {tab === 'review' ? <ReviewTab repo={repo} sessionId={sessionId} /> : null}
        {tab === 'messages' ? <ConversationTab repo={repo} sessionId={sessionId} /> : null}
        {tab === 'context' ? <ContextTab card={card} /> : null}
        {tab === 'locks' ? <SessionLocksTab card={card} /> : null}
      </div>
      <SessionActionDialogs repo={repo} session={card.session} />
    </section>
  );
}

function BackButton({ label = '← Board' }: { label?: string }) {
  return (
    <button type="button" className="button ghost back-button" data-testid="session-back" onClick={() => navigate({ view: 'board' })}>
      {label}
    </button>
  );
}

function SessionHeader({ card, repo }: { card: SessionCard; repo: string }) {
  const { session, context } = card;
  return (
    <header className="session-header">
      <div className="session-header-top">
        <BackButton />
        <StatusChip status={context.status} testId="session-view-status" />
        {context.stale ? <span className="stale-badge">stale</span> : null}
        <HostTag session={session} testId="session-host" />
        <span className="muted">
          <Elapsed since={session.createdAt} label="Running for" />
        </span>
        <RadarBadge sessionId={session.id} />
        <SessionQueueChip sessionId={session.id} />
        <ReviewChip sessionId={session.id} testId="session-review-chip" />
        <span className="spacer" />
        <SessionActions repo={repo} session={session} />
        <MergeButton sessionId={session.id} />
        <button type="button" className="button small danger-ghost" data-testid={`session-remove-${session.id}`} aria-label={`Remove session ${session.id}`} onClick={() => requestRemove(session.id)}>
          Remove session
        </button>
      </div>
      <h1 id="session-heading" className="session-title" data-testid="session-task">
        {session.task}
      </h1>
      <dl className="session-facts">
        <div>
          <dt>Branch</dt>
          <dd className="mono fact-with-copy">
            <span data-testid="session-branch" title={session.branch}>
              {session.branch}
            </span>
            <CopyButton text={session.branch} label="Copy the branch name" testId="copy-branch" />
          </dd>
        </div>
        <div>
          <dt>Base</dt>
          <dd className="mono">{session.baseBranch}</dd>
        </div>
        <div>
          <dt>Agent</dt>
          <dd>{session.agent ?? context.agent ?? '—'}</dd>
        </div>
        <div className="fact-wide">
          <dt>{session.host ? 'Mirror here' : 'Worktree'}</dt>
          <dd className="mono fact-with-copy">
            <span data-testid="session-worktree" title={session.worktreePath}>
              {session.worktreePath}
            </span>
            <CopyButton text={session.worktreePath} label="Copy the worktree's path" testId="copy-worktree" />
          </dd>
        </div>
        {session.host ? (
          <div className="fact-wide fact-remote">
            <dt>On {session.host.name}</dt>
            <dd className="mono fact-with-copy">
              <span data-testid="session-remote-worktree" title={`The worktree on ${session.host.name}; the one above is its mirror here`}>
                {session.host.path}
              </span>
              <CopyButton text={session.host.path} label={`Copy the worktree's path on ${session.host.name}`} testId="copy-remote-worktree" />
            </dd>
          </div>
        ) : null}
      </dl>
      <RunControls repo={repo} session={session} status={context.status} />
    </header>
  );
}

/** WAI-ARIA tabs: one tab stop; arrow keys, Home and End move between them. */
function Tabs({ sessionId, active }: { sessionId: string; active: SessionTab }) {
  const ref = useRef<HTMLDivElement>(null);
  const onKeyDown = (event: KeyboardEvent) => {
    const index = TABS.findIndex((t) => t.id === active);
    const next =
      event.key === 'ArrowRight' ? (index + 1) % TABS.length
      : event.key === 'ArrowLeft' ? (index - 1 + TABS.length) % TABS.length
      : event.key === 'Home' ? 0
      : event.key === 'End' ? TABS.length - 1
      : null;
    if (next === null) return;
    event.preventDefault();
    const tab = TABS[next]!;
    openSession(sessionId, tab.id);
    ref.current?.querySelector<HTMLElement>(`#tab-${tab.id}`)?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label="Session details" ref={ref} onKeyDown={onKeyDown}>
      {TABS.map((t) => (
        <button
          key={t.id}
          id={`tab-${t.id}`}
          type="button"
          role="tab"
          className="tab"
          data-testid={`tab-${t.id}`}
          aria-selected={active === t.id}
          aria-controls={`panel-${t.id}`}
          tabIndex={active === t.id ? 0 : -1}
          onClick={() => openSession(sessionId, t.id)}
        >
          {t.label}
          {t.id === 'messages' ? <UnreadBadge sessionId={sessionId} testId="tab-messages-unread" /> : null}
        </button>
      ))}
    </div>
  );
}
