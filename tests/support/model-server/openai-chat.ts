import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { answerFailure, Conversation, type Exchange, newId, type ProtocolHandler, textOf } from './conversation';
import { sendJson, SseWriter } from './http';
import { type Action, extract, pickTool, type ScriptSource, type ToolResult } from './script';

/**
 * The OpenAI Chat Completions API as Qwen Code and GitHub Copilot CLI (bring-your-own-model) use
 * it: `POST /v1/chat/completions` with `stream: true` (answered with `data:` chunks and `[DONE]`),
 * or without (answered with one JSON completion). Tools are functions; a tool call's result comes
 * back as a `role: "tool"` message with its `tool_call_id`.
 *
 * - Qwen Code (a Gemini CLI fork): its main agent's system prompt starts "You are Qwen Code"; its
 *   first user message says "I'm currently working in the directory: <cwd>"; tools `write_file
 *   {file_path, content}`, `read_file {file_path}`, `run_shell_command {command}`. Its background
 *   helpers (the managed-memory extractor, titles) are side queries.
 * - Copilot CLI: its system prompt says "Current working directory: <cwd>"; tools `create {path,
 *   file_text}` (the file must not exist), `edit {path, old_str, new_str}`, `view {path}`,
 *   `bash {command, description}`.
 * - The custom preset's test agent (tests/agents/fixtures/repl-agent.mjs): "You are a REPL agent",
 *   "Current working directory: <cwd>"; one tool, `write_file {file_path, content}`.
 */
export function openaiChatHandler(script: ScriptSource): ProtocolHandler {
  const conversation = new Conversation(script, { readBeforeOverwrite: false, canRead: true });
  return {
    matches: (method, url) => method === 'POST' && url.pathname.replace(/\/+$/, '').endsWith('/chat/completions'),
    handle(exchange) {
      const messages: ChatMessage[] = Array.isArray(exchange.body?.messages) ? exchange.body.messages : [];
      const toolResults = newToolResults(messages);
      const tools: string[] = Array.isArray(exchange.body?.tools) ? exchange.body.tools.map((t: { function?: { name?: string } }) => t.function?.name ?? '') : [];
      const system = messages.filter((m) => m.role === 'system').map((m) => textOf(m.content)).join('\n');
      const main = /^You are (Qwen Code|the GitHub Copilot CLI|a REPL agent)\b/.test(system.trimStart());
      if (tools.length === 0 || !main) {
        reply(exchange, { kind: 'text', text: 'Scripted side answer.' }, tools, '');
        return { protocol: 'openai-chat', kind: 'side', toolResults };
      }
      const context = messages.map((m) => textOf(m.content)).join('\n');
      const cwd = extract(context, /I'm currently working in the directory:\s*(.+)/) ?? extract(system, /Current working directory:\s*(.+)/);
      if (!cwd) throw new Error('No "I\'m currently working in the directory:" (Qwen Code) or "Current working directory:" (Copilot CLI) in the request.');
      const action = conversation.next(cwd, messages.filter(isModelTurn).length);
      if (!answerFailure(exchange, action)) reply(exchange, action, tools, cwd);
      return { protocol: 'openai-chat', kind: 'turn', toolResults, answered: action };
    },
  };
}

interface ChatMessage {
  role: string;
  content: unknown;
  tool_calls?: unknown[];
  tool_call_id?: string;
  name?: string;
}

/** Qwen Code opens every conversation with this canned assistant reply to its context message. */
const QWEN_CONTEXT_ACK = 'Got it. Thanks for the context!';

/** A message the model produced in an earlier turn (we answer every turn with exactly one). */
function isModelTurn(message: ChatMessage): boolean {
  return message.role === 'assistant' && textOf(message.content).trim() !== QWEN_CONTEXT_ACK;
}

/** The `role: "tool"` messages sent since the model's last turn. */
function newToolResults(messages: ChatMessage[]): ToolResult[] {
  const last = messages.map((m) => m.role).lastIndexOf('assistant');
  return messages
    .slice(last + 1)
    .filter((m) => m.role === 'tool')
    .map((m) => ({ callId: m.tool_call_id ?? '', ...(m.name ? { name: m.name } : {}), text: textOf(m.content) }));
}

interface Call {
  name: string;
  args: Record<string, unknown>;
}

function callFor(action: Action, tools: string[], cwd: string): Call {
  switch (action.kind) {
    case 'write': {
      const name = pickTool(tools, ['write_file', 'create']);
      const file = path.resolve(cwd, action.path);
      if (name === 'write_file') return { name, args: { file_path: file, content: action.content } };
      // Copilot's `create` refuses an existing file: overwrite it with one whole-file `edit`.
      if (existsSync(file)) return { name: pickTool(tools, ['edit']), args: { path: file, old_str: readFileSync(file, 'utf8'), new_str: action.content } };
      return { name, args: { path: file, file_text: action.content } };
    }
    case 'read': {
      const name = pickTool(tools, ['read_file', 'view']);
      const file = path.resolve(cwd, action.path);
      return { name, args: name === 'read_file' ? { file_path: file } : { path: file } };
    }
    case 'shell': {
      const name = pickTool(tools, ['run_shell_command', 'bash']);
      return { name, args: { command: action.command, description: 'Scripted shell command' } };
    }
    case 'tool':
      return { name: pickTool(tools, [action.name]), args: action.input };
    default:
      throw new Error(`Action ${action.kind} has no tool call.`);
  }
}

const USAGE = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

/** One assistant message: a text, or one tool call; streamed as chunks when the request asks for it. */
function reply(exchange: Exchange, action: Action, tools: string[], cwd: string): void {
  const model = typeof exchange.body?.model === 'string' ? exchange.body.model : 'gpt-scripted';
  const id = newId('chatcmpl-');
  const base = { id, created: Math.floor(Date.now() / 1000), model };
  const call = action.kind === 'text' ? null : callFor(action, tools, cwd);
  const toolCall = call ? { id: newId('call_'), type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args) } } : null;
  const finish = toolCall ? 'tool_calls' : 'stop';
  const text = action.kind === 'text' ? action.text : null;
  if (exchange.body?.stream !== true) {
    const message = { role: 'assistant', content: text, ...(toolCall ? { tool_calls: [toolCall] } : {}) };
    sendJson(exchange.res, 200, { ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage: USAGE });
    return;
  }
  const sse = new SseWriter(exchange.res);
  const chunk = (delta: Record<string, unknown>, finishReason: string | null, extra: Record<string, unknown> = {}) =>
    sse.data({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra });
  if (toolCall) {
    chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.function.name, arguments: '' } }] }, null);
    chunk({ tool_calls: [{ index: 0, function: { arguments: toolCall.function.arguments } }] }, null);
  } else {
    chunk({ role: 'assistant', content: text }, null);
  }
  chunk({}, finish, { usage: USAGE });
  exchange.res.write('data: [DONE]\n\n');
  sse.end();
}
