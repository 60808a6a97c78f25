import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withHeldLock } from '../../electron/core/locks/held-lock';

/**
 * Held locks (the merge lock, the worktree list's): a free lock is taken at once, a busy one is
 * waited for until its holder lets go, and a wait longer than the caller's timeout ends in
 * lock-busy naming the holder. The wait schedule is built only once the lock was found busy.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'council-held-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('withHeldLock', () => {
  it('waits for a busy lock and takes it once the holder lets go; gives up with lock-busy after its timeout', async () => {
    const lock = path.join(dir, 'admin');
    const order: string[] = [];
    let letGo: () => void = () => undefined;
    const holding = withHeldLock(lock, 'the test lock', 15_000, async () => {
      order.push('first in');
      await new Promise<void>((r) => (letGo = r));
      order.push('first out');
    }, { purpose: 'first holder' });
    await sleep(50);

    const started = performance.now();
    const impatient = withHeldLock(lock, 'the test lock', 15_000, async () => 'never', { timeoutMs: 300 });
    await expect(impatient).rejects.toMatchObject({ code: 'lock-busy', message: expect.stringContaining('first holder') });
    const gaveUpAfter = performance.now() - started;
    expect(gaveUpAfter).toBeGreaterThanOrEqual(290);
    expect(gaveUpAfter).toBeLessThan(2000);

    const patient = withHeldLock(lock, 'the test lock', 15_000, async () => void order.push('second in'), { timeoutMs: 10_000 });
    await sleep(200);
    expect(order).toEqual(['first in']);
    letGo();
    await holding;
    await patient;
    expect(order).toEqual(['first in', 'first out', 'second in']);
  });

  it('refuses at once with timeoutMs 0', async () => {
    const lock = path.join(dir, 'now');
    let letGo: () => void = () => undefined;
    const holding = withHeldLock(lock, 'the test lock', 15_000, () => new Promise<void>((r) => (letGo = r)));
    await sleep(50);
    const started = performance.now();
    await expect(withHeldLock(lock, 'the test lock', 15_000, async () => 'never', { timeoutMs: 0 })).rejects.toMatchObject({ code: 'lock-busy' });
    expect(performance.now() - started).toBeLessThan(200);
    letGo();
    await holding;
  });
});
