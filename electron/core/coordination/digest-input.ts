import path from 'node:path';
import type { PeerConflict } from '../../../shared/council';
import type { Session } from '../../../shared/models';
import { FileLocks } from '../locks/file-locks';
import { settledFolderVersion } from '../state/dir-version';
import { readJsonOrNull } from '../state/json-store';
import { contextFile } from '../state/paths';
import type { RepoState } from '../state/repo-state';
import { contextOf, LegacyContextCheck, StoredRadarCheck } from '../state/state-checks';
import { DigestRecords, type ContextPick } from './digest-records';
import { renderDigest, type DigestConflict, type DigestInput } from './digest';
import { updateDigestState } from './digest-state';
import { conflictsOf } from './peer-conflicts';

/**
 * What a session's digest is made of, and its delivery, without zod: the digest hook runs before
 * every prompt of every agent, as a process of its own, and building the peers view's schemas
 * (and loading the full CLI to do it) was most of its cost. The view it reads is the peers view's
 * (peers.ts) field for field — the same registry, context records, locks and stored radar, read
 * with zod-free checks that give the schemas' answers (state/state-checks.ts) — less what the
 * digest does not tell (staleness, progress, messages: they need the settings).
 * tests/core/digest-input.test.ts holds it to digestInputOf(peersView(…)).
 */

/** The part of the peers view (shared/council.ts PeersView) a digest is made from. */
export interface DigestView {
  self: { sessionId: string; filesChanged: string[] | null; currentFile: string | null };
  peers: { sessionId: string; agent: string | null; task: string; status: string; currentFile: string | null; filesChanged: string[] | null; filesLocked: string[] }[];
  conflicts: PeerConflict[];
  radar: { base: { branch: string } } | null;
}

/** The digest's input, from the peers view (coordination/peers.ts: the one the MCP tools answer with) or the lean one below. */
export function digestInputOf(view: DigestView): DigestInput {
  const conflicts: DigestConflict[] = view.conflicts.map((c) => {
    const conflicting = c.files.filter((f) => f.kind !== 'overlap');
    return { with: c.with, files: conflicting.map((f) => f.path), overlap: c.files.map((f) => f.path), kinds: conflicting.map((f) => f.kind) };
  });
  const peers = view.peers.map((p) => ({ sessionId: p.sessionId, agent: p.agent, task: p.task, status: p.status, currentFile: p.currentFile, filesChanged: p.filesChanged ?? [], locksHeld: p.filesLocked }));
  return {
    self: { sessionId: view.self.sessionId, filesChanged: view.self.filesChanged ?? [], currentFile: view.self.currentFile },
    peers,
    conflicts,
    baseBranch: view.radar?.base.branch ?? null,
  };
}

/** A session's record as the context store reads it: missing or bad, its default (context.ts initial).
 * `folder`: the context folder with a trailing separator — the file is `folder + id + '.json'`, as
 * contextFile gives it for a registry id (hex), without path.join's normalizing for each of 100 sessions. */
function contextRecord(records: DigestRecords, folder: string, session: Session, versions: ReadonlyMap<string, string> | undefined): ContextPick {
  const name = `${session.id}.json`;
  const record = records.context(folder, name, versions?.get(name), pickContext);
  return record ?? { sessionId: session.id, agent: session.agent, task: session.task, status: 'idle', currentFile: null };
}

/** A context file's text as the digest takes it (context.ts's reading: legacy statuses), or null when corrupt or foreign. */
function pickContext(text: string): ContextPick | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const checked = LegacyContextCheck.safeParse(value);
  if (!checked.success) return null;
  const { sessionId, agent, task, status, currentFile } = contextOf(checked.data);
  return { sessionId, agent, task, status, currentFile };
}

/**
 * The peers view of session `ref` as a digest needs it (peers.ts peersView, without the settings or
 * zod). Its records are read through the ones the digest hooks keep (digest-records.ts): only those
 * that changed since are read again. `versions`: the context files' versions digestInputsKey has
 * just taken (else each is stat'ed here).
 */
export function digestView(state: RepoState, ref: string, versions?: ReadonlyMap<string, string>): DigestView {
  const me = state.registry.resolve(ref).id;
  const folder = `${path.dirname(contextFile(state.paths, me))}${path.sep}`;
  const records = DigestRecords.read(state.paths);
  const all = state.registry.all().map((s) => contextRecord(records, folder, s, versions));
  const lockedBy = new Map<string, string[]>();
  const locks = new FileLocks(state);
  const settled = settledFolderVersion(locks.dir);
  const locksKey = settled === null ? null : `${settled}|${state.registry.version}`;
  for (const lock of records.lockList(locksKey, () => locks.list())) {
    const list = lockedBy.get(lock.sessionId) ?? [];
    list.push(lock.path);
    lockedBy.set(lock.sessionId, list);
  }
  records.save();
  const stored = readJsonOrNull(state.paths.radar, StoredRadarCheck);
  const files = new Map<string, string[]>();
  if (stored) for (const s of stored.radar.sessions) files.set(s.sessionId, s.files);
  const contexts = new Map(all.map((c) => [c.sessionId, c]));
  const selfContext = contexts.get(me);
  if (!selfContext) throw new Error(`session ${me} has no context record`);
  const peer = (c: (typeof all)[number]) => ({ ...c, filesChanged: files.get(c.sessionId) ?? null, filesLocked: lockedBy.get(c.sessionId) ?? [] });
  return {
    self: peer(selfContext),
    peers: all.filter((c) => c.sessionId !== me).map(peer),
    conflicts: stored ? conflictsOf(stored, me, contexts) : [],
    radar: stored ? { base: stored.radar.base } : null,
  };
}

export interface DeliveryRequest {
  sessionId: string;
  /** The CLI's conversation id ('' when the payload had none). */
  conversation: string;
  /** The conversation lost what it was told (a /clear, a compaction, a resume that drops hook
   * context): tell it again even if unchanged (conflicts it was told before are not marked NEW). */
  fresh?: boolean;
  /** The version of the inputs it is made from (digestInputsKey), to remember with it. */
  inputs?: string;
  now?: Date;
}

/**
 * The digest of `input` to add to the agent's context now, or null: nothing to tell, nothing
 * changed since this conversation was told, or digests are off. The check and the record are one
 * step under the state's mutex, so two hooks of one conversation at once never both send it.
 */
export function deliverDigest(state: Pick<RepoState, 'paths'>, request: DeliveryRequest, input: DigestInput): Promise<string | null> {
  const key = request.conversation || 'default';
  return updateDigestState(state.paths, request.sessionId, (current) => {
    if (current.off) return { next: null, result: null };
    const last = current.conversations[key];
    const digest = renderDigest(input, last ? new Set(last.conflicts) : null);
    // The radar version the conflict notice last checked stays: every conflict it had told is in
    // the digest's list too (a hint only: another version makes the notice look again).
    const entry = { fingerprint: digest.fingerprint, conflicts: digest.conflictKeys, at: (request.now ?? new Date()).toISOString(), ...(request.inputs ? { inputs: request.inputs } : {}), ...(last?.radar ? { radar: last.radar } : {}) };
    if (!request.fresh && last && last.fingerprint === digest.fingerprint) {
      // Nothing to tell; remember the inputs' version, so that the next unchanged prompt is answered from it alone.
      return { next: request.inputs && last.inputs !== request.inputs ? { ...current, conversations: { ...current.conversations, [key]: { ...last, inputs: request.inputs } } } : null, result: null };
    }
    const next = { ...current, conversations: { ...current.conversations, [key]: entry } };
    // Nothing to tell (no peers): recorded, so that the first peer's arrival is news.
    return { next, result: digest.text === '' ? null : digest.text };
  });
}
