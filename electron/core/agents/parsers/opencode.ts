import type { AgentEventInput } from '../../../../shared/agents';
import { patchFiles } from '../hook-payload';
import type { OutputParser } from '../types';
import { type Json, jsonLine, number, record, repoPath, sum, text } from './common';

/*
 * opencode headless output. Captured from the real opencode-ai 1.18.33 (npm), offline, against a
 * scripted Anthropic Messages server on 127.0.0.1 (tests/support/model-server/fixtures/opencode-*.jsonl):
 *
 *   cd <worktree> && opencode run --format json "<task>"
 *
 * with a fresh HOME, XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_CACHE_HOME and XDG_STATE_HOME (a throwaway
 * folder), stdin closed, and the model from a custom provider in OPENCODE_CONFIG_CONTENT:
 *
 *   {"$schema":"https://opencode.ai/config.json",
 *    "provider":{"scripted":{"npm":"@ai-sdk/anthropic","name":"Scripted",
 *      "options":{"baseURL":"http://127.0.0.1:<port>/v1","apiKey":"scripted-model-key"},
 *      "models":{"claude-scripted":{"name":"Scripted","tool_call":true}}}},
 *    "model":"scripted/claude-scripted","small_model":"scripted/claude-scripted",
 *    "autoupdate":false,"share":"disabled"}
 *
 * (No plugin configured: it did not hang at start-up; a whole scripted run took about 5 s.) Its system prompt names the folder as
 * `Working directory: <path>`; its tools are `read`, `write`, `edit` (`filePath`, absolute),
 * `bash`, `glob`, `grep`, …
 *
 * Every line carries `sessionID` (ses_…). `step_start` opens a model step; `text` is a finished
 * text part (`part.text`, whole, not deltas); `tool_use` is one finished tool call (`part.tool`,
 * `part.state.status` "completed" or "error", `state.input`, `state.error`); `step_finish` closes
 * the step (`part.reason` "tool-calls" while the agent goes on, else e.g. "stop"; `part.tokens`
 * {input, output, reasoning, cache {read, write}}, `part.cost`); `error` ends a failed run
 * (`error.name`, `error.data.message`; a dead server or an HTTP 500 only after opencode's own
 * retries, about a minute). A permission set to "ask" is auto-rejected in `run`: the call fails
 * with "The user rejected permission to use this specific tool call." and the run stops (exit 0)
 * without a final step. The stream never names the model.
 */

const EDIT_TOOLS = new Set(['write', 'edit', 'multiedit', 'patch', 'apply_patch']);
/** How opencode words a call its permission rules refused. */
const REFUSED = /rejected permission|specified a rule which prevents/i;

export class OpencodeParser implements OutputParser {
  private started = false;
  private finished = false;
  /** The text of the current step: the run's answer when that step is the last. */
  private stepText: string[] = [];
  private costUsd: number | null = null;
  private inputTokens: number | null = null;
  private outputTokens: number | null = null;

  /** A step started or anything of one arrived: the model answered (a dead server gives only `error`). */
  private answeredYet = false;

  constructor(private readonly worktree: string) {}

  answered(): boolean {
    return this.answeredYet;
  }

  line(raw: string): AgentEventInput[] {
    const event = jsonLine(raw);
    if (!event) return [];
    if (event.type === 'step_start' || event.type === 'text' || event.type === 'tool_use' || event.type === 'step_finish') this.answeredYet = true;
    const events: AgentEventInput[] = [];
    if (!this.started && text(event.sessionID) !== null) {
      this.started = true;
      events.push({ kind: 'started', agentSessionId: text(event.sessionID), model: null });
    }
    const part = record(event.part);
    switch (event.type) {
      case 'step_start':
        this.stepText = [];
        break;
      case 'text': {
        const said = text(part?.text)?.trim();
        if (said) {
          this.stepText.push(said);
          events.push({ kind: 'message', text: said });
        }
        break;
      }
      case 'tool_use':
        if (part) events.push(...this.toolUse(part));
        break;
      case 'step_finish':
        if (part) events.push(...this.stepFinish(part));
        break;
      case 'error':
        events.push(...this.finish({ kind: 'failed', reason: errorMessage(record(event.error)) }));
        break;
    }
    return events;
  }

  errorLine(): AgentEventInput[] {
    return [];
  }

  private paths(tool: string, input: Json | null): (string | null)[] {
    const patch = text(input?.patchText);
    if ((tool === 'patch' || tool === 'apply_patch') && patch !== null) {
      const files = patchFiles(patch);
      if (files.length > 0) return files.map((file) => repoPath(file, this.worktree));
    }
    const file = text(input?.filePath);
    return [file === null ? null : repoPath(file, this.worktree)];
  }

  private toolUse(part: Json): AgentEventInput[] {
    const tool = text(part.tool) ?? 'unknown';
    const state = record(part.state);
    const events: AgentEventInput[] = [];
    for (const path of this.paths(tool, record(state?.input))) {
      events.push({ kind: 'tool', tool, path });
      if (state?.status === 'completed' && EDIT_TOOLS.has(tool) && path !== null) events.push({ kind: 'file-changed', path });
      const error = text(state?.error);
      if (state?.status === 'error' && error !== null && REFUSED.test(error)) events.push({ kind: 'denied', tool, path, reason: error });
    }
    return events;
  }

  private stepFinish(part: Json): AgentEventInput[] {
    const events: AgentEventInput[] = [];
    const tokens = record(part.tokens);
    const cache = record(tokens?.cache);
    const cost = number(part.cost);
    const input = sum(tokens?.input, cache?.read, cache?.write);
    const output = number(tokens?.output);
    if (cost !== null || input !== null || output !== null) {
      // The run's totals so far (opencode reports each step's own).
      if (cost !== null) this.costUsd = (this.costUsd ?? 0) + cost;
      if (input !== null) this.inputTokens = (this.inputTokens ?? 0) + input;
      if (output !== null) this.outputTokens = (this.outputTokens ?? 0) + output;
      events.push({ kind: 'usage', costUsd: this.costUsd, inputTokens: this.inputTokens, outputTokens: this.outputTokens });
    }
    if (part.reason !== 'tool-calls') {
      const answer = this.stepText.join('\n\n');
      events.push(...this.finish({ kind: 'done', text: answer === '' ? null : answer }));
    }
    return events;
  }

  private finish(event: AgentEventInput): AgentEventInput[] {
    if (this.finished) return [];
    this.finished = true;
    return [event];
  }
}

/**
 * `{ name: "APIError", data: { message, metadata: { url } } }`, or a plain `{ message }`, in words —
 * with the server's address when opencode gives it ("Cannot connect to API: Unable to connect" alone
 * does not say which server).
 */
function errorMessage(error: Json | null): string {
  const data = record(error?.data);
  const message = text(data?.message) ?? text(error?.message) ?? text(error?.name) ?? 'opencode reported an error.';
  const url = text(record(data?.metadata)?.url);
  return url && !message.includes(url) ? `${message} (model server: ${url})` : message;
}
