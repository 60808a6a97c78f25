import { mkdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import { CouncilError } from '../errors';
import { readJsonOrNull, writeJson } from '../state/json-store';

/**
 * A cross-process lock held for as long as a slow operation takes (a merge, a `git worktree add`
 * on a large repository). Unlike the short file-store mutexes it is refreshed in the background
 * while held, and a holder that dies loses it after `staleMs`. Whoever finds it busy learns who
 * holds it (pid, purpose, since), from a small holder file written next to it.
 */
const HolderSchema = z.object({ pid: z.number(), purpose: z.string(), since: z.string() });
export type LockHolder = z.infer<typeof HolderSchema>;

export interface HeldLockOptions {
  /** How long to wait for the current holder; 0 answers at once. */
  timeoutMs?: number;
  /** Shown to whoever finds the lock busy, e.g. "merge of session 3f2a1b". */
  purpose?: string;
}

/** proper-lockfile, loaded on first use: only a slow operation (a merge, a worktree change) needs it. */
let lockfileModule: Promise<typeof import('proper-lockfile')> | null = null;
const loadLockfile = async (): Promise<typeof import('proper-lockfile')> => {
  const module = await (lockfileModule ??= import('proper-lockfile'));
  return (module as { default?: typeof import('proper-lockfile') }).default ?? module;
};

export const holderOf = (lockPath: string): LockHolder | null => readJsonOrNull(`${lockPath}.holder.json`, HolderSchema);

/**
 * The waits between tries for a busy lock, covering `timeoutMs`: 5 ms growing by 1.5× to 50 ms,
 * then every 50 ms. Given to `retry` as the list itself: described as options ({ retries: N }),
 * `retry` computes and sorts N waits up front, and a 10-minute wait is 24,000 of them — ~8 ms of
 * every `session create`, paid before git started even when the lock was free.
 */
function waitSchedule(timeoutMs: number): number[] {
  const waits: number[] = [];
  let total = 0;
  for (let wait = 5; total < timeoutMs; wait = Math.min(50, Math.round(wait * 1.5))) {
    waits.push(wait);
    total += wait;
  }
  return waits;
}

export async function withHeldLock<T>(
  lockPath: string,
  what: string,
  staleMs: number,
  fn: (lost: () => boolean) => Promise<T>,
  options: HeldLockOptions = {},
): Promise<T> {
  mkdirSync(path.dirname(lockPath), { recursive: true });
  const lockfile = await loadLockfile();
  const timeoutMs = options.timeoutMs ?? 0;
  let lost = false;
  let release: () => Promise<void>;
  const take = (retries: number | number[]) =>
    lockfile.lock(lockPath, {
      realpath: false,
      lockfilePath: `${lockPath}.lock`,
      stale: staleMs,
      update: Math.max(1000, staleMs / 5),
      // proper-lockfile's types say number | options; an array of waits is what `retry` takes too.
      retries: retries as number,
      onCompromised: () => {
        lost = true;
      },
    });
  const busy = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ELOCKED';
  try {
    // Once without waiting: a free lock (the usual case) never builds the wait schedule.
    release = await take(0).catch((err: unknown) => {
      if (timeoutMs <= 0 || !busy(err)) throw err;
      return take(waitSchedule(timeoutMs));
    });
  } catch (err) {
    if (!busy(err)) throw err;
    const holder = holderOf(lockPath);
    const by = holder ? ` by process ${holder.pid} (${holder.purpose}, since ${holder.since})` : '';
    throw new CouncilError('lock-busy', `${what} is held${by}`, holder ? { ...holder } : undefined);
  }
  const holderFile = `${lockPath}.holder.json`;
  try {
    writeJson(holderFile, { pid: process.pid, purpose: options.purpose ?? what, since: new Date().toISOString() }, 'rename-only');
    return await fn(() => lost);
  } finally {
    try {
      unlinkSync(holderFile);
    } catch {
      // already gone
    }
    await release().catch(() => undefined);
  }
}
