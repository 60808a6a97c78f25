import type { StatusChange } from '../../../shared/models';
import type { ReviewFile, ReviewStatus } from '../../../shared/review';

/** The agent's turn or run is over: what "done with the requested changes" looks like. `needs-input`
 * is not: an agent asking a permission half-way through the changes is not done with them. */
const STOPPED = new Set(['done', 'idle', 'failed']);

/**
 * A review's status as people see it (pure). Stored: none, changes-requested, approved. Changes
 * requested at T become `ready-for-re-review` once the agent has worked after T and stopped:
 *
 *   - its latest run ended after T (a headless run, a resumed one, an interactive one left), or
 *   - its context shows it working after T (or working at T), then done, idle or failed.
 *
 * Sent to a headless agent while it ran, the review was queued (`waitsForRun`): T is then the start
 * of the run that resumed it, and the queued-for run's end is not the changes being done.
 *
 * Derived on every read from what the agents' hooks and runs already record, so it needs no
 * process to watch for it and every face (the app, the CLI) agrees.
 */
export function reviewStatus(
  file: Pick<ReviewFile, 'status' | 'rounds'> | null,
  history: readonly StatusChange[],
  latestRun: { id?: string; startedAt: string; endedAt: string | null } | null,
): ReviewStatus {
  if (file === null || file.status !== 'changes-requested') return file?.status ?? 'none';
  const round = file.rounds[file.rounds.length - 1];
  if (!round) return 'changes-requested';
  let since = round.requestedAt;
  if (round.waitsForRun !== undefined) {
    // Queued for a running headless run: the agent works on it only in a run started after that
    // one (its resume), so only that run's work counts, from its start.
    if (!latestRun || latestRun.id === round.waitsForRun || latestRun.startedAt <= since) return 'changes-requested';
    since = latestRun.startedAt;
  }
  if (latestRun?.endedAt && latestRun.endedAt > since) return 'ready-for-re-review';
  let working = false;
  for (const change of history) {
    if (change.at <= since) {
      working = change.status === 'working';
      continue;
    }
    if (change.status === 'working') working = true;
    else if (working && STOPPED.has(change.status)) return 'ready-for-re-review';
  }
  return 'changes-requested';
}
