/**
 * Opening a repository (app/live-updates.ts, startRepoLive) as the renderer runs it, against a
 * stand-in for the preload's `window.api`: the board's cards are asked for beside `watch.repo`,
 * not after it (at 500 sessions its watchers take a few hundred ms to set up, and the board waited
 * for them: issue 13, item 6), and once the watch is in place everything is loaded again, so a
 * change made between the first load and the watch is not missed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/errors';

const asked: string[] = [];
let watchAnswered: (result: Result<unknown>) => void = () => undefined;
const answerOf = (command: string): Result<unknown> => {
  if (command === 'sessions.list' || command === 'agent.runs' || command === 'locks.list' || command === 'queue.list' || command === 'council.messages') return { ok: true, value: [] };
  if (command === 'settings.list') return { ok: false, error: { code: 'internal', message: 'not in this test' } };
  if (command === 'radar.get') return { ok: false, error: { code: 'invalid-input', message: 'unknown command "radar.get"' } };
  return { ok: true, value: {} };
};
const fakeApi = {
  invoke: (command: string): Promise<Result<unknown>> => {
    asked.push(command);
    if (command === 'watch.repo') return new Promise((resolve) => (watchAnswered = resolve));
    return Promise.resolve(answerOf(command));
  },
  on: () => () => undefined,
};

let live: typeof import('../../renderer/src/app/live-updates');
let sessions: typeof import('../../renderer/src/app/stores/sessions-store');
let stats: typeof import('../../renderer/src/app/stores/session-stats-store');

beforeAll(async () => {
  (globalThis as { window?: unknown }).window = { api: fakeApi };
  live = await import('../../renderer/src/app/live-updates');
  sessions = await import('../../renderer/src/app/stores/sessions-store');
  stats = await import('../../renderer/src/app/stores/session-stats-store');
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('opening a repository', () => {
  it('shows the cards without waiting for watch.repo, then loads everything again once the watch is in place', async () => {
    const stop = live.startRepoLive('/repo');
    try {
      await settle();
      // watch.repo has not answered: the cards, their runs, their review and queue chips are already asked for and shown.
      expect(asked).toContain('watch.repo');
      expect(asked.filter((c) => c !== 'watch.repo').sort()).toEqual(['agent.runs', 'council.messages', 'queue.list', 'review.list', 'sessions.list']);
      expect(sessions.sessionsStore.get().status).toBe('ready');

      watchAnswered({ ok: true, value: { watching: true } });
      await settle();
      const after = asked.slice(asked.indexOf('queue.list') + 1).filter((c) => c !== 'watch.repo');
      expect(after.sort()).toEqual(['agent.runs', 'council.messages', 'locks.list', 'queue.list', 'radar.get', 'review.list', 'sessions.list', 'settings.list']);
    } finally {
      stop();
    }
  });

  it("a card's count read before the watch was in place is read again once it is (not left as it was until the next change)", async () => {
    asked.length = 0;
    const stop = live.startRepoLive('/repo');
    try {
      await settle();
      stats.sessionStats.setVisible('aa01', true);
      await settle();
      expect(asked.filter((c) => c === 'sessions.stats')).toHaveLength(1);
      watchAnswered({ ok: true, value: { watching: true } });
      await settle();
      expect(asked.filter((c) => c === 'sessions.stats')).toHaveLength(2);
    } finally {
      stop();
    }
  });
});
