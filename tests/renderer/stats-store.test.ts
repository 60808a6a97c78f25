/**
 * The board's lazy git stats (renderer/src/lib/stats-store.ts): fetched only for cards
 * on screen, a few at a time, refetched when their session changes.
 */
import { describe, expect, it } from 'vitest';
import type { SessionStats } from '../../shared/models';
import type { Result } from '../../shared/errors';
import { createStatsStore } from '../../renderer/src/lib/stats-store';

const stats = (filesChanged: number): SessionStats => ({ ahead: 1, behind: 0, filesChanged, insertions: 2, deletions: 1, dirty: false, merged: false, mergeBlocked: null });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function harness(concurrency = 2) {
  const requested: string[] = [];
  const pending = new Map<string, (result: Result<SessionStats>) => void>();
  const store = createStatsStore((id) => {
    requested.push(id);
    return new Promise((resolve) => pending.set(id, resolve));
  }, concurrency);
  const answer = async (id: string, result: Result<SessionStats>) => {
    const resolve = pending.get(id);
    if (!resolve) throw new Error(`${id} was not requested`);
    pending.delete(id);
    resolve(result);
    await settle();
  };
  return { store, requested, pending, answer };
}

describe('stats store', () => {
  it('fetches only visible sessions, at most `concurrency` at once', async () => {
    const h = harness(2);
    for (const id of ['a', 'b', 'c', 'd']) h.store.setVisible(id, true);
    expect(h.requested).toEqual(['a', 'b']);
    await h.answer('a', { ok: true, value: stats(3) });
    expect(h.requested).toEqual(['a', 'b', 'c']);
    expect(h.store.store.get().get('a')).toMatchObject({ stats: { filesChanged: 3 }, loading: false, stale: false });
    expect(h.store.store.get().has('e')).toBe(false);
  });

  it('skips queued sessions that scrolled away before their turn', async () => {
    const h = harness(1);
    for (const id of ['a', 'b', 'c']) h.store.setVisible(id, true);
    h.store.setVisible('b', false);
    await h.answer('a', { ok: true, value: stats(1) });
    expect(h.requested).toEqual(['a', 'c']);
    h.store.setVisible('b', true);
    await h.answer('c', { ok: true, value: stats(1) });
    expect(h.requested).toEqual(['a', 'c', 'b']);
  });

  it('keeps the old numbers while refetching an invalidated session, and skips ones off screen', async () => {
    const h = harness(4);
    h.store.setVisible('a', true);
    h.store.setVisible('b', true);
    await h.answer('a', { ok: true, value: stats(1) });
    await h.answer('b', { ok: true, value: stats(2) });
    h.store.setVisible('b', false);
    h.requested.length = 0;

    h.store.invalidate();
    expect(h.requested).toEqual(['a']);
    expect(h.store.store.get().get('a')?.stats?.filesChanged).toBe(1);
    expect(h.store.store.get().get('b')?.stale).toBe(true);
    await h.answer('a', { ok: true, value: stats(5) });
    expect(h.store.store.get().get('a')?.stats?.filesChanged).toBe(5);

    // Back on screen, the stale one is fetched.
    h.store.setVisible('b', true);
    expect(h.requested).toEqual(['a', 'b']);
  });

  it('refetches once more when invalidated during a fetch', async () => {
    const h = harness();
    h.store.setVisible('a', true);
    h.store.invalidate('a');
    h.store.invalidate('a');
    await h.answer('a', { ok: true, value: stats(1) });
    expect(h.requested).toEqual(['a', 'a']);
    await h.answer('a', { ok: true, value: stats(2) });
    expect(h.requested).toEqual(['a', 'a']);
    expect(h.store.store.get().get('a')?.stats?.filesChanged).toBe(2);
  });

  it('records an error, and drops answers that arrive after a reset', async () => {
    const h = harness();
    h.store.setVisible('a', true);
    await h.answer('a', { ok: false, error: { code: 'not-found', message: 'no session a' } });
    expect(h.store.store.get().get('a')).toMatchObject({ stats: null, error: 'no session a' });
    h.store.setVisible('b', true);
    h.store.reset();
    await h.answer('b', { ok: true, value: stats(1) });
    expect(h.store.store.get().size).toBe(0);
  });
});
