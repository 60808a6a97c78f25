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

/** Before a shell command: copies of the files other sessions hold, as they are in this worktree. */
export async function snapshotHeldFiles(council: LockScope, session: Session, callId: string | null): Promise<number> {
  const dir = await callDir(council, session, callId);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const entries: Entry[] = [];
  for (const lock of council.locks.list()) {
    if (lock.sessionId === session.id) continue;
    const file = path.join(session.worktreePath, lock.path);
    let content: Buffer | null;
    try {
      content = readFileSync(file);
    } catch {
      content = null;
    }
    if (content !== null && content.length > MAX_COPY_BYTES) continue;
    const copy = content === null ? null : `${entries.length}.copy`;
    if (copy !== null && content !== null) writeFileSync(path.join(dir, copy), content);
    entries.push({ path: lock.path, holder: lock.sessionId, copy });
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
  /** What was done: the old content put back, or a file the command created removed. */
  action: 'restored' | 'removed';
}

/**
 * After a shell command: every held file it changed is put back as it was before, and the copies
 * are removed. Returns what was undone (empty when nothing was, or when no snapshot was taken).
 */
export async function undoHeldChanges(council: LockScope, session: Session, callId: string | null): Promise<Undone[]> {
  const dir = await callDir(council, session, callId);
  const manifest = path.join(dir, MANIFEST);
  if (!existsSync(manifest)) return [];
  const undone: Undone[] = [];
  try {
    const entries = JSON.parse(readFileSync(manifest, 'utf8')) as Entry[];
    for (const entry of entries) {
      const file = path.join(session.worktreePath, entry.path);
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
        undone.push({ path: entry.path, holder: entry.holder, action: 'removed' });
      } else {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, before);
        undone.push({ path: entry.path, holder: entry.holder, action: 'restored' });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return undone;
}
