import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MessageLogSchema, type CouncilMessage } from '../../../shared/council';
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
}
