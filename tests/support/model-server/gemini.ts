import path from 'node:path';
import { answerFailure, Conversation, type Exchange, newId, type ProtocolHandler } from './conversation';
import { sendJson, SseWriter } from './http';
import { type Action, extract, pickTool, type Script, type ToolResult } from './script';

/**
 * The Gemini API as Gemini CLI uses it: `POST /v1beta/models/<model>:streamGenerateContent?alt=sse`
 * for the agent's turns (with tools), and tool-less `:generateContent` calls for its helpers
 * (the model router, the next-speaker check), which ask for JSON matching a schema.
 */
export function geminiHandler(script: Script): ProtocolHandler {
  const conversation = new Conversation(script, { readBeforeOverwrite: false, canRead: true });
  return {
    matches: (method, url) => method === 'POST' && /^\/v1(beta)?\/models\/[^/:]+:(streamGenerateContent|generateContent|countTokens)$/.test(url.pathname),
    handle(exchange) {
      const { url, body } = exchange;
      const contents: GeminiContent[] = Array.isArray(body?.contents) ? body.contents : [];
      const toolResults = newToolResults(contents);
      if (url.pathname.endsWith(':countTokens')) {
        sendJson(exchange.res, 200, { totalTokens: 10 });
        return { protocol: 'gemini', kind: 'other', toolResults };
      }
      const streaming = url.pathname.endsWith(':streamGenerateContent');
      const tools: string[] = (Array.isArray(body?.tools) ? body.tools : []).flatMap((t: { functionDeclarations?: { name: string }[] }) =>
        (t.functionDeclarations ?? []).map((f) => f.name),
      );
      if (tools.length === 0) {
        const schema = body?.generationConfig?.responseJsonSchema ?? body?.generationConfig?.responseSchema;
        const text = schema ? JSON.stringify(sampleFor(schema)) : 'Scripted side answer.';
        reply(exchange, streaming, { text });
        return { protocol: 'gemini', kind: schema ? 'routing' : 'side', toolResults };
      }
      const context = contents.flatMap((c) => c.parts ?? []).map((p) => p.text ?? '').join('\n');
      const cwd = extract(context, /Workspace Directories:\**\s*\n\s*-\s*(.+)/) ?? extract(context, /working in the directory:?\s*(.+)/);
      if (!cwd) throw new Error('No workspace directory in the session context.');
      const action = conversation.next(cwd, contents.filter((c) => c.role === 'model').length);
      if (!answerFailure(exchange, action)) reply(exchange, streaming, partFor(action, tools, cwd));
      return { protocol: 'gemini', kind: 'turn', toolResults, answered: action };
    },
  };
}

interface GeminiPart {
  text?: string;
  functionCall?: { id?: string; name: string; args: Record<string, unknown> };
  functionResponse?: { id?: string; name?: string; response?: Record<string, unknown> };
}

interface GeminiContent {
  role?: string;
  parts?: GeminiPart[];
}

function newToolResults(contents: GeminiContent[]): ToolResult[] {
  const lastModel = contents.map((c) => c.role).lastIndexOf('model');
  return contents
    .slice(lastModel + 1)
    .flatMap((c) => c.parts ?? [])
    .flatMap((part) => (part.functionResponse ? [part.functionResponse] : []))
    .map((fr) => {
      const response = fr.response ?? {};
      const value = 'error' in response ? response.error : response.output;
      return { callId: fr.id ?? '', name: fr.name, isError: 'error' in response, text: typeof value === 'string' ? value : JSON.stringify(response) };
    });
}

function partFor(action: Action, tools: string[], cwd: string): GeminiPart {
  switch (action.kind) {
    case 'write':
      return { functionCall: { id: newId('call_'), name: pickTool(tools, ['write_file']), args: { file_path: path.resolve(cwd, action.path), content: action.content } } };
    case 'read':
      return { functionCall: { id: newId('call_'), name: pickTool(tools, ['read_file']), args: { file_path: path.resolve(cwd, action.path) } } };
    case 'shell':
      return { functionCall: { id: newId('call_'), name: pickTool(tools, ['run_shell_command']), args: { command: action.command, description: 'Scripted shell command' } } };
    case 'tool':
      return { functionCall: { id: newId('call_'), name: pickTool(tools, [action.name]), args: action.input } };
    case 'text':
      return { text: action.text };
    default:
      throw new Error(`Action ${action.kind} has no Gemini part.`);
  }
}

function reply(exchange: Exchange, streaming: boolean, part: GeminiPart): void {
  const response = {
    candidates: [{ content: { role: 'model', parts: [part] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
    modelVersion: 'gemini-scripted',
    responseId: newId('resp_'),
  };
  if (!streaming) {
    sendJson(exchange.res, 200, response);
    return;
  }
  const sse = new SseWriter(exchange.res);
  sse.data(response);
  sse.end();
}

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
}

/**
 * A minimal value matching a JSON schema, for the CLI's helper calls. Where an enum offers
 * `user` (the next-speaker check) it is chosen, so the CLI hands the turn back instead of looping.
 */
export function sampleFor(schema: JsonSchema): unknown {
  if (schema.enum?.length) return schema.enum.includes('user') ? 'user' : schema.enum[0];
  switch ((schema.type ?? 'object').toLowerCase()) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, sampleFor(value)]));
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return false;
    default:
      return 'Scripted.';
  }
}
