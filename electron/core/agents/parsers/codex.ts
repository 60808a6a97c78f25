import type { AgentEventInput } from '../../../../shared/agents';
import type { OutputParser } from '../types';
import { type Json, jsonLine, number, record, records, repoPath, text } from './common';

/**
 * Codex headless output (`codex exec --json`): `thread.started` (thread_id), `turn.started`,
 * `item.started` / `item.completed` (`file_change` with absolute `changes[].path`,
 * `command_execution`, `agent_message`, and `error` items, which are warnings — e.g. the
 * hook-trust bypass notice — not failures), `turn.completed` (usage) or `turn.failed` (error), and
 * top-level `error` events (inside a turn also the transient "Reconnecting…" notices; a fatal one is
 * followed by `turn.failed`). See tests/support/model-server/fixtures/codex-*.jsonl.
 *
 * A PreToolUse hook's refusal leaves nothing on stdout: only a log line on stderr, followed by the
 * refused patch, e.g.
 *   2026-11-24T01:55:07.296915Z ERROR codex_core::tools::router: error=Command blocked by PreToolUse hook: <reason>. Command: *** Begin Patch
 *   *** Add File: src/x.ts
 *   +export const x = 42;
 *   *** End Patch
 */

const BLOCKED = 'Command blocked by PreToolUse hook: ';
const COMMAND = '. Command: ';
const BEGIN_PATCH = '*** Begin Patch';
const PATCH_FILE = /^\*\*\* (?:Add File|Update File|Delete File|Move to): (.+)$/;
/** The start of a new `tracing` log line: a timestamp, then the level. */
const LOG_LINE = /^\d{4}-\d{2}-\d{2}T\S+\s+[A-Z]+\s/;

/** Tool names for the items that stand for a tool call. */
const ITEM_TOOLS: Record<string, string> = { command_execution: 'shell', web_search: 'web_search', mcp_tool_call: 'mcp' };

export class CodexParser implements OutputParser {
  /** Items whose tool events were already sent (at item.started). */
  private readonly announced = new Set<string>();
  private inTurn = false;
  private finished = false;
  private lastMessage: string | null = null;
  private lastError: string | null = null;
  private inputTokens: number | null = null;
  private outputTokens: number | null = null;
  /** A hook refusal whose patch (and so whose file) is still being printed on stderr. */
  private pendingDenial: { reason: string } | null = null;

  constructor(private readonly worktree: string) {}

  line(raw: string): AgentEventInput[] {
    const event = jsonLine(raw);
    if (!event) return [];
    switch (event.type) {
      case 'thread.started':
        return [{ kind: 'started', agentSessionId: text(event.thread_id), model: null }];
      case 'turn.started':
        this.inTurn = true;
        return [];
      case 'item.started':
        return this.itemStarted(record(event.item));
      case 'item.completed':
        return this.itemCompleted(record(event.item));
      case 'turn.completed':
        this.inTurn = false;
        return [...this.usage(record(event.usage)), ...this.finish({ kind: 'done', text: this.lastMessage })];
      case 'turn.failed':
        this.inTurn = false;
        return this.finish({ kind: 'failed', reason: text(record(event.error)?.message) ?? this.lastError ?? 'The Codex turn failed.' });
      case 'error':
        return this.error(text(event.message) ?? text(record(event.error)?.message) ?? 'Codex reported an error.');
      default:
        return [];
    }
  }

  errorLine(raw: string): AgentEventInput[] {
    const line = raw.trimEnd();
    const events: AgentEventInput[] = [];
    if (this.pendingDenial) {
      const file = PATCH_FILE.exec(line.trimStart())?.[1]?.trim();
      if (file) return [this.denied('apply_patch', repoPath(file, this.worktree))];
      // The patch ended (or something else is being logged) before it named a file.
      if (line.trim() === '*** End Patch' || LOG_LINE.test(line)) events.push(this.denied('apply_patch', null));
      else return [];
    }
    const at = line.indexOf(BLOCKED);
    if (at < 0) return events;
    const rest = line.slice(at + BLOCKED.length);
    const commandAt = rest.lastIndexOf(COMMAND);
    const reason = (commandAt < 0 ? rest : rest.slice(0, commandAt)).trim();
    const command = commandAt < 0 ? '' : rest.slice(commandAt + COMMAND.length).trim();
    if (command.startsWith(BEGIN_PATCH)) this.pendingDenial = { reason };
    else events.push({ kind: 'denied', tool: command === '' ? 'apply_patch' : 'shell', path: null, reason });
    return events;
  }

  private denied(tool: string, path: string | null): AgentEventInput {
    const reason = this.pendingDenial?.reason ?? '';
    this.pendingDenial = null;
    return { kind: 'denied', tool, path, reason };
  }

  private changedPaths(item: Json): string[] {
    return records(item.changes).flatMap((change) => {
      const file = text(change.path);
      return file === null ? [] : [repoPath(file, this.worktree)];
    });
  }

  private toolEvents(item: Json): AgentEventInput[] {
    const type = text(item.type) ?? '';
    if (type === 'file_change') return this.changedPaths(item).map((path) => ({ kind: 'tool', tool: 'apply_patch', path }));
    const tool = type === 'mcp_tool_call' ? text(item.tool) : ITEM_TOOLS[type];
    return tool ? [{ kind: 'tool', tool, path: null }] : [];
  }

  private itemStarted(item: Json | null): AgentEventInput[] {
    if (!item) return [];
    const id = text(item.id);
    if (id !== null) this.announced.add(id);
    return this.toolEvents(item);
  }

  private itemCompleted(item: Json | null): AgentEventInput[] {
    if (!item) return [];
    if (item.type === 'agent_message') {
      const said = text(item.text);
      if (said === null) return [];
      this.lastMessage = said;
      return [{ kind: 'message', text: said }];
    }
    const id = text(item.id);
    const events = id !== null && this.announced.has(id) ? [] : this.toolEvents(item);
    if (item.type === 'file_change' && item.status === 'completed') {
      for (const path of this.changedPaths(item)) events.push({ kind: 'file-changed', path });
    }
    return events;
  }

  /** Inside a turn an error may be a retry notice (turn.failed follows a fatal one); outside, it ends the run. */
  private error(message: string): AgentEventInput[] {
    this.lastError = message;
    return this.inTurn ? [] : this.finish({ kind: 'failed', reason: message });
  }

  /** The run's token totals so far (Codex reports each turn's own). */
  private usage(usage: Json | null): AgentEventInput[] {
    const input = number(usage?.input_tokens);
    const output = number(usage?.output_tokens);
    if (input === null && output === null) return [];
    if (input !== null) this.inputTokens = (this.inputTokens ?? 0) + input;
    if (output !== null) this.outputTokens = (this.outputTokens ?? 0) + output;
    return [{ kind: 'usage', costUsd: null, inputTokens: this.inputTokens, outputTokens: this.outputTokens }];
  }

  /** One ending per run: a failed turn's `error` and its `turn.failed` must not both count. */
  private finish(event: AgentEventInput): AgentEventInput[] {
    if (this.finished) return [];
    this.finished = true;
    return [event];
  }
}
