import type { Session, SessionStats } from '../../shared/models';
import { ContextStore } from './context/context';
import { FileLocks } from './locks/file-locks';
import { withMergeLock, type MergeLockOptions } from './locks/merge-lock';
import { cleanupSessions } from './sessions/cleanup';
import { commitSession } from './sessions/commit';
import { createSessions, type CreateSessionOptions } from './sessions/create';
import { sessionStats } from './sessions/inspect';
import { reconcile } from './sessions/reconcile';
import { removeSession } from './sessions/remove';
import { watchState, type StateChange } from './state/watch';
import { Workspace } from './workspace';

/**
 * The core's front door for one repository: sessions, locks, context and the merge lock. The app,
 * the browser host and the CLI all go through this; nothing here imports Electron.
 */
export class Council {
  readonly locks: FileLocks;
  readonly context: ContextStore;

  constructor(readonly ws: Workspace) {
    this.locks = new FileLocks(ws);
    this.context = new ContextStore(ws);
  }

  /** Opens the repository that contains `start` (any folder of the main checkout or a worktree). */
  static open(start: string): Council {
    return new Council(Workspace.open(start));
  }

  createSessions(options: CreateSessionOptions): Promise<Session[]> {
    return createSessions(this.ws, options);
  }

  listSessions(): Session[] {
    return this.ws.registry.all();
  }

  session(idOrPrefix: string): Session {
    return this.ws.registry.resolve(idOrPrefix);
  }

  stats(idOrPrefix: string): Promise<SessionStats> {
    return sessionStats(this.ws, this.session(idOrPrefix));
  }

  commit(idOrPrefix: string, message: string): ReturnType<typeof commitSession> {
    return commitSession(this.ws, idOrPrefix, message);
  }

  removeSession(idOrPrefix: string, options: { force?: boolean } = {}): ReturnType<typeof removeSession> {
    return removeSession(this.ws, idOrPrefix, options);
  }

  cleanup(olderThanMs?: number): ReturnType<typeof cleanupSessions> {
    return cleanupSessions(this.ws, olderThanMs ?? this.ws.settings().staleAfterMinutes * 60_000);
  }

  reconcile(): ReturnType<typeof reconcile> {
    return reconcile(this.ws);
  }

  /** Calls `onChange` when any process changes this repository's shared state. */
  watch(onChange: (changes: StateChange[]) => void, options?: { debounceMs?: number }): Promise<() => Promise<void>> {
    return watchState(this.ws.paths, onChange, options);
  }

  withMergeLock<T>(fn: (lost: () => boolean) => Promise<T>, options?: MergeLockOptions): Promise<T> {
    return withMergeLock(this.ws, fn, options);
  }
}
