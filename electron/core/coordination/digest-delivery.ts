import type { PeersView } from '../../../shared/council';
import { renderDigest, type DigestConflict, type DigestInput } from './digest';
import { updateDigestState } from './digest-state';
import { peersView, type PeersHost } from './peers';

/**
 * When a session's agent is told its digest: at the start of a conversation and on a new prompt,
 * only when what it would be told differs from what this conversation was told last (the
 * fingerprint in digest-state.ts). The check and the record are one step under the state's mutex,
 * so two hooks of one conversation at once never both send it.
 */

/** The digest's input, from the peers view (coordination/peers.ts: the one the MCP tools answer with). */
export function digestInputOf(view: PeersView): DigestInput {
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

export interface DigestRequest {
  host: PeersHost;
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

/** The digest to add to the agent's context now, or null: nothing to tell, nothing changed, or digests are off. */
export async function digestToDeliver(request: DigestRequest): Promise<string | null> {
  const { ws } = request.host;
  const input = digestInputOf(peersView(request.host, request.sessionId, (request.now ?? new Date()).getTime()));
  const key = request.conversation || 'default';
  return updateDigestState(ws.paths, request.sessionId, (state) => {
    if (state.off) return { next: null, result: null };
    const last = state.conversations[key];
    const digest = renderDigest(input, last ? new Set(last.conflicts) : null);
    const entry = { fingerprint: digest.fingerprint, conflicts: digest.conflictKeys, at: (request.now ?? new Date()).toISOString(), ...(request.inputs ? { inputs: request.inputs } : {}) };
    if (!request.fresh && last && last.fingerprint === digest.fingerprint) {
      // Nothing to tell; remember the inputs' version, so that the next unchanged prompt is answered from it alone.
      return { next: request.inputs && last.inputs !== request.inputs ? { ...state, conversations: { ...state.conversations, [key]: { ...last, inputs: request.inputs } } } : null, result: null };
    }
    const next = { ...state, conversations: { ...state.conversations, [key]: entry } };
    // Nothing to tell (no peers): recorded, so that the first peer's arrival is news.
    return { next, result: digest.text === '' ? null : digest.text };
  });
}
