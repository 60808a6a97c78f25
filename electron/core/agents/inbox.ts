import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { InboxFileSchema, type InboxMessage } from '../../../shared/follow-ups';
import { CouncilError } from '../errors';
import { readJsonOrNull, withMutex, writeJson } from '../state/json-store';
import type { StatePaths } from '../state/paths';

/**
 * A session's follow-ups on their way to its agent, in the repository's shared state
 * (`inbox/<session>.json`), so a process that does not host the agent (`council send`, a second
 * window's host) reaches the one that does: it appends a message; the host (agents/manager.ts)
 * watches the inboxes of the agents it runs, delivers what is pending and marks it. Every change
 * is made under the file's cross-process mutex. Bounded: the newest INBOX_KEEP messages are kept
 * (a pending one is never dropped), and at most INBOX_PENDING_MAX may wait at once.
 */

export const INBOX_KEEP = 50;
export const INBOX_PENDING_MAX = 20;

export class Inbox {
  constructor(private readonly paths: StatePaths) {}

  file(sessionId: string): string {
    return path.join(this.paths.inbox, `${sessionId}.json`);
  }

  get dir(): string {
    return this.paths.inbox;
  }

  /** Every message kept, oldest first. */
  list(sessionId: string): InboxMessage[] {
    return readJsonOrNull(this.file(sessionId), InboxFileSchema)?.messages ?? [];
  }

  pending(sessionId: string): InboxMessage[] {
    return this.list(sessionId).filter((m) => m.state === 'pending');
  }

  get(sessionId: string, id: string): InboxMessage | null {
    return this.list(sessionId).find((m) => m.id === id) ?? null;
  }

  /** The inbox file's size and time (a cheap "did anything change" for a poll); null when there is none. */
  stamp(sessionId: string): string | null {
    try {
      const st = statSync(this.file(sessionId));
      return `${st.size}:${st.mtimeMs}:${st.ino}`;
    } catch {
      return null;
    }
  }

  /** Adds a message: pending (for the process hosting the agent to deliver), or held (only read from the inbox). */
  async append(sessionId: string, text: string, from: string, state: 'pending' | 'held' = 'pending'): Promise<InboxMessage> {
    mkdirSync(this.paths.inbox, { recursive: true });
    const message: InboxMessage = {
      id: Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(5))).toString('hex'),
      text,
      at: new Date().toISOString(),
      from,
      state,
      deliveredAt: null,
      runId: null,
      error: null,
    };
    await this.change(sessionId, (messages) => {
      if (messages.filter((m) => m.state === 'pending').length >= INBOX_PENDING_MAX) {
        throw new CouncilError('conflict', `session ${sessionId} already has ${INBOX_PENDING_MAX} follow-ups waiting for its agent; wait until they are delivered`);
      }
      return [...messages, message];
    });
    return message;
  }

  /**
   * Marks pending messages delivered (or failed); returns those it marked — a message another
   * process marked first is left alone, so each is delivered once.
   */
  async mark(sessionId: string, ids: readonly string[], change: Pick<InboxMessage, 'state' | 'runId'> & { error?: string | null }, from: readonly InboxMessage['state'][] = ['pending']): Promise<InboxMessage[]> {
    const marked: InboxMessage[] = [];
    await this.change(sessionId, (messages) =>
      messages.map((m) => {
        if (!ids.includes(m.id) || !from.includes(m.state)) return m;
        const next = { ...m, state: change.state, runId: change.runId, deliveredAt: new Date().toISOString(), error: change.error ?? null };
        marked.push(next);
        return next;
      }),
    );
    return marked;
  }

  /** Takes the pending messages (marked as `state` for `runId`) in one step: what a host delivers. */
  async take(sessionId: string, change: Pick<InboxMessage, 'state' | 'runId'>): Promise<InboxMessage[]> {
    const taken: InboxMessage[] = [];
    await this.change(sessionId, (messages) =>
      messages.map((m) => {
        if (m.state !== 'pending') return m;
        const next = { ...m, state: change.state, runId: change.runId, deliveredAt: new Date().toISOString() };
        taken.push(next);
        return next;
      }),
    );
    return taken;
  }

  /** Forgets a removed session's inbox. */
  removeSession(sessionId: string): void {
    rmSync(this.file(sessionId), { force: true });
  }

  private async change(sessionId: string, edit: (messages: InboxMessage[]) => InboxMessage[]): Promise<void> {
    const file = this.file(sessionId);
    mkdirSync(this.paths.inbox, { recursive: true });
    await withMutex(file, () => {
      const current = readJsonOrNull(file, InboxFileSchema)?.messages ?? [];
      const next = edit(current);
      if (next === current) return;
      // Bounded: the oldest delivered ones go first; pending ones stay.
      let excess = next.length - INBOX_KEEP;
      const kept = next.filter((m) => {
        if (excess > 0 && m.state !== 'pending') {
          excess -= 1;
          return false;
        }
        return true;
      });
      writeJson(file, { version: 1, messages: kept }, 'rename-only');
    });
  }
}
