import type { QueueEntry } from '../../../shared/merge';
import type { Council } from '../council';
import type { Workspace } from '../workspace';
import type { LookAhead } from './look-ahead';
import type { MergeQueue } from './queue-store';

/** The merge engine's events, and what its parts (engine, recovery, finish) share while one process runs the queue. */

export type MergeStep =
  | 'recovered'
  | 'claimed'
  | 'committed'
  | 'candidate'
  | 'gate-started'
  | 'gate-output'
  | 'gate-finished'
  | 'journal-written'
  | 'checkout-locked'
  | 'checkout-updated'
  | 'base-moved'
  | 'base-raced'
  | 'merged'
  | 'parked'
  | 'removed'
  | 'warning';

export interface MergeEvent {
  step: MergeStep;
  entryId: string | null;
  sessionId: string | null;
  message: string;
  /** The entry as stored after this step, when it changed. */
  entry?: QueueEntry;
}

export interface RecoveryReport {
  entryId: string;
  outcome: 'merged' | 'requeued' | 'left';
  note: string;
}

/** What one run of the queue (one holder of the merge lock) works with. */
export interface RunContext {
  council: Council;
  ws: Workspace;
  queue: MergeQueue;
  emit: (event: MergeEvent) => void;
  lost: () => boolean;
  signal?: AbortSignal;
  trees: Map<string, string>;
  /** The next entry's answers, computed while the current one's base moved (look-ahead.ts). */
  ahead: LookAhead | null;
}

export const shortSha = (sha: string): string => sha.slice(0, 12);
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
