import { deliverDigest, digestInputOf, type DeliveryRequest } from './digest-input';
import { peersView, type PeersHost } from './peers';

/**
 * When a session's agent is told its digest: at the start of a conversation and on a new prompt,
 * only when what it would be told differs from what this conversation was told last (the
 * fingerprint in digest-state.ts). The check and the record are one step under the state's mutex,
 * so two hooks of one conversation at once never both send it (digest-input.ts deliverDigest).
 * This is the digest from a workspace's peers view; the digest hook reads the same view without
 * zod (digest-input.ts digestView).
 */

export { digestInputOf } from './digest-input';

export interface DigestRequest extends DeliveryRequest {
  host: PeersHost;
}

/** The digest to add to the agent's context now, or null: nothing to tell, nothing changed, or digests are off. */
export async function digestToDeliver(request: DigestRequest): Promise<string | null> {
  const input = digestInputOf(peersView(request.host, request.sessionId, (request.now ?? new Date()).getTime()));
  return deliverDigest(request.host.ws, request, input);
}
