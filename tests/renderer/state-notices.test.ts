import { afterEach, describe, expect, it } from 'vitest';
import type { SessionCard } from '../../shared/contract';
import type { ContextStatus } from '../../shared/models';
import type { QueueEntry } from '../../shared/merge';
import { dismissNotice, notices } from '../../renderer/src/components/notices';
import { watchNeedsInput, watchQueueNotices } from '../../renderer/src/app/state-notices';
import type { SessionsState } from '../../renderer/src/app/stores/sessions-store';
import type { QueueStoreState } from '../../renderer/src/app/stores/queue-store';
import { createStore } from '../../renderer/src/lib/create-store';

/*
 * Issue 12, item 5: "Needs input" stayed after the prompt was answered, after Done and after Stop;
 * Stop raised a new "Needs input: agent stopped"; "Merge parked" stayed after its entry and session
 * were removed. A notice follows the state it names.
 */

const actions = { openSession: () => undefined, openQueue: () => undefined };
const offs: (() => void)[] = [];
afterEach(() => {
  for (const off of offs.splice(0)) off();
  notices.set([]);
});

let clock = 0;
const at = () => new Date(Date.UTC(2026, 0, 1, 10, 0, clock++)).toISOString();

function card(id: string, status: ContextStatus, history: ContextStatus[] = [status]): SessionCard {
  return {
    session: { id, task: `task ${id}`, agent: 'claude', branch: `council/${id}`, worktreePath: `/w/${id}`, baseBranch: 'main', baseCommit: 'a'.repeat(40), createdAt: '2026-01-01T10:00:00.000Z', state: 'ready' },
    context: {
      sessionId: id, agent: 'claude', task: `task ${id}`, status, currentFile: null, progress: null, message: status === 'needs-input' ? 'Do you trust the files in this folder?' : null,
      blockedReason: null, blockedOn: null, updatedAt: at(), history: history.map((s) => ({ status: s, at: at(), message: null })), clashes: [], filesLocked: [], stale: false,
    },
  };
}

function sessionsWith(cards: SessionCard[]) {
  const store = createStore<SessionsState>({ repo: '/r', status: 'loading', cards: [], error: null });
  offs.push(watchNeedsInput(store, actions));
  store.set({ repo: '/r', status: 'ready', cards, error: null }); // the first load: nothing raised
  return { store, show: (next: SessionCard[]) => store.set((s) => ({ ...s, cards: next })) };
}

const shown = () => notices.get().map((n) => n.testId);

describe('state notices follow their state', () => {
  it('"needs input" goes once the prompt is answered (working), and a later question raises a new one', () => {
    const a = card('aaa111', 'working');
    const { show } = sessionsWith([a]);
    const asking = card('aaa111', 'needs-input', ['idle', 'working', 'needs-input']);
    show([asking]);
    expect(shown()).toEqual(['waiting-notice-aaa111']);
    show([card('aaa111', 'working', ['idle', 'working', 'needs-input', 'working'])]);
    expect(shown()).toEqual([]);
    show([card('aaa111', 'needs-input', ['idle', 'working', 'needs-input', 'working', 'needs-input'])]);
    expect(shown()).toEqual(['waiting-notice-aaa111']);
  });

  it('"needs input" goes when the session is done, or stopped (idle) — and a stop raises nothing', () => {
    const { show } = sessionsWith([card('bbb222', 'working')]);
    show([card('bbb222', 'needs-input', ['working', 'needs-input'])]);
    show([card('bbb222', 'done', ['working', 'needs-input', 'done'])]);
    expect(shown()).toEqual([]);
    show([card('bbb222', 'working', ['working', 'needs-input', 'done', 'working'])]);
    show([card('bbb222', 'needs-input', ['working', 'needs-input', 'done', 'working', 'needs-input'])]);
    expect(shown()).toEqual(['waiting-notice-bbb222']);
    show([card('bbb222', 'idle', ['working', 'needs-input', 'done', 'working', 'needs-input', 'idle'])]);
    expect(shown()).toEqual([]);
  });

  it('a removed session takes its notices with it', () => {
    const { show } = sessionsWith([card('ccc333', 'working')]);
    show([card('ccc333', 'needs-input', ['working', 'needs-input'])]);
    expect(shown()).toEqual(['waiting-notice-ccc333']);
    show([]);
    expect(shown()).toEqual([]);
  });

  it('a dismissed notice stays dismissed when the stores reload (navigating away and back)', () => {
    const asking = card('ddd444', 'needs-input', ['working', 'needs-input']);
    const { store, show } = sessionsWith([card('ddd444', 'working', ['working'])]);
    show([asking]);
    dismissNotice(notices.get()[0]!.id);
    // The repository's stores are reset and loaded again, then the list flips through an older copy.
    store.set({ repo: '/r', status: 'loading', cards: [], error: null });
    store.set({ repo: '/r', status: 'ready', cards: [card('ddd444', 'working', ['working'])], error: null });
    show([asking]);
    expect(shown()).toEqual([]);
  });

  it('"Merge parked" goes when its entry is retried or removed (and its session with it)', () => {
    const sessions = createStore<SessionsState>({ repo: '/r', status: 'ready', cards: [card('eee555', 'done')], error: null });
    const queue = createStore<QueueStoreState>({ repo: '/r', status: 'ready', entries: [], error: null });
    offs.push(watchQueueNotices(queue, sessions, () => 'main', actions));
    const entry = (state: QueueEntry['state'], attempts = 1) => ({ id: 'q1', sessionId: 'eee555', state, attempts, reason: state === 'parked' ? 'conflict in src/a.ts' : null, files: [] }) as unknown as QueueEntry;
    queue.set((s) => ({ ...s, entries: [entry('queued')] }));
    queue.set((s) => ({ ...s, entries: [entry('parked')] }));
    expect(shown()).toEqual(['queue-parked-notice-eee555']);
    queue.set((s) => ({ ...s, entries: [entry('queued', 2)] }));
    expect(shown()).toEqual([]);
    queue.set((s) => ({ ...s, entries: [entry('parked', 2)] }));
    expect(shown()).toEqual(['queue-parked-notice-eee555']);
    queue.set((s) => ({ ...s, entries: [] }));
    sessions.set((s) => ({ ...s, cards: [] }));
    expect(shown()).toEqual([]);
  });
});
