/**
 * The renderer's small pure pieces: formatting, the board's ordering, counts and arrow keys, the
 * refresh plan for `state.changed`, the removal warning, and the store helpers.
 */
import { describe, expect, it } from 'vitest';
import type { SessionCard } from '../../shared/contract';
import { columnsOf, nextCardIndex } from '../../renderer/src/features/board/board-navigation';
import { countByStatus, sortCards } from '../../renderer/src/models/card-list';
import { describeWorkAtRisk, hasWork } from '../../renderer/src/features/session/remove-wording';
import { planRefresh } from '../../renderer/src/app/refresh-plan';
import { createStore } from '../../renderer/src/lib/create-store';
import { baseName, formatElapsed, formatKilobytes, formatRelative, plural, progressFraction } from '../../renderer/src/lib/format';
import { createFrameBatch, type Scheduler } from '../../renderer/src/lib/frame-batch';
import { reuseUnchanged } from '../../renderer/src/lib/same-json';
import { singleFlight } from '../../renderer/src/lib/single-flight';

const T0 = Date.parse('2026-01-01T10:00:00.000Z');

function card(id: string, createdAt: string, status: SessionCard['context']['status']): SessionCard {
  return {
    session: { id, task: `task ${id}`, agent: null, branch: `council/t-${id}`, worktreePath: `/w/${id}`, baseBranch: 'main', baseCommit: 'a'.repeat(40), createdAt, state: 'ready' },
    context: {
      sessionId: id, agent: null, task: `task ${id}`, status, currentFile: null, progress: null, message: null,
      blockedReason: null, blockedOn: null, updatedAt: createdAt, history: [], clashes: [], filesLocked: [], stale: false,
    },
  };
}

describe('formatting', () => {
  it('elapsed time ticks in compact units', () => {
    const from = new Date(T0).toISOString();
    expect(formatElapsed(from, T0 + 42_000)).toBe('42s');
    expect(formatElapsed(from, T0 + 185_000)).toBe('3m 05s');
    expect(formatElapsed(from, T0 + (2 * 3600 + 7 * 60) * 1000)).toBe('2h 07m');
    expect(formatElapsed(from, T0 + (4 * 24 + 3) * 3600_000)).toBe('4d 3h');
    expect(formatElapsed(from, T0 - 5000)).toBe('0s');
    expect(formatElapsed('not a date', T0)).toBe('—');
  });

  it('relative times read naturally', () => {
    const at = new Date(T0).toISOString();
    expect(formatRelative(at, T0 + 3000)).toBe('just now');
    expect(formatRelative(at, T0 + 5 * 60_000)).toBe('5 min ago');
    expect(formatRelative(at, T0 + 26 * 3600_000)).toBe('1 day ago');
  });

  it('sizes, plurals, names and progress', () => {
    expect(formatKilobytes(600 * 1024)).toBe('600 KB');
    expect(formatKilobytes(10)).toBe('1 KB');
    expect(plural(1, 'file')).toBe('1 file');
    expect(plural(3, 'file')).toBe('3 files');
    expect(baseName('/home/me/app/')).toBe('app');
    expect(progressFraction('2/5')).toBeCloseTo(0.4);
    expect(progressFraction('step 3 of 4')).toBeCloseTo(0.75);
    expect(progressFraction('40%')).toBeCloseTo(0.4);
    expect(progressFraction('writing tests')).toBeNull();
    expect(progressFraction(null)).toBeNull();
  });
});

describe('board', () => {
  it('orders newest first, ties by id, and counts per status', () => {
    const cards = [card('b2', '2026-01-01T10:00:00Z', 'done'), card('a1', '2026-01-01T10:00:00Z', 'working'), card('c3', '2026-01-02T10:00:00Z', 'working')];
    expect(sortCards(cards).map((c) => c.session.id)).toEqual(['c3', 'a1', 'b2']);
    expect(countByStatus(cards)).toEqual({ all: 3, working: 2, blocked: 0, 'needs-input': 0, idle: 0, done: 1, failed: 0 });
  });

  it('arrow keys move through the grid by columns and rows', () => {
    // 7 cards in 3 columns: rows [0 1 2] [3 4 5] [6]
    expect(nextCardIndex(1, 'ArrowRight', 3, 7)).toBe(2);
    expect(nextCardIndex(0, 'ArrowLeft', 3, 7)).toBeNull();
    expect(nextCardIndex(4, 'ArrowUp', 3, 7)).toBe(1);
    expect(nextCardIndex(1, 'ArrowUp', 3, 7)).toBeNull();
    expect(nextCardIndex(1, 'ArrowDown', 3, 7)).toBe(4);
    expect(nextCardIndex(5, 'ArrowDown', 3, 7)).toBe(6);
    expect(nextCardIndex(6, 'ArrowDown', 3, 7)).toBeNull();
    expect(nextCardIndex(3, 'End', 3, 7)).toBe(6);
    expect(nextCardIndex(3, 'Home', 3, 7)).toBe(0);
    expect(nextCardIndex(3, 'Enter', 3, 7)).toBeNull();
    expect(columnsOf([10, 10, 10, 200, 200])).toBe(3);
    expect(columnsOf([])).toBe(1);
  });
});

describe('live refresh plan', () => {
  it('maps what changed to what is fetched again', () => {
    expect(planRefresh(['context'])).toEqual({ sessions: true, locks: false, settings: false, runs: false });
    expect(planRefresh(['locks'])).toEqual({ sessions: true, locks: true, settings: false, runs: false });
    expect(planRefresh(['settings'])).toEqual({ sessions: true, locks: false, settings: true, runs: false });
    expect(planRefresh(['runs'])).toEqual({ sessions: false, locks: false, settings: false, runs: true });
    expect(planRefresh([])).toEqual({ sessions: false, locks: false, settings: false, runs: false });
  });
});

describe('removal warning', () => {
  it('says plainly what will be archived', () => {
    const work = { unmergedCommits: 3, uncommitted: ['a', 'b'] };
    expect(hasWork(work)).toBe(true);
    expect(describeWorkAtRisk(work, '3f2a')).toBe(
      '3 unmerged commits and uncommitted changes in 2 files will be kept under refs/council/archive/3f2a-… and the worktree deleted.',
    );
    expect(describeWorkAtRisk({ unmergedCommits: 1, uncommitted: [] }, 'ab12')).toBe(
      '1 unmerged commit will be kept under refs/council/archive/ab12-… and the worktree deleted.',
    );
    expect(describeWorkAtRisk({ unmergedCommits: 0, uncommitted: ['x'] }, 'ab12')).toMatch(/^Uncommitted changes in 1 file will/);
    expect(hasWork({ unmergedCommits: 0, uncommitted: [] })).toBe(false);
    expect(describeWorkAtRisk({ unmergedCommits: 0, uncommitted: [] }, 'ab12')).toBeNull();
  });
});

describe('store helpers', () => {
  it('a store notifies only on a new value', () => {
    const store = createStore({ n: 1 });
    let calls = 0;
    const off = store.subscribe(() => calls++);
    const same = store.get();
    store.set(same);
    store.set((v) => ({ n: v.n + 1 }));
    off();
    store.set({ n: 9 });
    expect(calls).toBe(1);
    expect(store.get()).toEqual({ n: 9 });
  });

  it('reuseUnchanged keeps identical items and the whole array when nothing changed', () => {
    const previous = [{ id: 'a', v: 1 }, { id: 'b', v: 2 }];
    const same = reuseUnchanged(previous, [{ id: 'a', v: 1 }, { id: 'b', v: 2 }], (x) => x.id);
    expect(same).toBe(previous);
    const changed = reuseUnchanged(previous, [{ id: 'b', v: 3 }, { id: 'a', v: 1 }], (x) => x.id);
    expect(changed[1]).toBe(previous[0]);
    expect(changed[0]).toEqual({ id: 'b', v: 3 });
    expect(reuseUnchanged(previous, [{ id: 'a', v: 1 }], (x) => x.id)).toEqual([{ id: 'a', v: 1 }]);
  });

  it('singleFlight runs once more after calls during a run, never in parallel', async () => {
    let running = 0;
    let maxParallel = 0;
    let runs = 0;
    const refresh = singleFlight(async () => {
      running++;
      maxParallel = Math.max(maxParallel, running);
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    });
    await Promise.all([refresh(), refresh(), refresh()]);
    expect(runs).toBe(2);
    expect(maxParallel).toBe(1);
  });

  it('a frame batch flushes each distinct item once per frame', () => {
    const frames: (() => void)[] = [];
    const scheduler: Scheduler = {
      requestFrame: (cb) => frames.push(cb),
      cancelFrame: () => {},
      setTimeout: () => 0,
      clearTimeout: () => {},
    };
    const flushed: string[][] = [];
    const batch = createFrameBatch<string>((items) => flushed.push([...items]), scheduler);
    batch.add('sessions');
    batch.add('locks');
    batch.add('sessions');
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(flushed).toEqual([['sessions', 'locks']]);
    batch.add('context');
    batch.cancel();
    expect(flushed).toHaveLength(1);
  });
});
