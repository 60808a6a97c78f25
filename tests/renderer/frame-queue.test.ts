/**
 * The diff's work queue (renderer/src/features/diff/frame-queue.ts) gives a frame at most about its
 * budget of main-thread time: pieces back to back in tasks of their own used to fill the whole time
 * between two frames. Here under a frame clock of Node's timers (a frame every 16 ms, as a page's
 * requestAnimationFrame), pieces of 5 ms of real busy time each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const FRAME_MS = 16;
let frame = 0;
let clock: ReturnType<typeof setInterval> | null = null;
const callbacks = new Map<number, FrameRequestCallback>();
let nextId = 1;

// One clock for the file: the queue is the module's, and a drain may wait for a frame between tests.
beforeAll(() => {
  clock = setInterval(() => {
    frame++;
    const due = [...callbacks];
    callbacks.clear();
    for (const [, callback] of due) callback(performance.now());
  }, FRAME_MS);
  Object.assign(globalThis, {
    requestAnimationFrame: (callback: FrameRequestCallback) => {
      const id = nextId++;
      callbacks.set(id, callback);
      return id;
    },
    cancelAnimationFrame: (id: number) => callbacks.delete(id),
  });
});

afterAll(() => {
  if (clock) clearInterval(clock);
});

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // the main thread at work (a mount, a commit)
  }
}

describe('the diff work queue', () => {
  it('runs pieces in order, and never more than about its budget of them between two frames', async () => {
    const { schedule } = await import('../../renderer/src/features/diff/frame-queue');
    const ran: { piece: number; frame: number }[] = [];
    const all = Array.from({ length: 12 }, (_, piece) => new Promise<void>((resolve) => {
      schedule(() => {
        ran.push({ piece, frame });
        busy(5);
        resolve();
      }, piece % 3 === 0 ? 'mount' : 'tokens');
    }));
    await Promise.all(all);
    // Mounts first, then tokens, each in the order scheduled.
    expect(ran.map((r) => r.piece)).toEqual([0, 3, 6, 9, 1, 2, 4, 5, 7, 8, 10, 11]);
    const perFrame = new Map<number, number>();
    for (const r of ran) perFrame.set(r.frame, (perFrame.get(r.frame) ?? 0) + 1);
    // 5 ms pieces, an 8 ms budget: two in a frame at most (the one that passes the budget ends it).
    expect(Math.max(...perFrame.values())).toBeLessThanOrEqual(2);
    expect(perFrame.size).toBeGreaterThanOrEqual(6);
  });

  it('a cancelled piece does not run', async () => {
    const { schedule } = await import('../../renderer/src/features/diff/frame-queue');
    const ran: string[] = [];
    const cancel = schedule(() => {
      ran.push('cancelled');
    });
    await new Promise<void>((resolve) => {
      schedule(() => {
        ran.push('kept');
        resolve();
      });
      cancel();
    });
    expect(ran).toEqual(['kept']);
  });

  it('while the page flings, no piece runs; once it rests they do, except those cancelled meanwhile', async () => {
    const { schedule } = await import('../../renderer/src/features/diff/frame-queue');
    const { pageScrollSpeed, SETTLE_MS } = await import('../../renderer/src/features/diff/scroll-speed');
    const scroll = pageScrollSpeed();
    // A fling: 600 px a frame, kept up by a scroll event every frame until told to stop.
    let y = 0;
    const fling = setInterval(() => scroll.sample((y += 600), performance.now()), FRAME_MS);
    await new Promise((resolve) => setTimeout(resolve, FRAME_MS * 3));
    expect(scroll.flinging(performance.now())).toBe(true);
    const ran: { piece: string; at: number }[] = [];
    const passed = schedule(() => {
      ran.push({ piece: 'passed by', at: performance.now() });
    }, 'mount');
    const done = new Promise<void>((resolve) => {
      schedule(() => {
        ran.push({ piece: 'in view', at: performance.now() });
        resolve();
      }, 'mount');
    });
    await new Promise((resolve) => setTimeout(resolve, FRAME_MS * 8));
    expect(ran).toEqual([]);
    // The section it was for left the view during the fling.
    passed();
    clearInterval(fling);
    const stopped = performance.now();
    await done;
    expect(ran.map((r) => r.piece)).toEqual(['in view']);
    // Not before the page rested (a timer's slack below it at most).
    expect(ran[0]!.at - stopped).toBeGreaterThanOrEqual(SETTLE_MS - FRAME_MS - 2);
  });

  it('after a piece that committed something, the next starts only once a frame was produced (it is laid out and painted first)', async () => {
    const { schedule } = await import('../../renderer/src/features/diff/frame-queue');
    const ran: { piece: string; frame: number }[] = [];
    // Quick pieces (1 ms), five rounds: without a commit two share a frame (unless this file's frame
    // clock, a timer of its own, happens to tick between them); after one that committed, never.
    const done = new Promise<void>((resolve) => {
      for (let round = 0; round < 5; round++) {
        schedule(() => {
          ran.push({ piece: `plain ${round} a`, frame });
          busy(1);
        }, 'mount');
        schedule(() => {
          ran.push({ piece: `plain ${round} b`, frame });
          busy(1);
        }, 'mount');
        schedule(() => {
          ran.push({ piece: `committing ${round}`, frame });
          busy(1);
          return () => Promise.resolve();
        }, 'mount');
        schedule(() => {
          ran.push({ piece: `next ${round}`, frame });
          if (round === 4) resolve();
        }, 'mount');
      }
    });
    await done;
    const at = new Map(ran.map((r) => [r.piece, r.frame]));
    const rounds = [0, 1, 2, 3, 4];
    expect(rounds.filter((r) => at.get(`plain ${r} b`) === at.get(`plain ${r} a`)).length).toBeGreaterThanOrEqual(3);
    for (const r of rounds) expect(at.get(`next ${r}`)!).toBeGreaterThan(at.get(`committing ${r}`)!);
  });
});
