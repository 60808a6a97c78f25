import type { PeerConflict, PeerConflictFile } from '../../../shared/council';
import type { StoredRadar } from '../radar/stored';

/** The "other side" of a radar pair that is the base branch (shared/merge.ts BASE_SIDE; zod-free here). */
const BASE_SIDE = 'base';

/**
 * The radar's pairs involving `me`, oriented from `me`, conflicts first (then by the other side).
 * Zod-free (no schema is built by importing it): the peers view (peers.ts) and the digest hook's
 * reader (digest-input.ts) share it.
 */
export function conflictsOf(stored: StoredRadar, me: string, contexts: ReadonlyMap<string, { agent: string | null; task: string }>): PeerConflict[] {
  const { radar, changes } = stored;
  const out: PeerConflict[] = [];
  for (const pair of radar.pairs) {
    if (pair.a !== me && pair.b !== me) continue;
    const other = pair.a === me ? pair.b : pair.a;
    const theirs = other === BASE_SIDE ? undefined : changes[other];
    const files: PeerConflictFile[] = [];
    const seen = new Set<string>();
    for (const c of pair.conflicts) {
      seen.add(c.path);
      files.push({ path: c.path, kind: c.kind, message: c.message, theirChange: theirs?.[c.path] ?? null, lockedBy: radar.lockOwners[c.path] ?? null });
    }
    for (const path of pair.overlap) {
      if (seen.has(path)) continue;
      files.push({ path, kind: 'overlap', message: null, theirChange: theirs?.[path] ?? null, lockedBy: radar.lockOwners[path] ?? null });
    }
    const context = other === BASE_SIDE ? undefined : contexts.get(other);
    out.push({ with: other, agent: context?.agent ?? null, task: context?.task ?? null, files });
  }
  const conflicting = (p: PeerConflict): number => (p.files.some((f) => f.kind !== 'overlap') ? 0 : 1);
  return out.sort((x, y) => conflicting(x) - conflicting(y) || (x.with === BASE_SIDE ? -1 : y.with === BASE_SIDE ? 1 : x.with < y.with ? -1 : 1));
}
