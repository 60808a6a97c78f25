import path from 'node:path';
import { answerFailure, Conversation, type Exchange, newId, type ProtocolHandler, textOf } from './conversation';
import { sendJson, type SseEvent, SseWriter } from './http';
import { type Action, extract, pickTool, type ScriptSource, type ToolResult } from './script';

/**
 * The Anthropic Messages API as Claude Code uses it: `HEAD /` (a reachability probe), then
 * `POST /v1/messages?beta=true` with `stream: true`, answered with SSE. Requests without `tools`
 * are side queries (titles, summaries) and get a short text.
 */
export function anthropicHandler(script: ScriptSource): ProtocolHandler {
  // Claude Code refuses to overwrite a file it has not read in the same run.
  const conversation = new Conversation(script, { readBeforeOverwrite: true, canRead: true });
  return {
    matches: (method, url) => (method === 'HEAD' && url.pathname === '/') || (method === 'POST' && url.pathname === '/v1/messages'),
    handle(exchange) {
      const { req, res, body } = exchange;
      if (req.method === 'HEAD') {
        res.writeHead(200).end();
        return { protocol: 'anthropic', kind: 'probe', toolResults: [] };
      }
      const messages: AnthropicMessage[] = Array.isArray(body?.messages) ? body.messages : [];
      const toolResults = newToolResults(messages);
      const tools: string[] = Array.isArray(body?.tools) ? body.tools.map((t: { name: string }) => t.name) : [];
      if (tools.length === 0) {
        reply(exchange, { kind: 'text', text: 'Scripted side answer.' }, tools, '');
        return { protocol: 'anthropic', kind: 'side', toolResults };
      }
      // Claude Code: "Primary working directory: <path>"; opencode: "Working directory: <path>";
      // Kilo Code: "Working directory: <path>" in the <environment_details> of its first user message.
      const system = textOf(body.system);
      const firstUser = textOf(messages.find((m) => m.role === 'user')?.content);
      const cwd = extract(system, /Primary working directory:\s*(.+)/) ?? extract(system, /Working directory:\s*(.+)/) ?? extract(firstUser, /<environment_details>[\s\S]*?Working directory:\s*(.+)/);
      if (!cwd) throw new Error('No "Primary working directory:" (Claude Code) or "Working directory:" (opencode, Kilo Code) in the system prompt or the first user message.');
      const modelTurns = messages.filter((m) => m.role === 'assistant').length;
      const action = conversation.next(cwd, modelTurns);
      if (!answerFailure(exchange, action)) reply(exchange, action, tools, cwd);
      return { protocol: 'anthropic', kind: 'turn', toolResults, answered: action };
    },
  };
}

interface AnthropicMessage {
  role: string;
  content: unknown;
}

/** The `tool_result` blocks sent since the model's last turn. */
function newToolResults(messages: AnthropicMessage[]): ToolResult[] {
  const lastAssistant = messages.map((m) => m.role).lastIndexOf('assistant');
  const results: ToolResult[] = [];
  for (const message of messages.slice(lastAssistant + 1)) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content as { type?: string; tool_use_id?: string; is_error?: boolean; content?: unknown }[]) {
      if (block.type !== 'tool_result') continue;
      results.push({ callId: block.tool_use_id ?? '', isError: block.is_error === true, text: textOf(block.content) });
    }
  }
  return results;
}

type Block = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

function blockFor(action: Action, tools: string[], cwd: string): Block {
  switch (action.kind) {
    // Claude Code's tools take `file_path`; opencode's (lower-case) `filePath`.
    case 'write': {
      const name = pickTool(tools, ['Write', 'write']);
      const file = path.resolve(cwd, action.path);
      return { type: 'tool_use', id: newId('toolu_'), name, input: name === 'Write' ? { file_path: file, content: action.content } : { filePath: file, content: action.content } };
    }
    case 'read': {
      const name = pickTool(tools, ['Read', 'read']);
      const file = path.resolve(cwd, action.path);
      return { type: 'tool_use', id: newId('toolu_'), name, input: name === 'Read' ? { file_path: file } : { filePath: file } };
    }
    case 'shell': {
      const name = pickTool(tools, ['Bash', 'bash']);
      return { type: 'tool_use', id: newId('toolu_'), name, input: { command: action.command, description: 'Scripted shell command' } };
    }
    case 'tool':
      return { type: 'tool_use', id: newId('toolu_'), name: pickTool(tools, [action.name]), input: action.input };
    case 'text':
      return { type: 'text', text: action.text };
    default:
      throw new Error(`Action ${action.kind} has no content block.`);
  }
}

/** One assistant message holding one block, streamed the way the real API streams it (or as JSON when not streaming). */
function reply(exchange: Exchange, action: Action, tools: string[], cwd: string): void {
  const block = blockFor(action, tools, cwd);
  const stopReason = block.type === 'tool_use' ? 'tool_use' : 'end_turn';
  const model = typeof exchange.body?.model === 'string' ? exchange.body.model : 'claude-scripted';
  const message = { id: newId('msg_'), type: 'message', role: 'assistant', model, stop_sequence: null };
  const usage = { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  if (exchange.body?.stream !== true) {
    sendJson(exchange.res, 200, { ...message, content: [block], stop_reason: stopReason, usage });
    return;
  }
  const sse = new SseWriter(exchange.res);
  const send = (data: SseEvent) => sse.event(data);
  send({ type: 'message_start', message: { ...message, content: [], stop_reason: null, usage } });
  if (block.type === 'text') {
    send({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    send({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: block.text } });
  } else {
    send({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
    send({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
  }
  send({ type: 'content_block_stop', index: 0 });
  send({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 5 } });
  send({ type: 'message_stop' });
  sse.end();
}
