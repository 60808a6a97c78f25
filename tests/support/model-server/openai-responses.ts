import { readFileSync } from 'node:fs';
import path from 'node:path';
import { answerFailure, Conversation, type Exchange, newId, type ProtocolHandler, textOf } from './conversation';
import { type SseEvent, SseWriter } from './http';
import { type Action, extract, pickTool, type Script, type ToolResult } from './script';

/**
 * The OpenAI Responses API as Codex uses it: `POST /v1/responses` with `stream: true`, answered
 * with SSE. Codex edits files through a custom (free-text) tool `apply_patch` whose input is a
 * `*** Begin Patch … *** End Patch` text with paths relative to its working directory.
 *
 * MCP tools (Codex 0.169 with a model whose catalog entry says `supports_search_tool`, e.g.
 * gpt-5.5) are not in the request's `tools`: they are deferred behind Codex's client-side
 * `tool_search` tool. A script step `{ tool: { name: 'mcp__council__who_owns' } }` is then answered
 * as the real model does: first a `tool_search_call` (`arguments: { query, limit }`), to which Codex
 * answers with a `tool_search_output` item whose `tools` hold a `namespace` (`mcp__council`) of
 * functions (`who_owns`, …, `defer_loading: true`); then, in the next request, a `function_call`
 * with `namespace: "mcp__council"` and `name: "who_owns"`. Its result comes back as a
 * `function_call_output`. The search call is not a model turn of the script: the same step is
 * answered again, now with the call, so a retried request still gets the same answer.
 */
export function openaiResponsesHandler(script: Script): ProtocolHandler {
  const conversation = new Conversation(script, { readBeforeOverwrite: false, canRead: false });
  return {
    matches: (method, url) => method === 'POST' && url.pathname.replace(/\/+$/, '').endsWith('/responses'),
    handle(exchange) {
      const input: ResponseItem[] = Array.isArray(exchange.body?.input) ? exchange.body.input : [];
      const toolResults = newToolResults(input);
      const offered: string[] = Array.isArray(exchange.body?.tools) ? exchange.body.tools.map((t: { name?: string; type?: string }) => t.name ?? t.type ?? '') : [];
      // Tools loaded by earlier tool searches, by their full name (`<namespace>__<tool>`).
      const tools = [...offered, ...searchedTools(input).keys()];
      // A main turn offers apply_patch, or (Codex --oss, which has none) its shell tool.
      if (!tools.includes('apply_patch') && !tools.includes('exec_command')) {
        reply(exchange, { kind: 'text', text: 'Scripted side answer.' }, tools, '', input);
        return { protocol: 'openai-responses', kind: 'side', toolResults };
      }
      const context = input.map((item) => textOf(item.content)).join('\n');
      const cwd = extract(context, /<cwd>([^<]+)<\/cwd>/);
      if (!cwd) throw new Error('No <cwd> in the environment context.');
      const action = conversation.next(cwd, input.filter(isModelItem).length);
      if (!answerFailure(exchange, action)) reply(exchange, action, tools, cwd, input);
      return { protocol: 'openai-responses', kind: 'turn', toolResults, answered: action };
    },
  };
}

interface ResponseItem {
  type?: string;
  role?: string;
  call_id?: string;
  name?: string;
  namespace?: string;
  content?: unknown;
  output?: unknown;
  tools?: { type?: string; name?: string; tools?: { type?: string; name?: string }[] }[];
}

/** Items the model produced in earlier turns that are steps of the script (we emit exactly one per turn). */
function isModelItem(item: ResponseItem): boolean {
  return item.type === 'custom_tool_call' || item.type === 'function_call' || (item.type === 'message' && item.role === 'assistant');
}

/** A tool's full name: `<namespace>__<tool>` for a tool loaded by a search (Claude Code's spelling of MCP tools), else its name. */
const fullName = (namespace: string | undefined, name: string): string => (namespace ? `${namespace}__${name}` : name);

/** The tools the tool searches in the history loaded: full name → { namespace, name }. */
function searchedTools(input: ResponseItem[]): Map<string, { namespace: string; name: string }> {
  const found = new Map<string, { namespace: string; name: string }>();
  for (const item of input) {
    if (item.type !== 'tool_search_output') continue;
    for (const ns of item.tools ?? []) {
      if (ns.type !== 'namespace' || !ns.name) continue;
      for (const tool of ns.tools ?? []) if (tool.name) found.set(fullName(ns.name, tool.name), { namespace: ns.name, name: tool.name });
    }
  }
  return found;
}

/** Whether the model's last item is a tool search (made for the step now being answered). */
function searchedThisStep(input: ResponseItem[]): boolean {
  const last = input.findLast((item) => isModelItem(item) || item.type === 'tool_search_call');
  return last?.type === 'tool_search_call';
}

function newToolResults(input: ResponseItem[]): ToolResult[] {
  let last = -1;
  input.forEach((item, index) => {
    if (isModelItem(item) || item.type === 'tool_search_call') last = index;
  });
  // The name of each call, for results that do not carry it (function_call_output has only the call id).
  const names = new Map(input.filter((item) => item.call_id && (item.type === 'function_call' || item.type === 'custom_tool_call')).map((item) => [item.call_id, fullName(item.namespace, item.name ?? '')]));
  return input
    .slice(last + 1)
    .filter((item) => item.type === 'custom_tool_call_output' || item.type === 'function_call_output')
    .map((item) => {
      const name = names.get(item.call_id);
      return { callId: item.call_id ?? '', ...(name ? { name } : {}), text: typeof item.output === 'string' ? item.output : textOf((item.output as { content?: unknown })?.content ?? item.output) };
    });
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

function itemFor(action: Action, tools: string[], cwd: string, input: ResponseItem[]): Record<string, unknown> {
  if (action.kind === 'write') {
    const name = pickTool(tools, ['apply_patch']);
    return { type: 'custom_tool_call', id: newId('ctc_'), call_id: newId('call_'), name, input: patchFor(cwd, action.path, action.content), status: 'completed' };
  }
  if (action.kind === 'shell') {
    const name = pickTool(tools, ['exec_command']);
    return { type: 'function_call', id: newId('fc_'), call_id: newId('call_'), name, arguments: JSON.stringify({ cmd: action.command }), status: 'completed' };
  }
  if (action.kind === 'tool') {
    const searched = searchedTools(input).get(action.name);
    if (searched) return { type: 'function_call', id: newId('fc_'), call_id: newId('call_'), namespace: searched.namespace, name: searched.name, arguments: JSON.stringify(action.input), status: 'completed' };
    if (tools.includes(action.name)) return { type: 'function_call', id: newId('fc_'), call_id: newId('call_'), name: action.name, arguments: JSON.stringify(action.input), status: 'completed' };
    // Not offered (yet): search for it, as the model is told to for MCP tools; once per step.
    if (searchedThisStep(input)) throw new Error(`The tool search did not load ${action.name}; it loaded [${[...searchedTools(input).keys()].join(', ')}].`);
    const query = action.name.split('_').filter(Boolean).join(' ');
    pickTool(tools, [action.name, 'tool_search']);
    return { type: 'tool_search_call', id: newId('tsc_'), call_id: newId('call_'), execution: 'client', arguments: { query, limit: 20 }, status: 'completed' };
  }
  if (action.kind === 'text') {
    return { type: 'message', id: newId('msg_'), role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: action.text, annotations: [] }] };
  }
  throw new Error(`Action ${action.kind} has no Responses item.`);
}

/** One output item per response, streamed: created, item added, (text delta), item done, completed. */
function reply(exchange: Exchange, action: Action, tools: string[], cwd: string, input: ResponseItem[]): void {
  const item = itemFor(action, tools, cwd, input);
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
