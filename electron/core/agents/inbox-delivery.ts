import { mkdirSync, watch, type FSWatcher } from 'node:fs';
import type { AgentRun } from '../../../shared/agents';
import type { Inbox } from './inbox';

/** How often the inboxes of this process's interactive agents are looked at besides the file watch. */
const INBOX_POLL_MS = 1000;

/** What the delivery needs of the process that runs the agents (the AgentManager). */
export interface InboxHost {
  /** The run id of this process's live interactive agent in the session, ready for input; else null. */
  takerOf(sessionId: string): string | null;
  /** The sessions whose agents this process runs now. */
  liveSessions(): Iterable<string>;
  /** Types a follow-up into the session's agent and submits it. */
  type(sessionId: string, text: string): Promise<boolean>;
  /** Continues the session's last run on its own conversation with this prompt. */
  resume(sessionId: string, followUp: string): Promise<AgentRun>;
}

/**
 * Follow-ups other processes left in the sessions' inboxes (`council send`, inbox.ts), delivered by
 * the process that runs the agents: typed into a live interactive agent's terminal, once each, in
 * order; after a run ends, the ones queued meanwhile continue its conversation. A file watch, and a
 * poll as a fallback where file events are lost (network file systems).
 */
export class InboxDelivery {
  private watcher: FSWatcher | null = null;
  private poll: NodeJS.Timeout | null = null;
  private readonly stamps = new Map<string, string | null>();
  private readonly delivering = new Map<string, Promise<void>>();

  constructor(
    readonly inbox: Inbox,
    private readonly host: InboxHost,
  ) {}

  /** Starts watching (once); what is pending already is delivered now. */
  watch(): void {
    if (this.poll) return;
    mkdirSync(this.inbox.dir, { recursive: true });
    try {
      this.watcher = watch(this.inbox.dir, (_kind, name) => {
        const file = typeof name === 'string' ? name : '';
        if (file.endsWith('.json')) this.deliver(file.slice(0, -'.json'.length));
      });
      this.watcher.on('error', () => undefined);
      this.watcher.unref();
    } catch {
      this.watcher = null; // the poll alone
    }
    this.poll = setInterval(() => {
      for (const sessionId of this.host.liveSessions()) {
        if (this.host.takerOf(sessionId) === null) continue;
        if (this.inbox.stamp(sessionId) !== (this.stamps.get(sessionId) ?? null)) this.deliver(sessionId);
      }
    }, INBOX_POLL_MS);
    this.poll.unref();
    for (const sessionId of this.host.liveSessions()) this.deliver(sessionId);
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
  }

  /** Delivers a session's pending follow-ups to its live interactive agent here, once each, in order. */
  deliver(sessionId: string): void {
    const runId = this.host.takerOf(sessionId);
    if (runId === null) return;
    const previous = this.delivering.get(sessionId) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (this.host.takerOf(sessionId) !== runId) return;
      this.stamps.set(sessionId, this.inbox.stamp(sessionId));
      if (this.inbox.pending(sessionId).length === 0) return;
      const taken = await this.inbox.take(sessionId, { state: 'terminal', runId });
      for (const message of taken) await this.host.type(sessionId, message.text);
      this.stamps.set(sessionId, this.inbox.stamp(sessionId));
    });
    const settled = next.catch(() => undefined);
    this.delivering.set(sessionId, settled);
    void settled.then(() => {
      if (this.delivering.get(sessionId) === settled) this.delivering.delete(sessionId);
    });
  }

  /**
   * After a run ended here: follow-ups queued for it meanwhile (a headless agent reads no input)
   * continue its conversation, all in one prompt. A stopped run does not go on: they are marked
   * failed, saying so.
   */
  async resumeAfter(ended: AgentRun): Promise<void> {
    const sessionId = ended.sessionId;
    const pending = this.inbox.pending(sessionId);
    if (pending.length === 0) return;
    const ids = pending.map((m) => m.id);
    if (ended.state === 'stopped') {
      await this.inbox.mark(sessionId, ids, { state: 'failed', runId: null, error: 'the agent was stopped before it could take this follow-up; send it again to resume it' });
      return;
    }
    const taken = await this.inbox.mark(sessionId, ids, { state: 'resumed', runId: null });
    if (taken.length === 0) return;
    try {
      const run = await this.host.resume(sessionId, taken.map((m) => m.text).join('\n\n'));
      await this.inbox.mark(sessionId, taken.map((m) => m.id), { state: 'resumed', runId: run.id }, ['resumed']);
    } catch (err) {
      await this.inbox.mark(sessionId, taken.map((m) => m.id), { state: 'failed', runId: null, error: (err as Error).message }, ['resumed']);
    }
  }
}
