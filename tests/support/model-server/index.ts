import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicHandler } from './anthropic';
import type { ProtocolHandler } from './conversation';
import { geminiHandler } from './gemini';
import { readBody, sendError } from './http';
import { openaiChatHandler } from './openai-chat';
import { openaiResponsesHandler } from './openai-responses';
import type { RecordedRequest, Script, ScriptSource, ToolResult } from './script';

export type { Action, RecordedRequest, Script, ScriptSource, ScriptStep, ToolResult } from './script';

/** The request body as JSON, or as the raw text when it is not JSON (kept for the record). */
function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface ModelServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash or path. */
  url: string;
  port: number;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Where the server could not follow the script (it answered 500): should stay empty. */
  errors: string[];
  /** The tool results the CLI sent back, once each (retries repeat them). */
  toolResults(): ToolResult[];
  close(): Promise<void>;
}

/**
 * A scripted model on 127.0.0.1 that speaks the Anthropic Messages API (Claude Code), the OpenAI
 * Responses API (Codex), the OpenAI Chat Completions API (Qwen Code, Copilot CLI) and the Gemini API (Gemini CLI) at once: each CLI finds its own routes.
 * One server serves one CLI run (one conversation per protocol).
 */
export async function startModelServer(script: ScriptSource): Promise<ModelServer> {
  // A script per working directory is the Anthropic and Chat Completions protocols' alone (several agents on one server).
  const shared: Script = typeof script === 'function' ? [] : script;
  const handlers: ProtocolHandler[] = [anthropicHandler(script), openaiResponsesHandler(shared), openaiChatHandler(script), geminiHandler(shared)];
  const requests: RecordedRequest[] = [];
  const errors: string[] = [];

  const server = http.createServer((req, res) => {
    void (async () => {
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = await readBody(req);
      const body = parseJson(text);
      const base = { method, url: url.pathname + url.search, body };
      const handler = handlers.find((h) => h.matches(method, url));
      if (!handler) {
        requests.push({ ...base, protocol: 'unknown', kind: 'other', toolResults: [] });
        sendError(res, 404, `No scripted route for ${method} ${url.pathname}.`);
        return;
      }
      try {
        requests.push({ ...base, ...handler.handle({ req, res, url, body }) });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        errors.push(`${method} ${url.pathname}: ${message}`);
        requests.push({ ...base, protocol: 'unknown', kind: 'other', toolResults: [] });
        if (!res.headersSent) sendError(res, 500, `Scripted model server: ${message}`);
        else res.end();
      }
    })();
  });
  // The CLIs keep connections alive; close() must not wait for them.
  server.keepAliveTimeout = 1_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    errors,
    toolResults() {
      const seen = new Map<string, ToolResult>();
      for (const result of requests.flatMap((r) => r.toolResults)) seen.set(`${result.callId}\u0000${result.text}`, result);
      return [...seen.values()];
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
