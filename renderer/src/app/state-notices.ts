import type { QueueEntry } from '../../../shared/merge';
import { clearNotices, notify } from '../components/notices';
import { needsInputEpisode, needsInputNotice, newlyNeedingInput } from '../features/agents/run-notices';
import type { SessionsState } from './stores/sessions-store';
import { mergedNotice, mergedTogetherNotice, parkedNotice, queueTransitions } from '../models/queue-model';
import type { QueueStoreState } from './stores/queue-store';
import type { Store } from '../lib/create-store';

/*
 * Notices that name a state ("needs input", "merge parked") follow that state: raised when it
 * begins (seen live, not on the first load), taken away when it ends — the prompt answered, the run
 * done or stopped, the entry retried or removed, the session removed (issue 12, item 5). A notice
 * the user dismissed stays dismissed for that episode, whatever reloads the stores.
 */

export const needsInputKey = (sessionId: string): string => `waiting-${sessionId}`;
export const parkedKey = (sessionId: string): string => `queue-parked-${sessionId}`;
export const runKey = (sessionId: string): string => `run-${sessionId}`;

/** The session a state notice's key names (null for other notices). */
function sessionOf(key: string): string | null {
  for (const prefix of ['waiting-', 'queue-parked-', 'run-']) if (key.startsWith(prefix)) return key.slice(prefix.length);
  return null;
}

export interface NoticeActions {
  openSession(sessionId: string): void;
  openQueue(entryId: string): void;
}

/** "Needs input" per session: raised when a session turns to needs-input, cleared when it no longer is or is gone. */
export function watchNeedsInput(sessions: Store<SessionsState>, actions: NoticeActions): () => void {
  let previous: SessionsState['cards'] | null = null;
  return sessions.subscribe(() => {
    const state = sessions.get();
    if (state.status !== 'ready') {
      if (state.status === 'loading') previous = null;
      return;
    }
    if (state.cards === previous) return;
    const byId = new Map(state.cards.map((card) => [card.session.id, card]));
    clearNotices((key) => {
      const id = sessionOf(key);
      if (id === null) return false;
      // A removed session takes its notices with it; "needs input" goes once it no longer does.
      const card = byId.get(id);
      return card === undefined || (key === needsInputKey(id) && card.context.status !== 'needs-input');
    });
    if (previous !== null) {
      for (const card of newlyNeedingInput(previous, state.cards)) {
        const id = card.session.id;
        notify({ ...needsInputNotice(card), sticky: true, key: needsInputKey(id), episode: needsInputEpisode(card), testId: `waiting-notice-${id}`, action: { label: 'Open', run: () => actions.openSession(id) } });
      }
    }
    previous = state.cards;
  });
}

/**
 * A notice when a merge-queue entry parks (sticky, with the reason and the conflicting files; Open
 * shows it in the queue) or merges (a toast); not on the first load. The parked one goes when the
 * entry is no longer parked (retried, merged, removed).
 */
export function watchQueueNotices(queue: Store<QueueStoreState>, sessions: Store<SessionsState>, baseBranch: () => string | null, actions: NoticeActions): () => void {
  let previous: QueueEntry[] | null = null;
  // Sessions as last seen: a merge may remove its session (removeAfterMerge) before the queue's
  // answer arrives, and the notice still names its task.
  const seen = new Map<string, { task: string; baseBranch: string }>();
  const remember = () => {
    for (const { session } of sessions.get().cards) seen.set(session.id, { task: session.task, baseBranch: session.baseBranch });
  };
  const offSessions = sessions.subscribe(remember);
  const offQueue = queue.subscribe(() => {
    const state = queue.get();
    if (state.status !== 'ready') {
      if (state.status === 'loading') previous = null;
      return;
    }
    if (state.entries === previous) return;
    remember();
    const parked = new Set(state.entries.filter((e) => e.state === 'parked').map((e) => e.sessionId));
    clearNotices((key) => key.startsWith('queue-parked-') && !parked.has(key.slice('queue-parked-'.length)));
    const transitions = queueTransitions(previous, state.entries);
    const merged = transitions.filter((t) => t.kind === 'merged').map(({ entry }) => ({ entry, task: seen.get(entry.sessionId)?.task ?? null }));
    const baseOf = (entry: QueueEntry): string | null => seen.get(entry.sessionId)?.baseBranch ?? baseBranch();
    for (const { kind, entry } of transitions) {
      const action = { label: 'Open', run: () => actions.openQueue(entry.id) };
      if (kind === 'parked') {
        notify({ ...parkedNotice(entry, seen.get(entry.sessionId)?.task ?? null), sticky: true, key: parkedKey(entry.sessionId), episode: `${entry.id}#${entry.attempts}`, testId: `queue-parked-notice-${entry.sessionId}`, action });
      } else if (merged.length === 1) {
        notify({ ...mergedNotice(entry, merged[0]?.task ?? null, baseOf(entry)), key: `queue-${entry.sessionId}`, testId: `queue-merged-notice-${entry.sessionId}`, action });
      }
    }
    const last = merged[merged.length - 1];
    if (merged.length > 1 && last) {
      notify({ ...mergedTogetherNotice(merged, baseOf(last.entry)), key: `queue-merged-${last.entry.id}`, testId: 'queue-merged-together-notice', action: { label: 'Open', run: () => actions.openQueue(last.entry.id) } });
    }
    previous = state.entries;
  });
  return () => {
    offSessions();
    offQueue();
  };
}
