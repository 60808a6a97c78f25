import type { AgentEventInput } from '../../../../shared/agents';
import type { OutputParser } from '../types';
import { type Json, jsonLine, list, number, record, records, repoPath, sum, text } from './common';

/**
 * Claude Code headless output (`claude -p … --output-format stream-json --verbose`): `system/init`
 * (session_id, model), one `assistant` event per content block (`text`, `tool_use` with an id),
 * `user` events carrying the `tool_result` of each call (paired by `tool_use_id`; `is_error` when
 * it failed or was refused), and a final `result` (`is_error`, `result` text, `total_cost_usd`,
 * `usage`, `permission_denials`). Beware: `subtype` stays "success" on an API error; `is_error`
 * says the run failed. See tests/support/model-server/fixtures/claude-*.jsonl.
 */

/**
 * What differs between Claude Code's stream-json and the CLIs that print the same format (Qwen
 * Code): the names of the edit and shell tools, the name in messages, and how the CLI reports a
 * model request that failed.
 */
export interface ClaudeDialect {
  label: string;
  editTools: ReadonlySet<string>;
  shellTools: ReadonlySet<string>;
  /** A final `result` text that is a failed model request although the CLI calls it a success, or null. */
  apiError?(resultText: string): string | null;
}

export const CLAUDE_DIALECT: ClaudeDialect = { label: 'Claude Code', editTools: new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']), shellTools: new Set(['Bash']) };

/** What a refusing PreToolUse hook turns into: `PreToolUse:Write hook error: [<argv>]: <reason>`. */
const HOOK_ERROR = /^PreToolUse:\S+ hook error: (?:\[[^\]]*\]: )?([\s\S]*)$/;

interface ToolCall {
  tool: string;
  path: string | null;
}

/** The text of a tool_result's content: a string, or a list of `{ type: 'text', text }` parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return list(content)
    .map((part) => text(record(part)?.text) ?? '')
    .join('');
}

/** An error text without Claude Code's `<tool_use_error>` wrapper and surrounding blank space. */
function cleanError(value: string): string {
  return value.replace(/<\/?tool_use_error>/g, '').trim();
}

export class ClaudeParser implements OutputParser {
  private readonly calls = new Map<string, ToolCall>();
  /** Failed edit calls whose error did not name a hook: the reason, should the result list them as denied. */
  private readonly failedEdits = new Map<string, string>();
  private readonly reportedDenials = new Set<string>();
  private started = false;
  private modelAnswered = false;

  constructor(
    private readonly worktree: string,
    private readonly dialect: ClaudeDialect = CLAUDE_DIALECT,
  ) {}

  /** Whether the model has answered yet (text or a tool call; a failed request's notice is no answer). */
  answered(): boolean {
    return this.modelAnswered;
  }

  line(raw: string): AgentEventInput[] {
    const event = jsonLine(raw);
    switch (event?.type) {
      case 'system':
        return this.system(event);
      case 'assistant':
        return this.assistant(event);
      case 'user':
        return this.user(event);
      case 'result':
        return this.result(event);
      default:
        return [];
    }
  }

  errorLine(): AgentEventInput[] {
    return [];
  }

  private filePath(input: Json | null): string | null {
    const file = text(input?.file_path) ?? text(input?.notebook_path);
    return file === null ? null : repoPath(file, this.worktree);
  }

  private system(event: Json): AgentEventInput[] {
    if (event.subtype !== 'init' || this.started) return [];
    this.started = true;
    return [{ kind: 'started', agentSessionId: text(event.session_id), model: text(event.model) }];
  }

  private blocks(event: Json): Json[] {
    return records(record(event.message)?.content);
  }

  private assistant(event: Json): AgentEventInput[] {
    const events: AgentEventInput[] = [];
    // A subagent's (Task) own words stay inside it; its tool calls are work in the worktree all the same.
    const fromSubagent = text(event.parent_tool_use_id) !== null;
    for (const block of this.blocks(event)) {
      if (block.type === 'text') {
        const said = text(block.text);
        if (said !== null && this.dialect.apiError?.(said) != null) continue;
        if (said !== null) this.modelAnswered = true;
        if (said !== null && !fromSubagent) events.push({ kind: 'message', text: said });
      } else if (block.type === 'tool_use') {
        this.modelAnswered = true;
        const tool = text(block.name) ?? 'unknown';
        const call = { tool, path: this.filePath(record(block.input)) };
        const id = text(block.id);
        if (id !== null) this.calls.set(id, call);
        events.push({ kind: 'tool', ...call });
      }
    }
    return events;
  }

  private user(event: Json): AgentEventInput[] {
    const events: AgentEventInput[] = [];
    for (const block of this.blocks(event)) {
      if (block.type !== 'tool_result') continue;
      const id = text(block.tool_use_id);
      const call = id === null ? undefined : this.calls.get(id);
      // Bash too: the lock hook refuses a shell command that writes a held file (issue 12, item 12),
      // and its reason (naming the holder) must show, not "permissions refused Bash".
      const { editTools, shellTools } = this.dialect;
      if (id === null || !call || !(editTools.has(call.tool) || shellTools.has(call.tool))) continue;
      if (block.is_error !== true) {
        if (call.path !== null && editTools.has(call.tool)) events.push({ kind: 'file-changed', path: call.path });
        continue;
      }
      const error = cleanError(contentText(block.content));
      const hookReason = HOOK_ERROR.exec(error)?.[1]?.trim();
      if (hookReason) {
        this.reportedDenials.add(id);
        events.push({ kind: 'denied', tool: call.tool, path: call.path, reason: hookReason });
      } else {
        this.failedEdits.set(id, error);
      }
    }
    return events;
  }

  private result(event: Json): AgentEventInput[] {
    const events: AgentEventInput[] = [];
    // Refusals the tool results did not already show as a hook's (a hook's JSON "block", or
    // Claude Code's own permission rules).
    for (const denial of records(event.permission_denials)) {
      const id = text(denial.tool_use_id);
      if (id !== null && this.reportedDenials.has(id)) continue;
      if (id !== null) this.reportedDenials.add(id);
      const tool = text(denial.tool_name) ?? 'unknown';
      const reason = (id === null ? undefined : this.failedEdits.get(id)) || `${this.dialect.label}'s permissions refused ${tool}.`;
      events.push({ kind: 'denied', tool, path: this.filePath(record(denial.tool_input)), reason });
    }

    const usage = record(event.usage);
    const costUsd = number(event.total_cost_usd);
    const inputTokens = sum(usage?.input_tokens, usage?.cache_creation_input_tokens, usage?.cache_read_input_tokens);
    const outputTokens = number(usage?.output_tokens);
    if (costUsd !== null || inputTokens !== null || outputTokens !== null) events.push({ kind: 'usage', costUsd, inputTokens, outputTokens });

    const resultText = text(event.result);
    const apiError = resultText === null ? null : (this.dialect.apiError?.(resultText) ?? null);
    if (apiError !== null) {
      events.push({ kind: 'failed', reason: apiError });
    } else if (event.is_error === true || event.subtype !== 'success') {
      const errors = list(event.errors).flatMap((e) => text(e) ?? []);
      const reason = resultText ?? (errors.length > 0 ? errors.join('; ') : `${this.dialect.label} ended with "${text(event.subtype) ?? 'an error'}".`);
      events.push({ kind: 'failed', reason });
    } else {
      events.push({ kind: 'done', text: resultText });
    }
    return events;
  }
}
