import type { Peer, PeerConflict, PeerConflictFile, PeersView } from '../../../shared/council';
import { BASE_SIDE } from '../../../shared/merge';
import type { SessionContextView } from '../../../shared/models';
import type { ContextStore } from '../context/context';
import { StoredRadarReader, type StoredRadar } from '../radar/stored';
import type { Workspace } from '../workspace';

/**
 * The peers view (issue 15): for one session, every other session's agent, task, status, current
 * file, files changed against its base and locks held, and the conflicts the radar predicts
 * between the asking session and its peers or the base — each file with the kind, git's line, what
 * the other side did to it and who holds it.
 *
 * It runs no git and starts no process: contexts are read through the context store's cache (one
 * stat per session, parsed only when changed), locks from their files, and the radar from what the
 * last compute stored (radar/stored.ts, parsed once per version); the answer says how old that is.
 * Faces: `council.peers` (the agents' MCP tool, the CLI), and the digests agents' hooks add.
 */

export interface PeersHost {
  readonly ws: Pick<Workspace, 'registry' | 'paths'>;
  readonly context: Pick<ContextStore, 'all'>;
}

/** One stored-radar reader per repository state folder (its parse is cached per file version). */
const readers = new Map<string, StoredRadarReader>();

function readerFor(host: PeersHost): StoredRadarReader {
  let reader = readers.get(host.ws.paths.radar);
  if (!reader) {
    reader = new StoredRadarReader(host.ws.paths as Workspace['paths']);
    readers.set(host.ws.paths.radar, reader);
  }
  return reader;
}

function peerOf(c: SessionContextView, files: ReadonlyMap<string, string[]>): Peer {
  return {
    sessionId: c.sessionId,
    agent: c.agent,
    task: c.task,
    status: c.status,
    currentFile: c.currentFile,
    progress: c.progress,
    message: c.message,
    filesChanged: files.get(c.sessionId) ?? null,
    filesLocked: c.filesLocked,
    stale: c.stale,
    updatedAt: c.updatedAt,
  };
}

/** The radar's pairs involving `me`, oriented from `me`, conflicts first (then by the other side). */
export function conflictsOf(stored: StoredRadar, me: string, contexts: ReadonlyMap<string, SessionContextView>): PeerConflict[] {
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

/** The peers view of session `ref` (an id or a unique prefix). */
export function peersView(host: PeersHost, ref: string, now = Date.now()): PeersView {
  const me = host.ws.registry.resolve(ref).id;
  const all = host.context.all();
  const stored = readerFor(host).read();
  const files = new Map<string, string[]>();
  if (stored) for (const s of stored.radar.sessions) files.set(s.sessionId, s.files);
  const contexts = new Map(all.map((c) => [c.sessionId, c]));
  const selfContext = contexts.get(me);
  if (!selfContext) throw new Error(`session ${me} has no context record`); // all() has one per registered session
  return {
    self: peerOf(selfContext, files),
    peers: all.filter((c) => c.sessionId !== me).map((c) => peerOf(c, files)),
    conflicts: stored ? conflictsOf(stored, me, contexts) : [],
    radar: stored ? { computedAt: stored.radar.computedAt, ageMs: Math.max(0, now - Date.parse(stored.radar.computedAt)), base: stored.radar.base } : null,
  };
}
