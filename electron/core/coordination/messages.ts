import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MessageLogSchema, SUPERVISOR, type CouncilMessage } from '../../../shared/council';
import { readJsonOrNull, withMutex, writeJson } from '../state/json-store';
import type { StatePaths } from '../state/paths';

/**
 * The repository's message log (issue 15): every message between sessions and the person
 * supervising, in the shared state (`messages.json`), so it survives restarts and any process (the
 * app's feed, `council mcp`, the CLI) reads the same. Bounded: the newest MESSAGES_KEEP are kept.
 * Delivery to a session's agent is not done here: it goes through the session's follow-up inbox
 * (agents/inbox.ts, agents/follow-up.ts), as the supervisor's follow-ups do.
 */

export const MESSAGES_KEEP = 500;

export class MessageLog {
  constructor(private readonly paths: Pick<StatePaths, 'messages'>) {}

  /** Every message kept, oldest first. */
  all(): CouncilMessage[] {
    return readJsonOrNull(this.paths.messages, MessageLogSchema)?.messages ?? [];
  }

  /** Appends a message (its id and time are given here). */
  async add(message: Omit<CouncilMessage, 'id' | 'at'>): Promise<CouncilMessage> {
    const full: CouncilMessage = { id: Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(5))).toString('hex'), at: new Date().toISOString(), ...message };
    mkdirSync(path.dirname(this.paths.messages), { recursive: true });
    await withMutex(this.paths.messages, () => {
      const messages = [...this.all(), full].slice(-MESSAGES_KEEP);
      writeJson(this.paths.messages, { version: 1, messages }, 'rename-only');
    });
    return full;
  }

  /** Changes one message in place (nothing when it is no longer kept). */
  async update(id: string, change: (message: CouncilMessage) => CouncilMessage | null): Promise<void> {
    await withMutex(this.paths.messages, () => {
      const messages = this.all();
      const index = messages.findIndex((m) => m.id === id);
      if (index === -1) return;
      const next = change(messages[index] as CouncilMessage);
      writeJson(this.paths.messages, { version: 1, messages: next === null ? messages.filter((m) => m.id !== id) : messages.map((m, i) => (i === index ? next : m)) }, 'rename-only');
    });
  }

  /** Marks the unread messages to the supervisor (from one session, or all) read; answers how many. */
  async markRead(from: string | null): Promise<number> {
    if (!this.all().some((m) => unread(m, from))) return 0;
    let count = 0;
    await withMutex(this.paths.messages, () => {
      const at = new Date().toISOString();
      const messages = this.all().map((m) => (unread(m, from) ? (count++, { ...m, readAt: at }) : m));
      if (count > 0) writeJson(this.paths.messages, { version: 1, messages }, 'rename-only');
    });
    return count;
  }
}

const unread = (m: CouncilMessage, from: string | null): boolean => m.to === SUPERVISOR && m.readAt === undefined && (from === null || m.from === from);
