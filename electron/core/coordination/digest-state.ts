import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { byText } from '../../../shared/order';
import { fileVersion, withMutex, writeJson } from '../state/json-store';
import type { StatePaths } from '../state/paths';

/**
 * What each session's agent was last told in a digest, per conversation of its CLI (the CLI's own
 * session id: a new conversation has been told nothing, a resumed one keeps what it was told), in
 * the shared state (`council/digests/<session>.json`): the fingerprint of the last digest delivered
 * and the conflicts it named (to mark the new ones next time). Also the session's off switch.
 * Bounded: the DIGEST_CONVERSATIONS_KEPT most recent conversations. Read and written without zod
 * (the digest hook runs before every prompt); a bad file reads as empty (the digest is sent again).
 */

export const DIGEST_CONVERSATIONS_KEPT = 20;

export interface DeliveredDigest {
  fingerprint: string;
  conflicts: string[];
  at: string;
  /** The version of what the digest was made from (digestInputsKey), when known: unchanged, the
   * hook answers without building the peers view. */
  inputs?: string;
}

export interface DigestStateFile {
  /** Digests switched off for this session (`council digest off`, the session's settings). */
  off: boolean;
  conversations: Record<string, DeliveredDigest>;
}

export const digestStateFile = (paths: StatePaths, sessionId: string): string => path.join(paths.digests, `${sessionId}.json`);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readDigestState(paths: StatePaths, sessionId: string): DigestStateFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(digestStateFile(paths, sessionId), 'utf8'));
  } catch {
    return { off: false, conversations: {} };
  }
  if (!isObject(raw)) return { off: false, conversations: {} };
  const conversations: Record<string, DeliveredDigest> = {};
  if (isObject(raw.conversations)) {
    for (const [id, entry] of Object.entries(raw.conversations)) {
      if (!isObject(entry) || typeof entry.fingerprint !== 'string') continue;
      conversations[id] = {
        fingerprint: entry.fingerprint,
        conflicts: Array.isArray(entry.conflicts) ? entry.conflicts.filter((c): c is string => typeof c === 'string') : [],
        at: typeof entry.at === 'string' ? entry.at : '',
        ...(typeof entry.inputs === 'string' ? { inputs: entry.inputs } : {}),
      };
    }
  }
  return { off: raw.off === true, conversations };
}

/** Changes the session's digest state under its cross-process mutex; `change` returns the new state (null: leave it) and a result. */
export async function updateDigestState<R>(paths: StatePaths, sessionId: string, change: (state: DigestStateFile) => { next: DigestStateFile | null; result: R }): Promise<R> {
  const file = digestStateFile(paths, sessionId);
  mkdirSync(paths.digests, { recursive: true });
  return withMutex(file, () => {
    const { next, result } = change(readDigestState(paths, sessionId));
    if (next !== null) {
      const kept = Object.entries(next.conversations)
        .sort((a, b) => byText(b[1].at, a[1].at)) // ISO times: code-unit order is time order (no ICU collator)
        .slice(0, DIGEST_CONVERSATIONS_KEPT);
      writeJson(file, { off: next.off, conversations: Object.fromEntries(kept) }, 'rename-only');
    }
    return result;
  });
}

/** Switches a session's digests off or on. */
export function setDigestOff(paths: StatePaths, sessionId: string, off: boolean): Promise<void> {
  return updateDigestState(paths, sessionId, (state) => ({ next: state.off === off ? null : { ...state, off }, result: undefined }));
}

/**
 * A key that changes whenever anything a session's digest is made of may have changed: the
 * registry, the stored radar, every lock file, and every other session's context record (each
 * file's inode, times and size; nothing is read or parsed). The session's own record is left out:
 * its own hooks rewrite it on every tool call, and the digest tells nothing of it. The usual prompt
 * (nothing changed) is answered from this alone, without loading the peers view's schemas.
 */
export function digestInputsKey(paths: StatePaths, sessionId: string): string {
  const parts = [fileVersion(paths.registry), fileVersion(paths.radar)];
  for (const [dir, skip] of [[path.join(paths.dir, 'locks'), null], [paths.contextDir, `${sessionId}.json`]] as const) {
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.json') && n !== skip).sort();
    } catch {
      // none yet
    }
    const prefix = `${dir}${path.sep}`; // not path.join per name: normalizing 200 paths cost more than their stats
    for (const name of names) parts.push(`${name}=${fileVersion(prefix + name)}`);
  }
  return parts.join('|');
}
