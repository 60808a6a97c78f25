import type { AgentEventInput } from '../../../../shared/agents';
import type { OutputParser } from '../types';
import { repoPath } from './common';

/*
 * Aider's headless output (`aider --message … --yes-always --no-pretty`): plain text, shown as it
 * is, with a verdict only in what it printed last. Aider EXITS 0 AFTER GIVING UP on a model server
 * it cannot reach (issue 12, item 13): its send loop (aider/coders/base_coder.py, send_message)
 * prints each litellm error (`litellm.APIConnectionError: …`) and `Retrying in N seconds...`,
 * doubling the delay until it passes RETRY_TIMEOUT, then stops trying and the run ends normally.
 * So an error that no model reply followed makes the run `failed`, whatever the exit status.
 *
 * Lines read (from Aider's source; Aider cannot be installed here, so tests use a stand-in that
 * prints them: tests/support/aider-stand-in.mjs):
 *   `litellm.<Name>Error: …`      an API error (retried or final)
 *   `Retrying in 0.2 seconds...`  a retry is coming
 *   `Tokens: 2.1k sent, 95 received…`  a model reply arrived: the errors before it were overcome
 *   `Applied edit to <path>`      a file it changed
 */

const API_ERROR = /^(litellm\.\w+(?:Error|Exception)\b.*)$/;
const REPLY = /^Tokens: .* sent\b/;
const APPLIED = /^Applied edit to (.+)$/;

export class AiderParser implements OutputParser {
  /** Aider's output is text for people: the terminal view shows it as it is. */
  readonly showsRaw = true;
  private lastError: string | null = null;

  constructor(private readonly worktree: string) {}

  line(raw: string): AgentEventInput[] {
    const line = raw.trim();
    const error = API_ERROR.exec(line)?.[1];
    if (error) {
      this.lastError = error;
      return [];
    }
    if (REPLY.test(line)) {
      this.lastError = null;
      return [];
    }
    const applied = APPLIED.exec(line)?.[1];
    if (applied) {
      this.lastError = null;
      return [{ kind: 'file-changed', path: repoPath(applied.trim(), this.worktree) }];
    }
    return [];
  }

  errorLine(raw: string): AgentEventInput[] {
    return this.line(raw);
  }

  end(): AgentEventInput[] {
    if (this.lastError === null) return [];
    return [{ kind: 'failed', reason: `Aider gave up on the model server (it exits 0 even then): ${this.lastError}` }];
  }
}
