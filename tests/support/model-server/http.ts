import type { IncomingMessage, ServerResponse } from 'node:http';

/** Reads a request body as text (the CLIs send plain JSON, never compressed). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export interface SseEvent {
  type: string;
  [key: string]: unknown;
}

/** Server-sent events, one JSON object per event. */
export class SseWriter {
  constructor(private readonly res: ServerResponse) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  }

  /** A typed event: `event: <type>` then the JSON (Anthropic and OpenAI). */
  event(data: SseEvent): void {
    this.res.write(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** A bare `data:` line (Gemini). */
  data(value: unknown): void {
    this.res.write(`data: ${JSON.stringify(value)}\n\n`);
  }

  end(): void {
    this.res.end();
  }
}

/** An error body every SDK here understands well enough to report its message. */
export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { type: 'error', error: { type: 'api_error', code: status, message, status: 'UNAVAILABLE' } });
}

/** Drops the connection without an answer: the CLI sees a reset socket, not an HTTP error. */
export function dropConnection(req: IncomingMessage): void {
  req.socket.destroy();
}
