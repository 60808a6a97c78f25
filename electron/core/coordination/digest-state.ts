import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { byText } from '../../../shared/order';
import { settledFolderVersion } from '../state/dir-version';
import { statVersion } from './digest-records';
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
  /** The stored radar's file version whose conflicts with this session this conversation has all
   * been told (the conflict notice after each tool call, conflict-notice.ts): unchanged, that hook
   * answers without reading the radar. */
  radar?: string;
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
        ...(typeof entry.radar === 'string' ? { radar: entry.radar } : {}),
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
        .slice(0, DIGEST_CONVERSATIONS_KEPT)
        // An inputs key written before it was hashed (the whole list of versions): dropped, not kept for ever.
        .map(([id, entry]): [string, DeliveredDigest] => [id, entry.inputs !== undefined && entry.inputs.length > 64 ? { ...entry, inputs: undefined } : entry]);
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
 * registry, the stored radar, the lock folder, and every other session's context record (file and
 * folder versions: inode, times, size; nothing is read or parsed). The session's own record is
 * left out: its own hooks rewrite it on every tool call, and the digest tells nothing of it. The
 * usual prompt (nothing changed) is answered from this alone, without building the peers view.
 *
 * The lock folder counts by its own version (one stat instead of one per lock: every lock is
 * added, replaced or removed by a rename, link or unlink, which changes it) once its last change is
 * older than the racy window (state/dir-version.ts); changed more recently, by each lock file's
 * version as before. The key is a 106-bit hash of those versions (KeyHash): the versions written
 * out, kept per conversation, made the session's digest state a 220 KB file that every hook read
 * and rewrote. Every record is replaced by a rename (a new inode), so a changed one never hashes
 * the same but by a 2^-106 chance.
 * `versions`, when given, receives each context file's version (name → digest-records.ts
 * statVersion) for the view built next, so that it need not stat them again.
 */
export function digestInputsKey(paths: StatePaths, sessionId: string, now: () => number = Date.now, versions?: Map<string, string>): string {
  const hash = new KeyHash();
  hash.text(fileVersion(paths.registry));
  hash.text(fileVersion(paths.radar));
  const locks = path.join(paths.dir, 'locks');
  const settled = settledFolderVersion(locks, now);
  hash.text(settled === null ? 'locks: each' : `locks@${settled}`);
  const folders: [string, string | null][] = [[paths.contextDir, `${sessionId}.json`]];
  if (settled === null) folders.unshift([locks, null]);
  for (const [dir, skip] of folders) {
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.json') && n !== skip).sort();
    } catch {
      // none yet
    }
    hash.text(dir);
    const prefix = `${dir}${path.sep}`; // not path.join per name: normalizing 200 paths cost more than their stats
    for (const name of names) {
      hash.text(name);
      try {
        const s = statSync(prefix + name);
        if (versions && dir === paths.contextDir) versions.set(name, statVersion(s)); // the view's records are taken by these (digest-records.ts)
        hash.number(s.ino);
        hash.number(s.ctimeMs * 1000);
        hash.number(s.mtimeMs * 1000);
        hash.number(s.size);
      } catch {
        hash.number(-1); // gone since the listing
      }
    }
  }
  return hash.hex();
}

/** cyrb53 twice (two seeds) over the numbers and texts given: no node:crypto to load in a hook. */
export class KeyHash {
  private a1 = 0xdeadbeef ^ 1;
  private a2 = 0x41c6ce57 ^ 1;
  private b1 = 0xdeadbeef ^ 0x9e3779b9;
  private b2 = 0x41c6ce57 ^ 0x9e3779b9;

  private mix(c: number): void {
    this.a1 = Math.imul(this.a1 ^ c, 2654435761);
    this.a2 = Math.imul(this.a2 ^ c, 1597334677);
    this.b1 = Math.imul(this.b1 ^ c, 2246822519);
    this.b2 = Math.imul(this.b2 ^ c, 3266489917);
  }

  text(value: string): void {
    for (let i = 0; i < value.length; i++) this.mix(value.charCodeAt(i));
    this.mix(0x10000 + value.length); // a separator no character can be
  }

  /** A number (an integer up to 2^53, or any other by its rounding): its two 32-bit halves. */
  number(value: number): void {
    const whole = Math.round(value);
    this.mix(whole >>> 0);
    this.mix(Math.floor(whole / 4294967296) | 0);
  }

  hex(): string {
    const fold = (h1: number, h2: number): string => {
      const x = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
      const y = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(x ^ (x >>> 13), 3266489909);
      return (4294967296 * (2097151 & y) + (x >>> 0)).toString(16).padStart(14, '0');
    };
    return fold(this.a1, this.a2) + fold(this.b1, this.b2);
  }
}
