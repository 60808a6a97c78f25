import { useId } from 'react';
import { openQueue } from '../../app/navigation';
import { useSessionStats } from '../../app/stores/session-stats-store';
import { useStoreSelector } from '../../lib/create-store';
import { entryChipText, entryForSession, isOpen } from '../../models/queue-model';
import { requestMerge } from '../../app/stores/merge-request-store';
import { queueStore, useQueueEntry } from '../../app/stores/queue-store';
import { QueueStateChip } from './QueueStateChip';

/**
 * A session's place in the merge queue (a chip that opens the queue at its entry), for its card
 * and its view. Nothing when it was never queued.
 */
export function SessionQueueChip({ sessionId }: { sessionId: string }) {
  const entry = useQueueEntry(sessionId);
  const text = useStoreSelector(queueStore, (state) => {
    const found = entryForSession(state.entries, sessionId);
    return found === undefined ? null : entryChipText(state.entries, found);
  });
  if (entry === undefined || text === null) return null;
  return (
    <button
      type="button"
      className="chip-button"
      data-testid={`session-queue-${sessionId}`}
      aria-label={`Merge queue: ${text}. Show the queue`}
      onClick={() => openQueue(entry.id)}
    >
      <QueueStateChip state={entry.state} text={text} />
    </button>
  );
}

/**
 * "Merge…" (opens the enqueue dialog); nothing while the session is in the queue's hands. On a
 * card (`quiet`) only once the queue is known, so cards neither flicker nor offer what an older
 * host cannot do; elsewhere it stays, disabled with the reason, when the host has no queue.
 */
export function MergeButton({ sessionId, quiet = false }: { sessionId: string; quiet?: boolean }) {
  const entry = useQueueEntry(sessionId);
  const status = useStoreSelector(queueStore, (state) => state.status);
  // The core's answer to "can queueing it do anything?" (already merged, nothing of its own).
  const stats = useSessionStats(sessionId)?.stats ?? null;
  const reasonId = useId();
  if (entry !== undefined && isOpen(entry)) return null;
  if (quiet && status !== 'ready') return null;
  const unavailable = status === 'unavailable';
  const blocked = stats?.mergeBlocked ?? null;
  const reason = unavailable ? 'The merge queue is not available from this council yet' : blocked !== null ? capitalize(blocked) : null;
  return (
    <>
      <button
        type="button"
        className="button small"
        data-testid={`session-merge-${sessionId}`}
        aria-label={stats?.merged ? `Session ${sessionId} is merged` : `Merge session ${sessionId}…`}
        aria-describedby={reason !== null ? reasonId : undefined}
        disabled={reason !== null}
        title={reason ?? 'Put this session in the merge queue'}
        onClick={() => requestMerge(sessionId)}
      >
        {stats?.merged ? 'Merged' : 'Merge…'}
      </button>
      {reason !== null ? (
        <span id={reasonId} className="sr-only" data-testid={`session-merge-reason-${sessionId}`}>
          {reason}
        </span>
      ) : null}
    </>
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
