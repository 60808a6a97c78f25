import { byText } from '../../../shared/order';
import { closeSync, linkSync, mkdirSync, openSync, readdirSync, unlinkSync, watch, writeSync, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { FileLock, Session } from '../../../shared/models';
import { arrayOf, checkOf, FileLockCheck, objectOf, text, type RecordCheck } from '../../../shared/record-checks';
import { CouncilError, conflict, invalidInput } from '../errors';
import { DirectoryVersion } from '../state/dir-version';
import { fileVersion, readJsonOrNull, withMutex, writeFileAtomicSync } from '../state/json-store';
import type { RepoState } from '../state/repo-state';
import { normalizeLockPath, safeRealpath } from './lock-paths';

/**
 * Per-file locks: a session's logical checkout of a path, kept until released or until the
 * session goes away, whatever process took it.
 *
 * Each lock is one small file, `locks/<sha1 of path>.json`, created with `link()` from a complete
 * temp file. `link` fails if the name exists, atomically, on every OS and across processes: that is
 * the mutual exclusion, and a reader never sees a half-written lock. Taking a lock needs no mutex;
 * removing one does (the owner's per-session mutex, state/file-mutex.ts), so that two processes acting
 * for the same session cannot both read "mine" and the second delete a lock someone else took in
 * between. A lock whose session is no longer in the registry is an orphan and is taken over.
 */

export type TryAcquireResult = { acquired: true; lock: FileLock; already: boolean } | { acquired: false; owner: FileLock };

export interface AcquireOptions {
  /** How long to wait for a busy lock; 0 (default) answers at once. */
  timeoutMs?: number;
  /** Where a relative path is relative to (default: the process's cwd). */
  cwd?: string;
}

let tempCounter = 0;

const REAL_ROOTS_FILE = 'real-roots.json';
/** `{ version, roots }`: the sessions' real roots and the registry version they were made from. */
const RealRootsCheck: RecordCheck<{ version: string; roots: string[] }> = checkOf(objectOf({ version: text(0, Infinity), roots: arrayOf(text(0, Infinity)) }, { strict: false }), 'real-roots');

/** Creates `file` (which must not exist) holding `content`; nothing is left behind when it fails. */
function writeNewFileSync(file: string, content: string): void {
  const fd = openSync(file, 'wx', 0o644);
  try {
    writeSync(fd, content);
  } catch (err) {
    closeSync(fd);
    unlinkSync(file);
    throw err;
  }
  closeSync(fd);
}

export class FileLocks {
  readonly dir: string;

  constructor(private readonly ws: RepoState) {
    this.dir = path.join(ws.paths.dir, 'locks');
  }

  private rootsCache: { version: string; realRoots: string[] } | null = null;

  /**
   * Every checkout root a path may be given in (the main checkout and each session's worktree), as
   * real paths, longest first. Resolving them costs a syscall per session, so they are kept until
   * the registry changes: in this process, and for the sessions' roots in a file every process
   * shares (sessionRealRoots), since each hook is a process of its own.
   */
  realRoots(): string[] {
    const version = this.ws.registry.version;
    if (this.rootsCache?.version !== version) {
      const own = [this.ws.repo.mainRoot, this.ws.repo.worktreeRoot].map(safeRealpath);
      const realRoots = [...new Set([...own, ...this.sessionRealRoots(version)])].sort((a, b) => b.length - a.length);
      this.rootsCache = { version, realRoots };
    }
    return this.rootsCache.realRoots;
  }

  /**
   * The real path of every session's worktree root, as of registry `version`. Read from
   * `<state>/real-roots.json` when it was made from that very registry file (a registry write is a
   * rename, so any change makes a new version), else resolved and written there for the next
   * process: at 500 sessions the 500 realpath calls were ~5 ms of every hook. A root made a symlink
   * after its session was registered keeps its old real path until the registry next changes.
   */
  private sessionRealRoots(version: string): string[] {
    const file = path.join(this.ws.paths.dir, REAL_ROOTS_FILE);
    const stored = readJsonOrNull(file, RealRootsCheck);
    if (stored?.version === version) return stored.roots;
    const roots = this.ws.registry.all().map((s) => safeRealpath(s.worktreePath));
    try {
      writeFileAtomicSync(file, JSON.stringify({ version, roots }), 'rename-only');
    } catch {
      // a cache: the next process resolves them again
    }
    return roots;
  }

  normalize(input: string, cwd: string = process.cwd()): string {
    return normalizeLockPath(input, cwd, this.realRoots());
  }

  /**
   * The lock file of a path: its UTF-8 bytes in hex when that fits a file name (`p<hex>.json`, any
   * path up to 100 bytes), else a SHA-1 of it (`h<sha1>.json`, node:crypto loaded only then: it
   * costs ~5 ms of start-up, a tenth of a hook's whole budget). Hex, so case-insensitive file
   * systems cannot merge two names.
   */
  private async fileFor(relPath: string): Promise<string> {
    const bytes = Buffer.from(relPath, 'utf8');
    if (bytes.length <= 100) return path.join(this.dir, `p${bytes.toString('hex')}.json`);
    const { createHash } = await import('node:crypto');
    return path.join(this.dir, `h${createHash('sha1').update(bytes).digest('hex')}.json`);
  }

  private sessionMutex(sessionId: string): string {
    return path.join(this.dir, `session-${sessionId}`);
  }

  private liveSession(sessionIdOrPrefix: string): Session {
    const session = this.ws.registry.resolve(sessionIdOrPrefix);
    if (session.state !== 'ready') {
      throw invalidInput(`session ${session.id} is ${session.state === 'creating' ? 'still being created' : 'being removed'}; it cannot take locks`);
    }
    return session;
  }

  private isOrphan(lock: FileLock): boolean {
    return this.ws.registry.find(lock.sessionId) === undefined;
  }

  /** Takes the lock at once or says who holds it. Re-taking your own lock succeeds. */
  async tryAcquire(input: string, sessionId: string, options: AcquireOptions = {}): Promise<TryAcquireResult> {
    const session = this.liveSession(sessionId);
    const relPath = this.normalize(input, options.cwd);
    return this.tryAcquireNormalized(relPath, session.id);
  }

  private async tryAcquireNormalized(relPath: string, sessionId: string): Promise<TryAcquireResult> {
    const file = await this.fileFor(relPath);
    for (;;) {
      const lock: FileLock = { path: relPath, sessionId, acquiredAt: new Date().toISOString() };
      // Written in place under a name of its own (this process, this attempt), then linked: no
      // reader ever opens the temp name, so it needs no rename of its own (write-then-rename would
      // be one more directory update on the hot path).
      const temp = `${file}.${process.pid}.${++tempCounter}.tmp`;
      try {
        writeNewFileSync(temp, JSON.stringify(lock));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        mkdirSync(this.dir, { recursive: true });
        continue;
      }
      try {
        linkSync(temp, file);
        return { acquired: true, lock, already: false };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      } finally {
        unlinkSync(temp);
      }
      const owner = readJsonOrNull(file, FileLockCheck);
      if (!owner) continue; // released (or unreadable) between our link and our read: try again
      if (owner.sessionId === sessionId) return { acquired: true, lock: owner, already: true };
      if (!this.isOrphan(owner)) return { acquired: false, owner };
      await this.dropIfOwnedBy(file, owner.sessionId);
    }
  }

  /** Takes the lock, waiting up to `timeoutMs` for its holder to release it. */
  async acquire(input: string, sessionId: string, options: AcquireOptions = {}): Promise<FileLock> {
    const session = this.liveSession(sessionId);
    const relPath = this.normalize(input, options.cwd);
    const timeoutMs = options.timeoutMs ?? 0;
    const first = await this.tryAcquireNormalized(relPath, session.id);
    if (first.acquired) return first.lock;
    if (timeoutMs <= 0) throw this.busy(first.owner);
    let owner = first.owner;
    const deadline = Date.now() + timeoutMs;
    const changes = new ChangeSignal(this.dir, path.basename(await this.fileFor(relPath)));
    try {
      for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw this.busy(owner, timeoutMs);
        await changes.next(Math.min(pause, remaining));
        const result = await this.tryAcquireNormalized(relPath, session.id);
        if (result.acquired) return result.lock;
        owner = result.owner;
      }
    } finally {
      changes.close();
    }
  }

  private busy(owner: FileLock, waitedMs?: number): CouncilError {
    const holder = this.ws.registry.find(owner.sessionId);
    const who = holder ? `session ${holder.id} (${holder.agent ? `${holder.agent}: ` : ''}${holder.task})` : `session ${owner.sessionId}`;
    const waited = waitedMs ? ` (waited ${(waitedMs / 1000).toFixed(1)} s)` : '';
    return new CouncilError('lock-busy', `${owner.path} is locked by ${who} since ${owner.acquiredAt}${waited}`, {
      path: owner.path,
      owner: owner.sessionId,
      since: owner.acquiredAt,
    });
  }

  /** Releases one lock. Releasing a path you do not hold is a no-op; someone else's is refused. */
  async release(input: string, sessionId: string, options: { cwd?: string } = {}): Promise<{ released: boolean; path: string }> {
    const session = this.ws.registry.resolve(sessionId);
    const relPath = this.normalize(input, options.cwd);
    const file = await this.fileFor(relPath);
    return withMutex(this.sessionMutex(session.id), () => {
      const current = readJsonOrNull(file, FileLockCheck);
      if (!current) return { released: false, path: relPath };
      if (current.sessionId !== session.id) {
        throw conflict(`${relPath} is locked by session ${current.sessionId}, not by ${session.id}; it was left locked`, {
          path: relPath,
          owner: current.sessionId,
        });
      }
      unlinkSync(file);
      return { released: true, path: relPath };
    });
  }

  /** Releases every lock a session holds (by exact id: also for sessions already gone). */
  async releaseAll(sessionId: string): Promise<string[]> {
    return withMutex(this.sessionMutex(sessionId), () => {
      const released: string[] = [];
      for (const { file, lock } of this.records()) {
        if (lock.sessionId !== sessionId) continue;
        try {
          unlinkSync(file);
          released.push(lock.path);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      }
      return released.sort();
    });
  }

  /** Removes a lock file only if it is still owned by `owner`, under that owner's mutex. */
  private async dropIfOwnedBy(file: string, owner: string): Promise<void> {
    await withMutex(this.sessionMutex(owner), () => {
      const current = readJsonOrNull(file, FileLockCheck);
      if (current?.sessionId === owner) {
        try {
          unlinkSync(file);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      }
    });
  }

  /**
   * Each lock file's record as last read, by its file's version (inode, times, size: every write is
   * a rename, so a changed file is a new version): listing 100 locks read and parsed 100 files each
   * time (~4 ms), and the views list them on every call (the peers view behind agents' MCP tools).
   */
  private readonly read = new Map<string, { version: string; lock: FileLock | null }>();
  /** The lock folder's version (state/dir-version.ts), and the records as of the read it vouches for. */
  private folder: DirectoryVersion | null = null;
  private lastRecords: { file: string; lock: FileLock }[] = [];
  /** list()'s answer, for these records and this registry version. */
  private listed: { records: { file: string; lock: FileLock }[]; registry: string; locks: FileLock[] } | null = null;

  private records(): { file: string; lock: FileLock }[] {
    this.folder ??= new DirectoryVersion(this.dir);
    if (this.folder.unchanged()) return this.lastRecords;
    this.lastRecords = this.readRecords();
    return this.lastRecords;
  }

  private readRecords(): { file: string; lock: FileLock }[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      this.read.clear();
      return [];
    }
    const out: { file: string; lock: FileLock }[] = [];
    const seen = new Set<string>();
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const file = path.join(this.dir, name);
      seen.add(file);
      const version = fileVersion(file);
      const known = this.read.get(file);
      const lock = known?.version === version ? known.lock : readJsonOrNull(file, FileLockCheck);
      if (known?.version !== version) this.read.set(file, { version, lock });
      if (lock) out.push({ file, lock });
    }
    if (this.read.size > seen.size) for (const file of this.read.keys()) if (!seen.has(file)) this.read.delete(file);
    return out;
  }

  /** Who holds a path (null when free, or held by a session that no longer exists). */
  async who(input: string, options: { cwd?: string } = {}): Promise<FileLock | null> {
    const relPath = this.normalize(input, options.cwd);
    const lock = readJsonOrNull(await this.fileFor(relPath), FileLockCheck);
    return lock && !this.isOrphan(lock) ? lock : null;
  }

  /** Every live lock, by path. */
  list(): FileLock[] {
    const records = this.records();
    const registry = this.ws.registry.version;
    if (this.listed?.records !== records || this.listed.registry !== registry) {
      const locks = records
        .map((r) => r.lock)
        .filter((lock) => !this.isOrphan(lock))
        .sort((a, b) => byText(a.path, b.path));
      this.listed = { records, registry, locks };
    }
    return [...this.listed.locks];
  }

  /** Drops locks of sessions that no longer exist; returns their paths. */
  async dropOrphans(): Promise<string[]> {
    const dropped: string[] = [];
    for (const { file, lock } of this.records()) {
      if (!this.isOrphan(lock)) continue;
      await this.dropIfOwnedBy(file, lock.sessionId);
      dropped.push(lock.path);
    }
    return dropped.sort();
  }
}

/**
 * Resolves `next()` when one lock file changes (inotify / FSEvents / ReadDirectoryChangesW), or
 * after the given pause at the latest, so a waiter also makes progress where watching fails.
 * Only events for that file count: the waiter's own attempts create and delete temp files in the
 * same folder, and reacting to those would spin the waiter and starve the event loop.
 */
class ChangeSignal {
  private watcher: FSWatcher | null = null;
  private wake: (() => void) | null = null;
  private changed = false;

  constructor(dir: string, fileName: string) {
    try {
      this.watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name !== null && name !== fileName) return;
        this.changed = true;
        this.wake?.();
      });
      this.watcher.on('error', () => this.close());
    } catch {
      this.watcher = null;
    }
  }

  next(maxWaitMs: number): Promise<void> {
    if (this.changed) {
      this.changed = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        this.changed = false;
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      this.wake = done;
    });
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    this.wake?.();
  }
}
