import type { AgentEventInput } from '../../../../shared/agents';
import type { OutputParser } from '../types';
import { type Json, jsonLine, number, record, repoPath, text } from './common';

/**
 * Gemini CLI headless output (`gemini -p … --output-format stream-json`): `init` (session_id,
 * model), `message` (role user/assistant; assistant text arrives in `delta: true` chunks),
 * `tool_use` (tool_name, tool_id, parameters), `tool_result` (tool_id, status success/error, and
 * `error.type` "policy_violation" when a BeforeTool hook refused it), `error` (severity warning or
 * error: notices, the run goes on) and a final `result` (status success/error, `error.message`,
 * `stats` with tokens). See tests/support/model-server/fixtures/gemini-*.jsonl.
 */

const EDIT_TOOLS = new Set(['write_file', 'replace', 'edit']);
/** Gemini CLI's prefix before a hook's reason. */
const BLOCKED_PREFIX = /^Tool execution blocked:\s*/;

interface ToolCall {
  tool: string;
  path: string | null;
}

export class GeminiParser implements OutputParser {
  private readonly calls = new Map<string, ToolCall>();
  /** Assistant text chunks not yet sent as one message. */
  private pendingText = '';
  /** The assistant's text since its last tool call: the run's answer when it ends. */
  private answer = '';
  private lastError: string | null = null;

  constructor(private readonly worktree: string) {}

  line(raw: string): AgentEventInput[] {
    const event = jsonLine(raw);
    if (!event) return [];
    if (event.type === 'message') return this.message(event);
    // Anything else ends the text in progress: it becomes one message first.
    const events = this.flushText();
    switch (event.type) {
      case 'init':
        events.push({ kind: 'started', agentSessionId: text(event.session_id), model: text(event.model) });
        break;
      case 'tool_use':
        events.push(this.toolUse(event));
        break;
      case 'tool_result':
        events.push(...this.toolResult(event));
        break;
      case 'error':
        if (event.severity === 'error') this.lastError = text(event.message) ?? this.lastError;
        break;
      case 'result':
        events.push(...this.result(event));
        break;
    }
    return events;
  }

  errorLine(): AgentEventInput[] {
    return [];
  }

  private message(event: Json): AgentEventInput[] {
    const chunk = typeof event.content === 'string' ? event.content : '';
    if (event.role !== 'assistant' || chunk === '') return [];
    this.pendingText += chunk;
    this.answer += chunk;
    return event.delta === true ? [] : this.flushText();
  }

  private flushText(): AgentEventInput[] {
    const said = this.pendingText.trim();
    this.pendingText = '';
    return said === '' ? [] : [{ kind: 'message', text: said }];
  }

  private toolUse(event: Json): AgentEventInput {
    const parameters = record(event.parameters);
    const file = text(parameters?.file_path) ?? text(parameters?.absolute_path);
    const call = { tool: text(event.tool_name) ?? 'unknown', path: file === null ? null : repoPath(file, this.worktree) };
    const id = text(event.tool_id);
    if (id !== null) this.calls.set(id, call);
    this.answer = '';
    return { kind: 'tool', ...call };
  }

  private toolResult(event: Json): AgentEventInput[] {
    const id = text(event.tool_id);
    // A result without its tool_use still counts as a refusal (but names no tool or file).
    const call = (id === null ? undefined : this.calls.get(id)) ?? { tool: 'unknown', path: null };
    const error = record(event.error);
    if (event.status === 'error' && error?.type === 'policy_violation') {
      const message = text(error.message) ?? text(event.output) ?? 'Refused by a policy.';
      return [{ kind: 'denied', tool: call.tool, path: call.path, reason: message.replace(BLOCKED_PREFIX, '') }];
    }
    if (event.status === 'success' && EDIT_TOOLS.has(call.tool) && call.path !== null) return [{ kind: 'file-changed', path: call.path }];
    return [];
  }

  private result(event: Json): AgentEventInput[] {
    const events: AgentEventInput[] = [];
    const stats = record(event.stats);
    const inputTokens = number(stats?.input_tokens);
    const outputTokens = number(stats?.output_tokens);
    if (inputTokens !== null || outputTokens !== null) events.push({ kind: 'usage', costUsd: null, inputTokens, outputTokens });
    if (event.status === 'success') {
      const answer = this.answer.trim();
      events.push({ kind: 'done', text: answer === '' ? null : answer });
    } else {
      const reason = text(record(event.error)?.message) ?? this.lastError ?? `Gemini CLI ended with status "${text(event.status) ?? 'unknown'}".`;
      events.push({ kind: 'failed', reason });
    }
    return events;
  }
}
