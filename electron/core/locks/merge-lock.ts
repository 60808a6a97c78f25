import { mkdirSync, unlinkSync } from 'node:fs';
import * as z from 'zod/mini';
import { CouncilError } from '../errors';
import { loadLockfile, readJsonOrNull, writeJson } from '../state/json-store';
import type { Workspace } from '../workspace';

/**
 * One merge at a time per repository, across processes. Held for as long as a merge (and its gate
 * command) takes, so unlike the short file-store mutexes it is refreshed in the background while
 * held; a holder that dies loses it after MERGE_LOCK_STALE_MS.
 */
export const MERGE_LOCK_STALE_MS = 10_000;

const HolderSchema = z.object({ pid: z.number(), purpose: z.string(), since: z.string() });
export type MergeLockHolder = z.infer<typeof HolderSchema>;

export interface MergeLockOptions {
  /** How long to wait for another merge to finish; 0 answers at once. */
  timeoutMs?: number;
  /** Shown to whoever finds the lock busy, e.g. "merge of session 3f2a1b". */
  purpose?: string;
}

const holderFile = (ws: Workspace): string => `${ws.paths.merge}.holder.json`;

export function mergeLockHolder(ws: Workspace): MergeLockHolder | null {
  return readJsonOrNull(holderFile(ws), HolderSchema);
}

/** Runs `fn` holding the repository's merge lock. `fn` learns if the lock was lost while held. */
export async function withMergeLock<T>(ws: Workspace, fn: (lost: () => boolean) => Promise<T>, options: MergeLockOptions = {}): Promise<T> {
  mkdirSync(ws.paths.dir, { recursive: true });
  const lockfile = await loadLockfile();
  const timeoutMs = options.timeoutMs ?? 0;
  let lost = false;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(ws.paths.merge, {
      realpath: false,
      lockfilePath: `${ws.paths.merge}.lock`,
      stale: MERGE_LOCK_STALE_MS,
      update: 2000,
      retries: timeoutMs > 0 ? { retries: Math.ceil(timeoutMs / 50), minTimeout: 50, maxTimeout: 50, factor: 1 } : 0,
      onCompromised: () => {
        lost = true;
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    const holder = mergeLockHolder(ws);
    const by = holder ? ` by process ${holder.pid} (${holder.purpose}, since ${holder.since})` : '';
    throw new CouncilError('lock-busy', `another merge is in progress in this repository${by}`, holder ? { ...holder } : undefined);
  }
  try {
    writeJson(holderFile(ws), { pid: process.pid, purpose: options.purpose ?? 'merge', since: new Date().toISOString() }, 'rename-only');
    return await fn(() => lost);
  } finally {
    try {
      unlinkSync(holderFile(ws));
    } catch {
      // already gone
    }
    await release().catch(() => undefined);
  }
}
