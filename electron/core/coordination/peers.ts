import type { Peer, PeersView } from '../../../shared/council';
import type { SessionContextView } from '../../../shared/models';
import type { ContextStore } from '../context/context';
import { StoredRadarReader } from '../radar/stored';
import { conflictsOf } from './peer-conflicts';
import type { Workspace } from '../workspace';

export { conflictsOf } from './peer-conflicts';

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
