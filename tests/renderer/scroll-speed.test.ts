/**
 * The page's scroll speed (renderer/src/features/diff/scroll-speed.ts): the diff's work queue waits
 * while the page flings and goes on once it slows or rests. Scroll events are fed at frame times.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createScrollSpeed, FLING_PX, SETTLE_MS, type ScrollSpeed } from '../../renderer/src/features/diff/scroll-speed';

const FRAME = 16;
let speed: ScrollSpeed;
let now = 0;

/** Scroll events once a frame, `px` apart each, `frames` of them; returns the last position. */
function scroll(from: number, px: number, frames: number, frameMs = FRAME): number {
  let y = from;
  for (let i = 0; i < frames; i++) {
    now += frameMs;
    y += px;
    speed.sample(y, now);
  }
  return y;
}

beforeEach(() => {
  vi.useFakeTimers();
  now = 1000;
  speed = createScrollSpeed();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the page scroll speed', () => {
  it('a fling (600 px a frame) is one; skimming (150 px a frame) and a jump after a pause are not', () => {
    scroll(0, 600, 5);
    expect(speed.flinging(now)).toBe(true);
    // At rest again: no fling once nothing scrolled for SETTLE_MS.
    vi.advanceTimersByTime(SETTLE_MS);
    now += SETTLE_MS;
    expect(speed.flinging(now)).toBe(false);
    scroll(10_000, 150, 20);
    expect(speed.flinging(now)).toBe(false);
    // One event after a pause, however far (a file chosen in the tree, End).
    now += 500;
    vi.advanceTimersByTime(500);
    speed.sample(150_000, now);
    expect(speed.flinging(now)).toBe(false);
  });

  it('600 px a frame is a fling on a busy machine too, where frames come 50 ms apart', () => {
    scroll(0, 600, 5, 50);
    expect(speed.flinging(now)).toBe(true);
    // …and just over FLING_PX a frame, however slowly the frames come (below SETTLE_MS apart).
    scroll(5000, FLING_PX + 1, 3, 100);
    expect(speed.flinging(now)).toBe(true);
    scroll(9000, FLING_PX - 1, 3, 100);
    expect(speed.flinging(now)).toBe(false);
  });

  it('what waits for the fling goes on when the scroll rests, or slows down', async () => {
    const y = scroll(0, 600, 5);
    let rested = false;
    void speed.settled(now).then(() => (rested = true));
    // Still flinging: a frame later, nothing released.
    scroll(y, 600, 1);
    await Promise.resolve();
    expect(rested).toBe(false);
    vi.advanceTimersByTime(SETTLE_MS - 1);
    await Promise.resolve();
    expect(rested).toBe(false);
    vi.advanceTimersByTime(1);
    await Promise.resolve();
    expect(rested).toBe(true);

    // Slowing below the fling speed releases at once, without waiting for rest.
    const z = scroll(50_000, 600, 5);
    let slowed = false;
    void speed.settled(now).then(() => (slowed = true));
    scroll(z, 40, 1);
    await Promise.resolve();
    expect(slowed).toBe(true);
  });

  it('nothing waits when the page is not flinging', async () => {
    let done = false;
    void speed.settled(now).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(true);
  });
});
