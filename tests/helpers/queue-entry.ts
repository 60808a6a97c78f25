import type { QueueEntry, QueueState } from '../../shared/merge';

let n = 0;

/** A merge-queue entry for renderer tests: each one a new id, enqueued a second after the last. */
export function queueEntry(sessionId: string, state: QueueState, patch: Partial<QueueEntry> = {}): QueueEntry {
  n += 1;
  const at = `2026-01-01T10:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}.000Z`;
  return {
    id: `e${String(n).padStart(7, '0')}`,
    sessionId,
    strategy: 'merge',
    gate: 'npm test',
    state,
    enqueuedAt: at,
    updatedAt: at,
    attempts: 1,
    reason: null,
    files: [],
    gateLog: null,
    gateExitCode: null,
    baseBefore: null,
    resultCommit: null,
    ...patch,
  };
}
