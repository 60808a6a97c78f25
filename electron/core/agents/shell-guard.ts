import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Session } from '../../../shared/models';
import type { LockScope } from '../locks/repo-locks';

/**
 * The guard around an agent's shell commands (issue 12, item 11). A shell command can write files
 * in ways no reading of its text can tell (`python -c …`, a script, a glob, `git checkout .`), so
 * the pre-tool hook, besides refusing what shell-writes.ts does find, keeps a copy of every file of
 * this worktree that ANOTHER session holds; the post-tool hook compares them after the command and
 * puts back any that changed (or deletes one the command created), then tells the agent which and
 * why. A file this session holds itself, or nobody holds, is never touched.
 *
 * Copies live under the repository's council state (<agents>/<session>/shell-guard/<call>/), one
 * folder per tool call (the CLI's tool-use id when it sends one, so parallel calls do not mix), and
 * are removed by the post-tool hook.
 */

interface Entry {
  /** Repository-relative (the lock's path). */
  path: string;
  holder: string;
  who?: string;
  /** The copy's file name in the call's folder, or null when the file did not exist. */
  copy: string | null;
}

const MANIFEST = 'manifest.json';
/** Files bigger than this are not copied (a held file that size is rare; the radar still sees a change). */
const MAX_COPY_BYTES = 32 * 1024 * 1024;

/** node:crypto is loaded here, on first use, not at start-up: it costs ~5 ms, and the lock hook that
 * imports this module runs before every agent edit, most of them no shell command. */
async function callDir(council: LockScope, session: Session, callId: string | null): Promise<string> {
  const { createHash } = await import('node:crypto');
  const key = createHash('sha256').update(callId ?? 'shell').digest('hex').slice(0, 16);
  return path.join(council.ws.paths.agents, session.id, 'shell-guard', key);
}

/** The payload's tool-call id (Claude, Codex), or null (Gemini sends none). */
export function toolCallId(payload: unknown): string | null {
  const id = (payload as { tool_use_id?: unknown } | null)?.tool_use_id;
  return typeof id === 'string' && id.trim() !== '' ? id : null;
}

/** A file another session holds: repository-relative, its holder, and (for a host) how to name the holder. */
export interface HeldFile {
  path: string;
  holder: string;
  who?: string;
}

/** The files sessions other than `sessionId` hold. */
export function heldByOthers(council: LockScope, sessionId: string): HeldFile[] {
  return council.locks
    .list()
    .filter((lock) => lock.sessionId !== sessionId)
    .map((lock) => ({ path: lock.path, holder: lock.sessionId }));
}

/** Before a shell command: copies of the files other sessions hold, as they are in this worktree. */
export async function snapshotHeldFiles(council: LockScope, session: Session, callId: string | null): Promise<number> {
  return copyHeldFiles(await callDir(council, session, callId), session.worktreePath, heldByOthers(council, session.id));
}

/**
 * The guard of a remote session's shell command runs on its host (issue 17): home says which files
 * others hold (with the pre-tool hook's answer), the host keeps the copies and compares them after
 * the command, in a folder of the runtime's (~/.council/guard/<session>/<call>/).
 */
export async function hostGuardDir(home: string, sessionId: string, callId: string | null): Promise<string> {
  const { createHash } = await import('node:crypto');
  const key = createHash('sha256').update(callId ?? 'shell').digest('hex').slice(0, 16);
  return path.join(home, '.council', 'guard', sessionId.replace(/[^A-Za-z0-9_-]/g, '_'), key);
}

/** Copies the held files as they are in `worktree` into `dir` (replacing what was there); how many. */
export function copyHeldFiles(dir: string, worktree: string, held: readonly HeldFile[]): number {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const entries: Entry[] = [];
  for (const lock of held) {
    const file = path.join(worktree, lock.path);
    let content: Buffer | null;
    try {
      content = readFileSync(file);
    } catch {
      content = null;
    }
    if (content !== null && content.length > MAX_COPY_BYTES) continue;
    const copy = content === null ? null : `${entries.length}.copy`;
    if (copy !== null && content !== null) writeFileSync(path.join(dir, copy), content);
    entries.push({ path: lock.path, holder: lock.holder, ...(lock.who ? { who: lock.who } : {}), copy });
  }
  const tmp = path.join(dir, `${MANIFEST}.tmp`);
  writeFileSync(tmp, JSON.stringify(entries));
  renameSync(tmp, path.join(dir, MANIFEST));
  return entries.length;
}

export interface Undone {
  /** Repository-relative. */
  path: string;
  /** The session that holds it. */
  holder: string;
  /** How the holder is named to the agent (copied on a host: home said it). */
  who?: string;
  /** What was done: the old content put back, or a file the command created removed. */
  action: 'restored' | 'removed';
}

/** What the agent is told after its command was partly undone (`name` names a holder). */
export function undoneReason(undone: readonly Undone[], name: (u: Undone) => string): string {
  const what = undone.map((u) => `${u.path} is being edited by ${name(u)} (${u.action === 'restored' ? 'its content was put back' : 'the file your command created was removed'})`);
  return `council undid part of that command: ${what.join('; ')}; work on another file or wait`;
}

/**
 * After a shell command: every held file it changed is put back as it was before, and the copies
 * are removed. Returns what was undone (empty when nothing was, or when no snapshot was taken).
 */
export async function undoHeldChanges(council: LockScope, session: Session, callId: string | null): Promise<Undone[]> {
  return undoFromCopies(await callDir(council, session, callId), session.worktreePath);
}

/** After a shell command: puts back, in `worktree`, every copied file it changed; removes the copies. */
export function undoFromCopies(dir: string, worktree: string): Undone[] {
  const manifest = path.join(dir, MANIFEST);
  if (!existsSync(manifest)) return [];
  const undone: Undone[] = [];
  try {
    const entries = JSON.parse(readFileSync(manifest, 'utf8')) as Entry[];
    for (const entry of entries) {
      const file = path.join(worktree, entry.path);
      const before = entry.copy === null ? null : readFileSync(path.join(dir, entry.copy));
      let now: Buffer | null;
      try {
        now = readFileSync(file);
      } catch {
        now = null;
      }
      if (before === null && now === null) continue;
      if (before !== null && now !== null && before.equals(now)) continue;
      if (before === null) {
        unlinkSync(file);
        undone.push({ path: entry.path, holder: entry.holder, ...(entry.who ? { who: entry.who } : {}), action: 'removed' });
      } else {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, before);
        undone.push({ path: entry.path, holder: entry.holder, ...(entry.who ? { who: entry.who } : {}), action: 'restored' });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return undone;
}
