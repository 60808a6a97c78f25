import * as z from 'zod/mini';
import { byText } from '../../../shared/order';
import { mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import {
  CONTEXT_HISTORY_LIMIT,
  CONTEXT_STATUSES,
  ContextUpdateSchema,
  SessionContextSchema,
  StatusChangeSchema,
  type ContextStatus,
  type ContextUpdate,
  type FileConflict,
  type Session,
  type SessionContext,
  type SessionContextView,
  type Settings,
  type TaskSummary,
} from '../../../shared/models';
import { describeIssue } from '../../../shared/validation';
import { CouncilError, invalidInput } from '../errors';
import { FileLocks } from '../locks/file-locks';
import { DirectoryVersion } from '../state/dir-version';
import { fileVersion, readJsonOrNull, withMutex, writeJson } from '../state/json-store';
import { contextFile, type StatePaths } from '../state/paths';
import { isUpdateNote } from './update-note';
import type { RepoState } from '../state/repo-state';

/**
 * Shared context: one status file per session (what it is doing, on which file, how far), written
 * by whoever knows (agent hooks, runners, the user) and read by everyone. Reads never throw on a
 * bad file: a corrupt or half-written record reads as the session's default.
 */

const MESSAGE_MAX = 2000;

function initial(session: Pick<Session, 'id' | 'agent' | 'task'>, now: string): SessionContext {
  return {
    sessionId: session.id,
    agent: session.agent,
    task: session.task,
    status: 'idle',
    currentFile: null,
    progress: null,
    message: null,
    blockedReason: null,
    blockedOn: null,
    updatedAt: now,
    history: [{ status: 'idle', at: now, message: 'session created' }],
    clashes: [],
  };
}

/** Called once by session creation, before anyone else can know the id. */
export function writeInitialContext(paths: StatePaths, session: Session): void {
  mkdirSync(paths.contextDir, { recursive: true });
  writeJson(contextFile(paths, session.id), initial(session, session.createdAt), 'rename-only');
}

/**
 * What the context store works on: the repository's state, and its settings for the views (how long
 * before a session counts as stale). The lock domain (the lock hook) opens it without settings: it
 * only writes records (a refusal marks the session blocked).
 */
export type ContextHost = RepoState & { settings?: () => Pick<Settings, 'staleAfterMinutes'> };

export class ContextStore {
  private readonly locks: FileLocks;
  /** Each session's record as last read, keyed by its file's version (inode, ctime, mtime, size):
   * the board lists every session at each change of one, and 500 reads and validations of
   * unchanged files were most of what `sessions.list` cost. */
  private readonly read = new Map<string, { version: string; context: SessionContext | null }>();
  /** The context folder's version: unchanged since every record was last read, all() stats none
   * of them (state/dir-version.ts). */
  private readonly folder: DirectoryVersion;

  constructor(private readonly ws: ContextHost) {
    this.locks = new FileLocks(ws);
    this.folder = new DirectoryVersion(ws.paths.contextDir);
  }

  /** The session's record (its default when missing or bad); `unchanged`: the folder is known not
   * to have changed since the cached read, so the file need not even be stat'ed. */
  private stored(session: Session, unchanged = false): SessionContext {
    const cached = this.read.get(session.id);
    if (unchanged && cached) return cached.context ?? initial(session, session.createdAt);
    const file = contextFile(this.ws.paths, session.id);
    const version = fileVersion(file);
    if (cached?.version === version) return cached.context ?? initial(session, session.createdAt);
    const context = readContext(file);
    this.read.set(session.id, { version, context });
    return context ?? initial(session, session.createdAt);
  }

  private view(context: SessionContext, lockedBy: Map<string, string[]>, now: number, staleMs: number): SessionContextView {
    const active = context.status !== 'done' && context.status !== 'failed';
    return {
      ...context,
      filesLocked: lockedBy.get(context.sessionId) ?? [],
      stale: active && now - Date.parse(context.updatedAt) > staleMs,
    };
  }

  private lockedBySession(): Map<string, string[]> {
    const map = new Map<string, string[]>();
    for (const lock of this.locks.list()) {
      const list = map.get(lock.sessionId) ?? [];
      list.push(lock.path);
      map.set(lock.sessionId, list);
    }
    return map;
  }

  get(sessionId: string): SessionContextView {
    const session = this.ws.registry.resolve(sessionId);
    return this.view(this.stored(session), this.lockedBySession(), Date.now(), this.staleMs());
  }

  private staleMs(): number {
    if (!this.ws.settings) throw new CouncilError('internal', 'this context store was opened without the settings (the lock domain alone); open the workspace to read its views');
    return this.ws.settings().staleAfterMinutes * 60_000;
  }

  all(): SessionContextView[] {
    const locked = this.lockedBySession();
    const now = Date.now();
    const staleMs = this.staleMs();
    const sessions = this.ws.registry.all();
    if (this.read.size > sessions.length) {
      const ids = new Set(sessions.map((s) => s.id));
      for (const id of this.read.keys()) if (!ids.has(id)) this.read.delete(id);
    }
    const unchanged = this.folder.unchanged();
    return sessions.map((s) => this.view(this.stored(s, unchanged), locked, now, staleMs));
  }

  /**
   * Changes some fields of a session's context and returns the stored record. A status change is
   * added to the history; `currentFile` and `blockedOn` are normalized like lock paths. (The record,
   * not the view: agents' hooks call this on every tool use, and the view would read every lock.)
   */
  async update(sessionId: string, patch: ContextUpdate, options: { cwd?: string } = {}): Promise<SessionContext> {
    const checked = ContextUpdateSchema.safeParse(patch);
    if (!checked.success) {
      throw invalidInput(`bad context update: ${describeIssue(checked.error, 'update')}`);
    }
    const changes = { ...checked.data };
    for (const key of ['message', 'progress', 'blockedReason'] as const) {
      const value = changes[key];
      if (typeof value === 'string' && value.length > MESSAGE_MAX) changes[key] = value.slice(0, MESSAGE_MAX);
    }
    if (changes.currentFile) changes.currentFile = this.normalizeFile(changes.currentFile, options.cwd);
    if (changes.blockedOn) changes.blockedOn = this.normalizeFile(changes.blockedOn, options.cwd);
    const session = this.ws.registry.resolve(sessionId);
    const file = contextFile(this.ws.paths, session.id);
    mkdirSync(this.ws.paths.contextDir, { recursive: true });
    return withMutex(file, () => {
      const current = readContext(file) ?? initial(session, session.createdAt);
      const now = new Date().toISOString();
      const merged: SessionContext = { ...current, ...stripUndefined(changes), updatedAt: now };
      // How the last update from base ended ("… was undone") is true until the session changes again.
      if (changes.message === undefined && isUpdateNote(current.message)) merged.message = null;
      if (changes.status && changes.status !== 'blocked' && changes.blockedReason === undefined) {
        merged.blockedReason = null;
        merged.blockedOn = null;
      }
      if (changes.status && changes.status !== current.status) {
        merged.history = [...current.history, { status: changes.status, at: now, message: merged.message }].slice(-CONTEXT_HISTORY_LIMIT);
      }
      writeJson(file, merged, 'rename-only');
      return merged;
    });
  }

  /**
   * Records that the session edited `path` while `holder` held it (an advisory lock: it could not
   * be stopped). It stays listed by fileConflicts() until `holder` no longer holds the file.
   */
  async noteClash(sessionId: string, clash: { path: string; holder: string }, options: { cwd?: string } = {}): Promise<SessionContext> {
    const session = this.ws.registry.resolve(sessionId);
    const rel = this.normalizeFile(clash.path, options.cwd);
    const file = contextFile(this.ws.paths, session.id);
    mkdirSync(this.ws.paths.contextDir, { recursive: true });
    return withMutex(file, () => {
      const current = readContext(file) ?? initial(session, session.createdAt);
      if (current.clashes.some((c) => c.path === rel && c.holder === clash.holder)) return current;
      const merged: SessionContext = { ...current, clashes: [...current.clashes, { path: rel, holder: clash.holder, at: new Date().toISOString() }].slice(-100), updatedAt: new Date().toISOString() };
      writeJson(file, merged, 'rename-only');
      return merged;
    });
  }

  /** The session's recorded clashes whose file its holder still holds (the unresolved ones). */
  openClashes(sessionId: string): SessionContext['clashes'] {
    const owners = new Map(this.locks.list().map((l) => [l.path, l.sessionId]));
    return this.get(sessionId).clashes.filter((c) => owners.get(c.path) === c.holder);
  }

  /** Marks a session blocked, with why and (optionally) on which file. */
  markBlocked(sessionId: string, reason: string, on?: string, options: { cwd?: string } = {}): Promise<SessionContext> {
    if (!reason.trim()) throw invalidInput('a blocked session needs a reason');
    return this.update(sessionId, { status: 'blocked', blockedReason: reason.trim(), blockedOn: on ?? null, message: reason.trim() }, options);
  }

  private normalizeFile(input: string, cwd?: string): string {
    return this.locks.normalize(input, cwd);
  }

  /**
   * Files more than one active session is on: the same current file, or a current file locked by
   * another session (sessions that are done or failed no longer count); and, whatever their status,
   * advisory lock clashes whose file the holder still holds (issue 12: "X finished" must not hide
   * an edit of a file another session holds).
   */
  fileConflicts(): FileConflict[] {
    const all = this.all();
    const active = all.filter((c) => c.status !== 'done' && c.status !== 'failed');
    const byFile = new Map<string, Set<string>>();
    for (const c of active) {
      if (!c.currentFile) continue;
      const set = byFile.get(c.currentFile) ?? new Set();
      set.add(c.sessionId);
      byFile.set(c.currentFile, set);
    }
    const owners = new Map(this.locks.list().map((l) => [l.path, l.sessionId]));
    for (const c of all) {
      for (const clash of c.clashes) {
        if (owners.get(clash.path) !== clash.holder) continue; // resolved: the holder let it go
        const set = byFile.get(clash.path) ?? new Set();
        set.add(c.sessionId);
        byFile.set(clash.path, set);
      }
    }
    const conflicts: FileConflict[] = [];
    for (const [file, ids] of byFile) {
      const owner = owners.get(file) ?? null;
      if (owner) ids.add(owner);
      if (ids.size < 2) continue;
      conflicts.push({ path: file, sessionIds: [...ids].sort(), lockOwner: owner });
    }
    return conflicts.sort((a, b) => byText(a.path, b.path));
  }

  summary(): TaskSummary {
    const byStatus = Object.fromEntries(CONTEXT_STATUSES.map((s) => [s, 0])) as Record<ContextStatus, number>;
    const all = this.all();
    for (const c of all) byStatus[c.status]++;
    return { total: all.length, byStatus };
  }

  /**
   * Deletes context records whose session is gone (always) — records of live sessions are kept
   * however old, since the session may resume; they show as `stale` instead. Returns the ids of
   * records removed and of live sessions that are stale.
   */
  cleanupStale(): { removed: string[]; stale: string[] } {
    const removed: string[] = [];
    let names: string[] = [];
    try {
      names = readdirSync(this.ws.paths.contextDir);
    } catch {
      // no context folder yet
    }
    for (const name of names) {
      const id = path.basename(name, '.json');
      if (!name.endsWith('.json') || this.ws.registry.find(id)) continue;
      try {
        unlinkSync(path.join(this.ws.paths.contextDir, name));
        removed.push(id);
      } catch {
        // removed by someone else meanwhile
      }
    }
    return { removed: removed.sort(), stale: this.all().filter((c) => c.stale).map((c) => c.sessionId) };
  }

  /** Deletes one session's record (session removal). */
  remove(sessionId: string): void {
    try {
      unlinkSync(contextFile(this.ws.paths, sessionId));
    } catch {
      // not there
    }
  }
}

/**
 * A stored record, or null. Records written before issue 12 may say `waiting` (then both "idle" and
 * "needs your input"): read as `idle`, the one that claims nothing.
 */
function readContext(file: string): SessionContext | null {
  const raw = readJsonOrNull(file, LegacyContextSchema);
  if (!raw) return null;
  const status = (s: ContextStatus | 'waiting'): ContextStatus => (s === 'waiting' ? 'idle' : s);
  return SessionContextSchema.parse({ ...raw, status: status(raw.status), history: raw.history.map((h) => ({ ...h, status: status(h.status) })) });
}

const LegacyStatusSchema = z.enum([...CONTEXT_STATUSES, 'waiting']);
const LegacyContextSchema = z.extend(SessionContextSchema, {
  status: LegacyStatusSchema,
  history: z.array(z.extend(StatusChangeSchema, { status: LegacyStatusSchema })),
});

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

