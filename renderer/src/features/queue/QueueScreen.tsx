import { memo, useEffect, useMemo, useState, type DragEvent, type KeyboardEvent, type ReactNode } from 'react';
import type { QueueEntry } from '../../../../shared/merge';
import { call } from '../../api';
import { openSession } from '../../app/navigation';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { GripIcon } from '../../components/icons';
import { notify } from '../../components/notices';
import { Relative } from '../../components/TimeSince';
import { Unavailable } from '../../components/Unavailable';
import { useStore } from '../../lib/create-store';
import { failureText } from '../../lib/command-error';
import { plural } from '../../lib/format';
import { applyRun } from '../../app/stores/runs-store';
import { sessionsStore } from '../../app/stores/sessions-store';
import { locksStore } from '../../app/stores/locks-store';
import { GateLog } from './GateLog';
import { requestMerge } from '../../app/stores/merge-request-store';
import { dropIndex, entryActions, entryFacts, queueSections, queueSummary, shortCommit, stepIndex, waitingLine } from '../../models/queue-model';
import { applyEntry, moveEntry, queueStore, refreshQueue } from '../../app/stores/queue-store';
import { QueueStateChip } from './QueueStateChip';

const MERGED_SHOWN = 5;
const QUEUE = 'The merge queue';
const DRAG_TYPE = 'application/x-council-queue-entry';

type Drag = { id: string; over: string | null; after: boolean };

/**
 * The merge queue: what is being merged now, the line (reorder by dragging, or with the ↑ ↓
 * buttons and Alt+↑/↓), parked entries with their reason, conflicting files and gate log (Retry,
 * Resolve with agent, Remove), and the recent merges. `queue.list` on open; the live updates come
 * through `state.changed` kind `queue` (app/live-updates.ts).
 */
export function QueueScreen({ repo, baseBranch, focus }: { repo: string; baseBranch: string | null; focus: string | null }) {
  const { status, entries, error } = useStore(queueStore);
  const [actionError, setActionError] = useState<string | null>(null);
  const [showAllMerged, setShowAllMerged] = useState(false);
  const sections = useMemo(() => queueSections(entries), [entries]);
  const line = useMemo(() => waitingLine(entries), [entries]);

  useEffect(() => {
    void refreshQueue();
  }, []);

  // Opened at an entry (a notice's "Open", a card's chip): scroll to it and focus it.
  useEffect(() => {
    if (focus === null || status !== 'ready') return;
    const element = document.getElementById(`queue-entry-${focus}`);
    if (element === null) return;
    element.scrollIntoView({ block: 'center' });
    element.focus({ preventScroll: true });
  }, [focus, status]);

  const merged = showAllMerged ? sections.merged : sections.merged.slice(0, MERGED_SHOWN);
  const into = baseBranch ?? 'the base';

  return (
    <section className="queue-screen" aria-labelledby="queue-heading" data-testid="queue-screen">
      <div className="screen-header">
        <h1 id="queue-heading" className="screen-title">
          Merge queue {status === 'ready' ? <span className="count-badge">{entries.length - sections.merged.length}</span> : null}
        </h1>
        <span className="into-badge mono" title="The branch sessions are merged into">
          into {into}
        </span>
        <span className="spacer" />
        <button type="button" className="button" data-testid="queue-refresh" onClick={() => void refreshQueue()} disabled={status === 'loading'}>
          Refresh
        </button>
        <button type="button" className="button primary" data-testid="queue-add" onClick={() => requestMerge(null)} disabled={status === 'unavailable'}>
          + Add a session…
        </button>
      </div>

      {status === 'unavailable' ? (
        <Unavailable testId="queue-unavailable">{error}</Unavailable>
      ) : status === 'loading' ? (
        <p className="muted" aria-busy="true">
          Loading the queue…
        </p>
      ) : (
        <>
          <p className="muted screen-lead" data-testid="queue-summary">
            In order into <span className="mono">{into}</span>: each session is merged on the one before, the gate runs on the result, then {into} moves (once
            for several sessions without a gate waiting together). A conflict or a failing gate parks the entry. · {queueSummary(sections)}
          </p>
          <ErrorMessage message={error} testId="queue-error" />
          <ErrorMessage message={actionError} testId="queue-action-error" />
          {entries.length === 0 && status === 'ready' ? (
            <EmptyState
              action={
                <button type="button" className="button" onClick={() => requestMerge(null)}>
                  Add a session…
                </button>
              }
            >
              The queue is empty. Use <strong>Merge…</strong> on a session’s card or page to queue it.
            </EmptyState>
          ) : null}

          {sections.active.length > 0 ? (
            <QueueSection title="In progress" testId="queue-active">
              {sections.active.map((entry) => (
                <EntryItem key={entry.id} repo={repo} entry={entry} focused={entry.id === focus} onError={setActionError} />
              ))}
            </QueueSection>
          ) : null}

          {sections.waiting.length > 0 ? (
            <WaitingList repo={repo} entries={sections.waiting} line={line} focus={focus} onError={setActionError} />
          ) : null}

          {sections.parked.length > 0 ? (
            <QueueSection title={`Parked · ${sections.parked.length}`} testId="queue-parked" note="Needs you: retry once fixed, resolve conflicts with the session's agent, or remove.">
              {sections.parked.map((entry) => (
                <EntryItem key={entry.id} repo={repo} entry={entry} focused={entry.id === focus} onError={setActionError} />
              ))}
            </QueueSection>
          ) : null}

          {sections.merged.length > 0 ? (
            <QueueSection title={`Merged · ${sections.merged.length}`} testId="queue-merged">
              {merged.map((entry) => (
                <EntryItem key={entry.id} repo={repo} entry={entry} focused={entry.id === focus} onError={setActionError} />
              ))}
              {sections.merged.length > MERGED_SHOWN ? (
                <li className="queue-more">
                  <button type="button" className="link-button" onClick={() => setShowAllMerged((value) => !value)}>
                    {showAllMerged ? 'Show the latest only' : `Show all ${sections.merged.length}`}
                  </button>
                </li>
              ) : null}
            </QueueSection>
          ) : null}
        </>
      )}
    </section>
  );
}

function QueueSection({ title, note, testId, children, after }: { title: string; note?: string; testId: string; children: ReactNode; after?: ReactNode }) {
  return (
    <section className="queue-section" aria-label={title}>
      <h2 className="section-title">{title}</h2>
      {note ? <p className="muted queue-note">{note}</p> : null}
      <ol className="queue-list" data-testid={testId}>
        {children}
      </ol>
      {after}
    </section>
  );
}

/**
 * The line: native drag and drop (each row is draggable; the drop mark shows before or after the
 * row under the pointer), with ↑ ↓ buttons and Alt+↑/↓ as the keyboard way.
 */
function WaitingList({ repo, entries, line, focus, onError }: { repo: string; entries: QueueEntry[]; line: string[]; focus: string | null; onError: (message: string | null) => void }) {
  const [drag, setDrag] = useState<Drag | null>(null);
  // Read out after a move (the buttons and keys give no other feedback to a screen reader).
  const [announcement, setAnnouncement] = useState('');

  const move = async (id: string, index: number, refocus: 'up' | 'down' | null) => {
    onError(null);
    const moved = entries.find((entry) => entry.id === id);
    setAnnouncement(`${moved?.sessionId ?? id} moved to number ${index + 1} in line`);
    const pending = moveEntry(id, index);
    if (refocus !== null) restoreFocus(id, refocus);
    const message = await pending;
    if (message !== null) onError(message);
  };

  const onDragOver = (event: DragEvent<HTMLLIElement>, id: string) => {
    if (drag === null) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    const rect = event.currentTarget.getBoundingClientRect();
    const after = event.clientY > rect.top + rect.height / 2;
    if (drag.over !== id || drag.after !== after) setDrag({ ...drag, over: id, after });
  };
  const onDrop = (event: DragEvent<HTMLLIElement>, id: string) => {
    event.preventDefault();
    if (drag === null) return;
    const index = dropIndex(line, drag.id, id, drag.after);
    setDrag(null);
    if (index !== null) void move(drag.id, index, null);
  };

  return (
    <QueueSection
      title={`Waiting · ${entries.length}`}
      testId="queue-waiting"
      note={entries.length > 1 ? 'Next first. Drag to reorder, or use ↑ ↓ (Alt+↑/↓ on a row).' : undefined}
      after={
        <p className="sr-only" role="status">
          {announcement}
        </p>
      }
    >
      {entries.map((entry, index) => (
        <EntryItem
          key={entry.id}
          repo={repo}
          entry={entry}
          focused={entry.id === focus}
          onError={onError}
          position={index + 1}
          canUp={stepIndex(line, entry.id, -1) !== null}
          canDown={stepIndex(line, entry.id, 1) !== null}
          onStep={(delta) => {
            const target = stepIndex(line, entry.id, delta);
            if (target !== null) void move(entry.id, target, delta < 0 ? 'up' : 'down');
          }}
          dragging={drag?.id === entry.id}
          dropMark={drag !== null && drag.over === entry.id && drag.id !== entry.id ? (drag.after ? 'after' : 'before') : null}
          dragHandlers={{
            onDragStart: (event) => {
              event.dataTransfer.setData(DRAG_TYPE, entry.id);
              event.dataTransfer.setData('text/plain', entry.sessionId);
              event.dataTransfer.effectAllowed = 'move';
              setDrag({ id: entry.id, over: null, after: false });
            },
            onDragOver: (event) => onDragOver(event, entry.id),
            onDrop: (event) => onDrop(event, entry.id),
            onDragEnd: () => setDrag(null),
          }}
        />
      ))}
    </QueueSection>
  );
}

/** After a move re-renders the line, the same button of the moved row keeps the focus (or its sibling at an end). */
function restoreFocus(id: string, direction: 'up' | 'down'): void {
  requestAnimationFrame(() => {
    const wanted = document.querySelector<HTMLButtonElement>(`[data-testid="queue-${direction}-${id}"]`);
    const other = document.querySelector<HTMLButtonElement>(`[data-testid="queue-${direction === 'up' ? 'down' : 'up'}-${id}"]`);
    const target = wanted !== null && !wanted.disabled ? wanted : other !== null && !other.disabled ? other : document.getElementById(`queue-entry-${id}`);
    target?.focus();
  });
}

interface EntryProps {
  repo: string;
  entry: QueueEntry;
  focused: boolean;
  onError: (message: string | null) => void;
  /** In the line: its place, and the reorder controls. */
  position?: number;
  canUp?: boolean;
  canDown?: boolean;
  onStep?: (delta: -1 | 1) => void;
  dragging?: boolean;
  dropMark?: 'before' | 'after' | null;
  dragHandlers?: {
    onDragStart: (event: DragEvent<HTMLLIElement>) => void;
    onDragOver: (event: DragEvent<HTMLLIElement>) => void;
    onDrop: (event: DragEvent<HTMLLIElement>) => void;
    onDragEnd: () => void;
  };
}

type Busy = 'retry' | 'remove' | 'resolve' | null;

const EntryItem = memo(function EntryItem({ repo, entry, focused, onError, position, canUp, canDown, onStep, dragging, dropMark, dragHandlers }: EntryProps) {
  const { cards } = useStore(sessionsStore);
  const { locks } = useStore(locksStore);
  const [busy, setBusy] = useState<Busy>(null);
  const session = cards.find((card) => card.session.id === entry.sessionId)?.session;
  const actions = entryActions(entry, session);
  const id = entry.id;
  const lockOwner = useMemo(() => new Map(locks.map((lock) => [lock.path, lock.sessionId])), [locks]);

  const act = async (kind: Exclude<Busy, null>) => {
    setBusy(kind);
    onError(null);
    if (kind === 'retry') {
      const result = await call('queue.retry', { repo, entry: id });
      setBusy(null);
      if (!result.ok) return onError(failureText(result.error, 'retry the entry', QUEUE, 'queue.retry'));
      applyEntry(result.value);
      void refreshQueue();
    } else if (kind === 'remove') {
      const result = await call('queue.remove', { repo, entry: id });
      setBusy(null);
      if (!result.ok) return onError(failureText(result.error, 'remove the entry', QUEUE, 'queue.remove'));
      queueStore.set((state) => ({ ...state, entries: state.entries.filter((e) => e.id !== id) }));
      void refreshQueue();
    } else {
      const result = await call('queue.resolve', { repo, entry: id });
      setBusy(null);
      if (!result.ok) return onError(failureText(result.error, 'start the agent to resolve the conflicts', QUEUE, 'queue.resolve'));
      applyRun(result.value);
      notify({
        tone: 'info',
        title: `Resolving with ${result.value.preset}: ${session?.task ?? `session ${entry.sessionId}`}`,
        detail: `The agent brings in the base and resolves ${plural(entry.files.length, 'conflicting file')}; retry the entry once it is done.`,
      });
      openSession(entry.sessionId, 'terminal');
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLLIElement>) => {
    if (!actions.move || onStep === undefined || !event.altKey) return;
    if (event.key === 'ArrowUp' && canUp) {
      event.preventDefault();
      onStep(-1);
    } else if (event.key === 'ArrowDown' && canDown) {
      event.preventDefault();
      onStep(1);
    }
  };

  const classes = ['queue-entry', `queue-entry-${entry.state}`];
  if (focused) classes.push('is-focused');
  if (dragging) classes.push('is-dragging');
  if (dropMark) classes.push(`drop-${dropMark}`);
  const draggable = actions.move && dragHandlers !== undefined;

  return (
    <li
      id={`queue-entry-${id}`}
      className={classes.join(' ')}
      data-testid={`queue-entry-${id}`}
      data-session={entry.sessionId}
      data-state={entry.state}
      tabIndex={-1}
      draggable={draggable}
      onKeyDown={onKeyDown}
      {...(draggable ? dragHandlers : {})}
    >
      <div className="queue-entry-head">
        {draggable ? (
          <span className="drag-handle" aria-hidden="true" title="Drag to reorder">
            <GripIcon />
          </span>
        ) : null}
        {position !== undefined ? (
          <span className="queue-position" aria-label={`Number ${position} in line`}>
            #{position}
          </span>
        ) : null}
        <QueueStateChip state={entry.state} testId={`queue-state-${id}`} />
        <div className="queue-entry-title">
          <button type="button" className="link-button queue-task" onClick={() => openSession(entry.sessionId, 'diff')} title={`Open session ${entry.sessionId}`}>
            {session?.task ?? entry.task ?? 'Session no longer on the board'}
          </button>
          {session === undefined ? (
            <span className="queue-entry-meta" data-testid={`queue-session-gone-${id}`}>
              session removed
            </span>
          ) : null}
          <span className="queue-entry-meta">
            <span className="mono">{entry.sessionId}</span>
            {entryFacts(entry).map((fact) => (
              <span key={fact}> · {fact}</span>
            ))}
            {entry.gate !== null ? (
              <>
                {' '}
                · gate <code>{entry.gate}</code>
              </>
            ) : (
              ' · no gate'
            )}
            {' · '}
            {entry.state === 'merged' ? 'merged ' : entry.state === 'queued' ? 'queued ' : 'updated '}
            <Relative at={entry.state === 'queued' ? entry.enqueuedAt : entry.updatedAt} />
          </span>
        </div>
        <span className="spacer" />
        <div className="queue-actions">
          {actions.move && onStep !== undefined ? (
            <>
              <button type="button" className="button small ghost" data-testid={`queue-up-${id}`} aria-label={`Move ${entry.sessionId} up`} disabled={!canUp} onClick={() => onStep(-1)}>
                ↑
              </button>
              <button type="button" className="button small ghost" data-testid={`queue-down-${id}`} aria-label={`Move ${entry.sessionId} down`} disabled={!canDown} onClick={() => onStep(1)}>
                ↓
              </button>
            </>
          ) : null}
          {actions.resolve ? (
            <button type="button" className="button small primary" data-testid={`queue-resolve-${id}`} disabled={busy !== null} onClick={() => void act('resolve')} title="Start the session's agent to bring in the base and resolve the conflicting files">
              {busy === 'resolve' ? 'Starting…' : 'Resolve with agent'}
            </button>
          ) : null}
          {actions.retry ? (
            <button type="button" className="button small" data-testid={`queue-retry-${id}`} disabled={busy !== null} onClick={() => void act('retry')}>
              {busy === 'retry' ? 'Retrying…' : 'Retry'}
            </button>
          ) : null}
          {actions.remove ? (
            <button
              type="button"
              className="button small danger-ghost"
              data-testid={`queue-remove-${id}`}
              aria-label={entry.state === 'merged' ? `Remove ${entry.sessionId} from the history` : `Remove ${entry.sessionId} from the queue`}
              disabled={busy !== null}
              onClick={() => void act('remove')}
            >
              {busy === 'remove' ? 'Removing…' : 'Remove'}
            </button>
          ) : null}
        </div>
      </div>

      {entry.state === 'parked' ? (
        <div className="queue-park-reason" data-testid={`queue-reason-${id}`}>
          <p className="queue-reason">{entry.reason ?? 'Parked (no reason given).'}</p>
          {entry.files.length > 0 ? (
            <ul className="queue-files mono" aria-label="Conflicting files">
              {entry.files.map((file) => {
                const owner = lockOwner.get(file);
                return (
                  <li key={file}>
                    {file}
                    {owner !== undefined ? (
                      <span className="lock-owner">
                        {' '}
                        locked by{' '}
                        <button type="button" className="link-button" onClick={() => openSession(owner, 'locks')}>
                          {owner}
                        </button>
                      </span>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          ) : null}
          {entry.files.length > 0 && session !== undefined && !session.agent ? (
            // "Resolve with agent" needs an agent; say what this session can do instead.
            <p className="queue-hint muted" data-testid={`queue-no-agent-${id}`}>
              No agent in this session to resolve them.{' '}
              <button type="button" className="link-button" data-testid={`queue-open-session-${id}`} onClick={() => openSession(entry.sessionId, 'diff')}>
                Open the session
              </button>{' '}
              and use <strong>Update from base…</strong> to bring the base in and resolve the files there (or start an agent with a follow-up), then Retry.
            </p>
          ) : null}
        </div>
      ) : null}

      {entry.state === 'merged' && entry.resultCommit !== null ? (
        <p className="queue-result muted">
          {entry.baseBefore !== null ? (
            <>
              <span className="mono">{shortCommit(entry.baseBefore)}</span> →{' '}
            </>
          ) : null}
          <span className="mono" data-testid={`queue-result-${id}`}>
            {shortCommit(entry.resultCommit)}
          </span>
        </p>
      ) : null}

      {entry.gate !== null && (entry.gateLog !== null || entry.state === 'checking') ? <GateLog repo={repo} entry={entry} /> : null}
    </li>
  );
});
