import type { AgentEventInput } from '../../../../shared/agents';
import type { OutputParser } from '../types';
import { type Json, jsonLine, number, record, records, repoPath, text } from './common';

/**
 * GitHub Copilot CLI headless output (`copilot -p … --output-format json`): one JSON event per line,
 * `{type, data, id, timestamp, ephemeral?}`. Read here:
 *
 *   session.tools_updated   data.model
 *   assistant.message       data.content (the text), data.toolRequests[{toolCallId, name, arguments}]
 *   tool.execution_complete data.toolCallId, data.success, data.fileEdits[{path, kind}],
 *                           data.error {message, code: "denied"} when a preToolUse hook refused it
 *                           ("Denied by preToolUse hook: <reason>")
 *   session.error           data.message (e.g. "Could not connect to local model provider at <url>")
 *   result                  sessionId (the conversation to resume), exitCode, usage
 *
 * The conversation id arrives only with the final `result`: that is when `started` names it.
 * See tests/support/model-server/fixtures/copilot-*.jsonl.
 */

const EDIT_TOOLS = new Set(['create', 'edit']);
const DENIED_PREFIX = /^Denied by preToolUse hook(?: from "[^"]*")?:\s*/;

interface ToolCall {
  tool: string;
  path: string | null;
}

export class CopilotParser implements OutputParser {
  private readonly calls = new Map<string, ToolCall>();
  private model: string | null = null;
  private answer: string | null = null;
  private lastError: string | null = null;
  private modelAnswered = false;
  private ended = false;

  constructor(
    private readonly worktree: string,
    private readonly modelServer: string | null = null,
  ) {}

  answered(): boolean {
    return this.modelAnswered;
  }

  line(raw: string): AgentEventInput[] {
    const event = jsonLine(raw);
    if (!event) return [];
    const data = record(event.data) ?? {};
    switch (event.type) {
      case 'session.tools_updated':
        this.model = text(data.model) ?? this.model;
        return [];
      case 'assistant.message_delta':
      case 'assistant.tool_call_delta':
        this.modelAnswered = true;
        return [];
      case 'assistant.message':
        return this.message(data);
      case 'tool.execution_complete':
        return this.toolDone(data);
      case 'session.error':
        this.lastError = text(data.message) ?? this.lastError;
        return [];
      case 'result':
        return this.result(event);
      default:
        return [];
    }
  }

  errorLine(): AgentEventInput[] {
    return [];
  }

  private filePath(args: Json | null): string | null {
    const file = text(args?.path);
    return file === null ? null : repoPath(file, this.worktree);
  }

  private message(data: Json): AgentEventInput[] {
    this.modelAnswered = true;
    // A subagent's own messages stay inside it.
    if (text(data.parentToolCallId) !== null) return [];
    const events: AgentEventInput[] = [];
    const said = text(data.content)?.trim() || null;
    if (said !== null) {
      events.push({ kind: 'message', text: said });
      this.answer = said;
    }
    for (const request of records(data.toolRequests)) {
      const tool = text(request.name) ?? 'unknown';
      const call = { tool, path: this.filePath(record(request.arguments)) };
      const id = text(request.toolCallId);
      if (id !== null) this.calls.set(id, call);
      events.push({ kind: 'tool', ...call });
      this.answer = null;
    }
    return events;
  }

  private toolDone(data: Json): AgentEventInput[] {
    const id = text(data.toolCallId);
    const call = (id === null ? undefined : this.calls.get(id)) ?? { tool: 'unknown', path: null };
    const error = record(data.error);
    if (data.success !== true && error?.code === 'denied') {
      const reason = (text(error.message) ?? 'Refused by a preToolUse hook.').replace(DENIED_PREFIX, '');
      return [{ kind: 'denied', tool: call.tool, path: call.path, reason }];
    }
    if (data.success !== true) return [];
    const edits = records(data.fileEdits).flatMap((edit) => text(edit.path) ?? []);
    const files = edits.length > 0 ? edits.map((file) => repoPath(file, this.worktree)) : EDIT_TOOLS.has(call.tool) && call.path !== null ? [call.path] : [];
    return files.map((path) => ({ kind: 'file-changed', path }));
  }

  private result(event: Json): AgentEventInput[] {
    if (this.ended) return [];
    this.ended = true;
    const events: AgentEventInput[] = [{ kind: 'started', agentSessionId: text(event.sessionId), model: this.model }];
    const exitCode = number(event.exitCode);
    if (exitCode === 0 && this.lastError === null) {
      events.push({ kind: 'done', text: this.answer });
      return events;
    }
    let reason = this.lastError ?? `Copilot CLI ended with exit code ${exitCode ?? 'unknown'}.`;
    if (this.modelServer && !reason.includes(this.modelServer) && !this.modelAnswered) reason = `${reason} (model server: ${this.modelServer})`;
    events.push({ kind: 'failed', reason });
    return events;
  }
}
