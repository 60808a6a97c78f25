import type { EventName, EventPayload } from '../../../shared/contract';
import { PerSession } from './per-session';

/** Sends one event to one client (a window, a browser socket); returns false if it is gone. */
export type Send = <E extends EventName>(event: E, payload: EventPayload<E>) => boolean;

const BATCH_MS = 16;
const MAX_PATHS = 500;
/** At most one `state.changed` kind `worktree` per session this often (each costs a card a git call). */
const TOUCH_MS = 150;

interface PendingBatch {
  paths: Set<string>;
  overflow: boolean;
  timer: NodeJS.Timeout;
}

/**
 * Who gets which events. A client subscribes to a repository (state changes) and to sessions
 * (worktree file changes); events go only to subscribers, never to a client that is gone.
 * Worktree changes are high-volume: they are coalesced per session for BATCH_MS and numbered, so
 * a client that sees a gap in `seq` knows to take a fresh snapshot.
 */
export class EventHub {
  /** `onLost`: a client whose send failed (window destroyed, socket gone) — its owner cleans up. */
  constructor(private readonly onLost: (clientId: string) => void = () => undefined) {}

  private readonly clients = new Map<string, Send>();
  private readonly repoSubs = new Map<string, Set<string>>(); // repo → clients
  private readonly sessionSubs = new PerSession<Set<string>>(); // (repo, session) → clients
  private readonly seqs = new PerSession<number>();
  private readonly pending = new PerSession<PendingBatch>();
  private readonly touched = new PerSession<NodeJS.Timeout>();

  addClient(id: string, send: Send): void {
    this.clients.set(id, send);
  }

  /** Forgets a client and every subscription it had; returns the keys that lost their last subscriber. */
  removeClient(id: string): { repos: string[]; sessions: [string, string][] } {
    this.clients.delete(id);
    const repos: string[] = [];
    const sessions: [string, string][] = [];
    for (const [repo, set] of this.repoSubs) if (set.delete(id) && set.size === 0) repos.push(repo);
    for (const [repo, session, set] of this.sessionSubs.entries()) if (set.delete(id) && set.size === 0) sessions.push([repo, session]);
    for (const repo of repos) this.repoSubs.delete(repo);
    for (const [repo, session] of sessions) this.sessionSubs.delete(repo, session);
    return { repos, sessions };
  }

  /** Returns true when this is the repository's first subscriber (start watching it). */
  subscribeRepo(clientId: string, repo: string): boolean {
    const set = this.repoSubs.get(repo) ?? new Set();
    const first = set.size === 0;
    set.add(clientId);
    this.repoSubs.set(repo, set);
    return first;
  }

  /** Returns true when this was the repository's last subscriber (stop watching it). */
  unsubscribeRepo(clientId: string, repo: string): boolean {
    const set = this.repoSubs.get(repo);
    if (!set?.delete(clientId)) return false;
    if (set.size > 0) return false;
    this.repoSubs.delete(repo);
    return true;
  }

  subscribeSession(clientId: string, repo: string, sessionId: string): { first: boolean; seq: number } {
    const set = this.sessionSubs.get(repo, sessionId) ?? new Set();
    const first = set.size === 0;
    set.add(clientId);
    this.sessionSubs.set(repo, sessionId, set);
    return { first, seq: this.seqs.get(repo, sessionId) ?? 0 };
  }

  unsubscribeSession(clientId: string, repo: string, sessionId: string): boolean {
    const set = this.sessionSubs.get(repo, sessionId);
    if (!set?.delete(clientId)) return false;
    if (set.size > 0) return false;
    this.sessionSubs.delete(repo, sessionId);
    return true;
  }

  sessionsOf(clientId: string, repo: string): string[] {
    return this.sessionSubs
      .of(repo)
      .filter(([, set]) => set.has(clientId))
      .map(([sessionId]) => sessionId);
  }

  publishState(payload: EventPayload<'state.changed'>): void {
    this.publishRepo(payload.repo, 'state.changed', payload);
  }

  /** Sends an event to every client watching the repository. */
  publishRepo<E extends EventName>(repo: string, event: E, payload: EventPayload<E>): void {
    for (const clientId of this.repoSubs.get(repo) ?? []) this.send(clientId, event, payload);
  }

  /** Sends an event to one client (its own subscriptions, such as an attached terminal). */
  sendTo<E extends EventName>(clientId: string, event: E, payload: EventPayload<E>): void {
    this.send(clientId, event, payload);
  }

  /** Queues changed paths of a session's worktree; one numbered event per burst goes out. */
  publishWorktree(repo: string, sessionId: string, paths: readonly string[]): void {
    if (!this.sessionSubs.get(repo, sessionId)?.size) return;
    let batch = this.pending.get(repo, sessionId);
    if (!batch) {
      batch = { paths: new Set(), overflow: false, timer: setTimeout(() => this.flush(repo, sessionId), BATCH_MS) };
      this.pending.set(repo, sessionId, batch);
    }
    for (const p of paths) {
      if (batch.paths.size >= MAX_PATHS) {
        batch.overflow = true;
        break;
      }
      batch.paths.add(p);
    }
  }

  /**
   * Files changed in a session's worktree, for everyone watching the repository (the board's
   * changed-file counts): one `state.changed` kind `worktree` per session per TOUCH_MS at most.
   */
  publishTouched(repo: string, sessionId: string): void {
    if (this.touched.has(repo, sessionId) || !this.repoSubs.get(repo)?.size) return;
    const timer = setTimeout(() => {
      this.touched.delete(repo, sessionId);
      this.publishState({ repo, kind: 'worktree', sessionId });
    }, TOUCH_MS);
    this.touched.set(repo, sessionId, timer);
  }

  private flush(repo: string, sessionId: string): void {
    const batch = this.pending.get(repo, sessionId);
    if (!batch) return;
    this.pending.delete(repo, sessionId);
    const seq = (this.seqs.get(repo, sessionId) ?? 0) + 1;
    this.seqs.set(repo, sessionId, seq);
    const payload = { repo, sessionId, seq, paths: [...batch.paths].sort(), overflow: batch.overflow };
    for (const clientId of this.sessionSubs.get(repo, sessionId) ?? []) this.send(clientId, 'worktree.changed', payload);
  }

  private send<E extends EventName>(clientId: string, event: E, payload: EventPayload<E>): void {
    const send = this.clients.get(clientId);
    if (!send) return;
    if (!send(event, payload)) this.onLost(clientId);
  }

  close(): void {
    for (const batch of this.pending.values()) clearTimeout(batch.timer);
    this.pending.clear();
    for (const timer of this.touched.values()) clearTimeout(timer);
    this.touched.clear();
  }
}
