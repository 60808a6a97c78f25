import type { EventPayload } from '../../../shared/contract';

export type StateKind = EventPayload<'state.changed'>['kind'];

/** What to fetch again after a frame's worth of `state.changed` kinds. */
export interface RefreshPlan {
  sessions: boolean;
  locks: boolean;
  settings: boolean;
  /** Agent runs (`agent.runs`): a run record changed outside this window's events (a CLI supervisor). */
  runs: boolean;
}

/**
 * sessions/context → the board (`sessions.list`); locks → the locks table and the board (cards
 * show how many locks each session holds); settings → settings (the stale threshold also changes
 * the board's stale markers, so the board too); runs → every session's latest agent run.
 */
export function planRefresh(kinds: Iterable<StateKind>): RefreshPlan {
  const plan: RefreshPlan = { sessions: false, locks: false, settings: false, runs: false };
  for (const kind of kinds) {
    if (kind === 'sessions' || kind === 'context') plan.sessions = true;
    if (kind === 'locks') plan.locks = plan.sessions = true;
    if (kind === 'settings') plan.settings = plan.sessions = true;
    if (kind === 'runs') plan.runs = true;
  }
  return plan;
}

/**
 * queue → the merge queue (`queue.list`). Kept apart from the plan above, whose shape other code
 * and tests rely on. A merge also moves the base and can remove the session: the core says so with
 * its own `sessions` change and a `radar.changed`.
 */
export function refreshesQueue(kinds: Iterable<StateKind>): boolean {
  for (const kind of kinds) if (kind === 'queue') return true;
  return false;
}

/** review → the reviews' statuses (`review.list`); context and runs too: "ready for re-review" is
 * read from the agent's context and runs. */
export function refreshesReviews(kinds: Iterable<StateKind>): boolean {
  for (const kind of kinds) if (kind === 'review' || kind === 'context' || kind === 'runs') return true;
  return false;
}

/** messages → the message log (`council.messages`): a message kept, or its delivery changed (an inbox). */
export function refreshesMessages(kinds: Iterable<StateKind>): boolean {
  for (const kind of kinds) if (kind === 'messages') return true;
  return false;
}
