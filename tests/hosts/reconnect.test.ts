import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, Reconnector, type Link, type LinkState } from '../../electron/core/hosts/reconnect';

/**
 * The reconnect state machine of remote runs (issue 17, item 4; hosts/reconnect.ts), with links
 * made by the test: the backoff (1 s doubling to 30 s, ± 20 %), the states the run shows, the
 * first attempt failing, cancelling. The real SSH side is tests/remote/remote-faults.test.ts.
 */

function link(outcome: 'up-then-drop' | 'up-then-finish' | 'fail', error = 'refused'): Link {
  const up = outcome === 'fail' ? Promise.reject(new Error(error)) : Promise.resolve();
  up.catch(() => undefined);
  return { up, closed: new Promise((resolve) => setTimeout(() => resolve({ finished: outcome === 'up-then-finish', error: outcome === 'up-then-finish' ? null : error }), 5)) };
}

describe('reconnect', () => {
  it('backs off 1 s, 2 s, 4 s … up to 30 s, jittered within ± 20 %', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 12].map((n) => backoffDelay(n, DEFAULT_BACKOFF, () => 0.5))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0)).toBe(800);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 1)).toBe(1200);
    expect(backoffDelay(20, DEFAULT_BACKOFF, () => 1)).toBe(36_000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(3)));
    expect(spread.size).toBeGreaterThan(5);
    for (const d of spread) expect(d >= 3200 && d <= 4800).toBe(true);
  });

  it('a drop: disconnected with attempts counting and the next attempt announced; connected again resets them; finished ends the loop', async () => {
    const plan: ('up-then-drop' | 'up-then-finish' | 'fail')[] = ['up-then-drop', 'fail', 'fail', 'up-then-drop', 'up-then-finish'];
    const states: LinkState[] = [];
    const r = new Reconnector({ connect: () => link(plan.shift()!), onState: (s) => states.push(s), backoff: { firstMs: 10, maxMs: 40, jitter: 0 } });
    await r.run();
    expect(plan).toEqual([]);
    const brief = states.map((s) => (s.connected ? 'up' : s.nextAttemptAt ? `down#${s.attempt}` : `trying#${s.attempt}`));
    expect(brief).toEqual(['up', 'down#1', 'trying#1', 'down#2', 'trying#2', 'down#3', 'trying#3', 'up', 'down#1', 'trying#1', 'up']);
    // The drop's time is kept through the failed attempts; the error is the last attempt's.
    const firstDrop = states[1]!;
    expect(states[5]!.droppedAt).toBe(firstDrop.droppedAt);
    expect(states[5]!.error).toBe('refused');
    expect(Date.parse(states[5]!.nextAttemptAt!) - Date.parse(states[3]!.nextAttemptAt!)).toBeGreaterThanOrEqual(30);
    expect(states.at(-1)).toMatchObject({ connected: true, attempt: 0, error: null });
  });

  it('the first attempt failing ends the run with its error (failFirst); cancel stops the waiting', async () => {
    const failing = new Reconnector({ connect: () => link('fail', 'remote refused the connection'), onState: () => undefined, failFirst: true });
    await expect(failing.run()).rejects.toThrow('remote refused the connection');

    let attempts = 0;
    const waiting = new Reconnector({ connect: () => (attempts++, link('fail')), onState: () => undefined, backoff: { firstMs: 60_000, maxMs: 60_000, jitter: 0 } });
    const done = waiting.run();
    await new Promise((r) => setTimeout(r, 50));
    waiting.cancel();
    await done;
    expect(attempts).toBe(1);
  });
});
