import { readFileSync } from 'node:fs';
import path from 'node:path';
import { answerFailure, Conversation, type Exchange, newId, type ProtocolHandler, textOf } from './conversation';
import { type SseEvent, SseWriter } from './http';
import { type Action, extract, pickTool, type Script, type ToolResult } from './script';

/**
 * The OpenAI Responses API as Codex uses it: `POST /v1/responses` with `stream: true`, answered
 * with SSE. Codex edits files through a custom (free-text) tool `apply_patch` whose input is a
 * `*** Begin Patch … *** End Patch` text with paths relative to its working directory.
 */
export function openaiResponsesHandler(script: Script): ProtocolHandler {
  const conversation = new Conversation(script, { readBeforeOverwrite: false, canRead: false });
  return {
    matches: (method, url) => method === 'POST' && url.pathname.replace(/\/+$/, '').endsWith('/responses'),
    handle(exchange) {
      const input: ResponseItem[] = Array.isArray(exchange.body?.input) ? exchange.body.input : [];
      const toolResults = newToolResults(input);
      const tools: string[] = Array.isArray(exchange.body?.tools) ? exchange.body.tools.map((t: { name?: string; type?: string }) => t.name ?? t.type ?? '') : [];
      // A main turn offers apply_patch, or (Codex --oss, which has none) its shell tool.
      if (!tools.includes('apply_patch') && !tools.includes('exec_command')) {
        reply(exchange, { kind: 'text', text: 'Scripted side answer.' }, tools, '');
        return { protocol: 'openai-responses', kind: 'side', toolResults };
      }
      const context = input.map((item) => textOf(item.content)).join('\n');
      const cwd = extract(context, /<cwd>([^<]+)<\/cwd>/);
      if (!cwd) throw new Error('No <cwd> in the environment context.');
      const action = conversation.next(cwd, input.filter(isModelItem).length);
      if (!answerFailure(exchange, action)) reply(exchange, action, tools, cwd);
      return { protocol: 'openai-responses', kind: 'turn', toolResults, answered: action };
    },
  };
}

interface ResponseItem {
  type?: string;
  role?: string;
  call_id?: string;
  content?: unknown;
  output?: unknown;
}

/** Items the model produced in earlier turns (we emit exactly one per turn). */
function isModelItem(item: ResponseItem): boolean {
  return item.type === 'custom_tool_call' || item.type === 'function_call' || (item.type === 'message' && item.role === 'assistant');
}

function newToolResults(input: ResponseItem[]): ToolResult[] {
  let last = -1;
  input.forEach((item, index) => {
    if (isModelItem(item)) last = index;
  });
  return input
    .slice(last + 1)
    .filter((item) => item.type === 'custom_tool_call_output' || item.type === 'function_call_output')
    .map((item) => ({ callId: item.call_id ?? '', text: typeof item.output === 'string' ? item.output : textOf((item.output as { content?: unknown })?.content ?? item.output) }));
}

/** An apply_patch text that makes `rel` hold exactly `content`: Add for a new file, a whole-file Update otherwise. */
export function patchFor(cwd: string, rel: string, content: string): string {
  const lines = (text: string) => (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  let old: string | undefined;
  try {
    old = readFileSync(path.resolve(cwd, rel), 'utf8');
  } catch {
    old = undefined;
  }
  const body =
    old === undefined
      ? [`*** Add File: ${rel}`, ...lines(content).map((l) => `+${l}`)]
      : [`*** Update File: ${rel}`, '@@', ...lines(old).map((l) => `-${l}`), ...lines(content).map((l) => `+${l}`)];
  return ['*** Begin Patch', ...body, '*** End Patch'].join('\n');
}

function itemFor(action: Action, tools: string[], cwd: string): Record<string, unknown> {
  if (action.kind === 'write') {
    const name = pickTool(tools, ['apply_patch']);
    return { type: 'custom_tool_call', id: newId('ctc_'), call_id: newId('call_'), name, input: patchFor(cwd, action.path, action.content), status: 'completed' };
  }
  if (action.kind === 'shell') {
    const name = pickTool(tools, ['exec_command']);
    return { type: 'function_call', id: newId('fc_'), call_id: newId('call_'), name, arguments: JSON.stringify({ cmd: action.command }), status: 'completed' };
  }
  if (action.kind === 'text') {
    return { type: 'message', id: newId('msg_'), role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: action.text, annotations: [] }] };
  }
  throw new Error(`Action ${action.kind} has no Responses item.`);
}

/** One output item per response, streamed: created, item added, (text delta), item done, completed. */
function reply(exchange: Exchange, action: Action, tools: string[], cwd: string): void {
  const item = itemFor(action, tools, cwd);
  const id = newId('resp_');
  const model = typeof exchange.body?.model === 'string' ? exchange.body.model : 'gpt-scripted';
  const sse = new SseWriter(exchange.res);
  const send = (data: SseEvent) => sse.event(data);
  send({ type: 'response.created', response: { id, object: 'response', model, status: 'in_progress', output: [] } });
  send({ type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress' } });
  if (action.kind === 'text') {
    send({ type: 'response.output_text.delta', item_id: item.id, output_index: 0, content_index: 0, delta: action.text });
  }
  send({ type: 'response.output_item.done', output_index: 0, item });
  const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 };
  send({ type: 'response.completed', response: { id, object: 'response', model, status: 'completed', output: [item], usage } });
  sse.end();
}
