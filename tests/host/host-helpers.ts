import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import { startHost, type HostOptions, type RunningHost } from '../../electron/host/server';
import { tempDir } from '../helpers/repo';

/** A stand-in renderer build: an index.html and one asset, enough for the host's HTTP rules. */
export function stubRenderer(): string {
  const dir = tempDir('council-renderer-');
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>stub app</title><script type="module" src="./assets/app.js"></script>\n');
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log("stub app");\n');
  writeFileSync(path.join(dir, 'assets', 'app.css'), 'body { margin: 0 }\n');
  return dir;
}

const started: RunningHost[] = [];
afterAll(async () => {
  await Promise.all(started.map((host) => host.close()));
});

/** A real host on 127.0.0.1, any free port; closed after the file's tests. */
export async function startTestHost(options: Partial<HostOptions> = {}): Promise<RunningHost> {
  const host = await startHost({
    port: 0,
    rendererDir: options.rendererDir ?? stubRenderer(),
    userDataDir: tempDir('council-userdata-'),
    version: '9.9.9-test',
    ...options,
  });
  started.push(host);
  return host;
}

export const origin = (host: RunningHost): string => `http://127.0.0.1:${host.port}`;

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * An HTTP request sent exactly as written: `fetch` normalises `..` out of URLs and will not let a
 * test set `Host`, so traversal and DNS-rebinding checks go through node:http.
 */
export function rawRequest(
  host: RunningHost,
  target: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path: target, method: options.method ?? 'GET', headers: options.headers, setHost: !options.headers?.['Host'] },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** POST /api/invoke with the token; the parsed body and the status. */
export async function invoke(
  host: RunningHost,
  command: string,
  input: unknown,
  clientId?: string,
): Promise<{ status: number; body: { ok: boolean; value?: unknown; error?: { code: string; message: string } } }> {
  const response = await fetch(`${origin(host)}/api/invoke`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${host.token}`,
      'Content-Type': 'application/json',
      ...(clientId === undefined ? {} : { 'X-Council-Client': clientId }),
    },
    body: JSON.stringify({ command, input }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

export type SocketOutcome = { kind: 'open'; socket: EventSocket } | { kind: 'refused'; status: number };

/** A client of the event socket that keeps every message it received, in order. */
export class EventSocket {
  readonly messages: Record<string, unknown>[] = [];
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as Record<string, unknown>);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** The first message matching `match`, waiting up to `timeoutMs` for it. */
  next(match: (message: Record<string, unknown>) => boolean, timeoutMs = 2000, what = 'a matching message'): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`));
      }, timeoutMs);
      const check = (): void => {
        const found = this.messages.find(match);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else this.waiters.push(check);
      };
      check();
    });
  }

  async hello(): Promise<string> {
    const hello = await this.next((m) => m.type === 'hello', 2000, 'hello');
    return String(hello.clientId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** Opens the event socket; resolves with it, or with the HTTP status the handshake was refused with. */
export function openSocket(url: string, options: ClientOptions = {}): Promise<SocketOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    const socket = new EventSocket(ws);
    ws.once('open', () => resolve({ kind: 'open', socket }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ kind: 'refused', status: res.statusCode ?? 0 });
      res.resume();
    });
    // Kept for good: after the promise settled, a late error must not become an unhandled 'error'.
    ws.on('error', (error) => reject(error));
  });
}

export const eventsUrl = (host: RunningHost, token: string | null = host.token): string =>
  `ws://127.0.0.1:${host.port}/api/events${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;

export async function connectEvents(host: RunningHost, options: ClientOptions = {}): Promise<EventSocket> {
  const outcome = await openSocket(eventsUrl(host), options);
  if (outcome.kind !== 'open') throw new Error(`the event socket was refused with HTTP ${outcome.status}`);
  return outcome.socket;
}
