import { randomBytes } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { AppCore } from '../core/app/app-core';
import { EventSockets } from './event-sockets';
import { allowedHosts, Guard, hostWithPort, isWildcard, SECURITY_HEADERS } from './guard';
import { handleInvoke } from './invoke';
import { headers, sendText } from './respond';
import { decodeRequestPath, resolveStaticFile, sendStaticFile } from './static-files';

/**
 * The browser host: the app's UI and its `dispatch()` served over HTTP and a WebSocket, for a
 * machine where Electron's window cannot run. Same renderer build, same contract, same core.
 *
 * Routes: `GET /?token=…` the page; other files of the renderer build (public, no data);
 * `POST /api/invoke` (Bearer token) the commands; `GET /api/events?token=…` the event socket.
 * See guard.ts for who is let in, and why.
 */

export interface HostOptions {
  /** 0 (the default) picks any free port. */
  port?: number;
  /** Address to bind; 127.0.0.1 unless said otherwise (anything else exposes the repositories). */
  host?: string;
  /** The built renderer (out/renderer): index.html and assets/. */
  rendererDir: string;
  /** Per-user app state (recent repositories), ~/.council for the CLI. */
  userDataDir: string;
  version: string;
  /** The access token; a random one by default. */
  token?: string;
  /** How often sockets are pinged (and dead ones dropped); 30 s by default. */
  heartbeatMs?: number;
}

export interface RunningHost {
  /** The page, token included: what the user opens. */
  url: string;
  port: number;
  /** The address bound. */
  host: string;
  token: string;
  server: Server;
  /** The app core it serves (its agent managers, its watchers): for in-process benches and tests. */
  core: AppCore;
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';

/** What a browser shows for the page without a valid token: what happened, and the way in. */
export const PAGE_REFUSED =
  'missing or wrong token: open the address `council serve` printed (it ends in /?token=…). ' +
  'If council serve was restarted, it has a new token (and maybe a new port): use the address it printed this time.';

/**
 * The API's paths, the only ones that reach the app's data: everything else under /api/ is a 404,
 * everything outside it a file of the renderer build. tests/security/host-access.test.ts runs its
 * refusals (no token, wrong token, foreign Origin and Host) on each, and fails on a path written
 * into this folder that is missing here.
 */
export const API_PATHS = { invoke: '/api/invoke', events: '/api/events' } as const;

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const bindHost = options.host ?? DEFAULT_HOST;
  const token = options.token ?? randomBytes(32).toString('base64url');
  if (token === '') throw new Error('the access token must not be empty');
  const rendererDir = await realpath(options.rendererDir).catch(() => path.resolve(options.rendererDir));
  const indexFile = await realpath(path.join(rendererDir, 'index.html')).catch(() => null);
  if (indexFile === null) throw new Error(`no index.html in ${rendererDir}: build the app first (npm run build)`);

  const core = new AppCore({ host: 'browser', userDataDir: options.userDataDir, version: options.version });
  const sockets = new EventSockets(core, options.heartbeatMs);
  // Set once the port is known; nothing is answered before that.
  let guard: Guard | null = null;

  const invokeTarget = {
    handlers: core.handlers,
    isConnected: (clientId: string) => sockets.isConnected(clientId),
    forget: (clientId: string) => core.removeClient(clientId),
  };

  async function route(req: IncomingMessage, res: ServerResponse, guard: Guard): Promise<void> {
    if (!guard.hostAllowed(req)) return sendText(res, 403, 'forbidden: the Host header does not name this server');
    const urlPath = decodeRequestPath(req.url ?? '/');
    if (urlPath === null) return sendText(res, 404, 'not found');
    const query = queryOf(req.url);

    if (urlPath === API_PATHS.invoke) {
      if (!guard.originAllowed(req)) return sendText(res, 403, 'forbidden: cross-origin request');
      if (req.method !== 'POST') return sendText(res, 405, 'method not allowed: use POST', { Allow: 'POST' });
      if (!guard.bearerMatches(req)) return sendText(res, 401, 'missing or wrong token', { 'WWW-Authenticate': 'Bearer' });
      return handleInvoke(req, res, invokeTarget);
    }
    if (urlPath === API_PATHS.events) {
      if (!guard.tokenMatches(query.get('token'))) return sendText(res, 401, 'missing or wrong token');
      return sendText(res, 426, 'upgrade required: this is a WebSocket endpoint', { Upgrade: 'websocket', Connection: 'Upgrade' });
    }
    if (urlPath.startsWith('/api/')) return sendText(res, 404, 'not found');

    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    const found = await resolveStaticFile(rendererDir, urlPath === '/' ? '/index.html' : urlPath);
    if (found === null) return sendText(res, 404, 'not found');
    // The page itself is the one thing that needs the token (whatever path reached it); once opened
    // with it, the page cookie lets the same browser reload it (see guard.ts).
    if (found.file === indexFile) {
      const token = query.get('token');
      if (guard.tokenMatches(token)) return sendStaticFile(req, res, found, headers({ 'Cache-Control': 'no-store', 'Set-Cookie': guard.pageCookie() }));
      if (token === null && guard.pageCookieMatches(req)) return sendStaticFile(req, res, found, headers({ 'Cache-Control': 'no-store' }));
      return sendText(res, 401, PAGE_REFUSED);
    }
    // Vite names built assets by content hash: they never change under the same name.
    const immutable = urlPath.startsWith('/assets/');
    sendStaticFile(req, res, found, headers({ 'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' }));
  }

  const server = createServer((req, res) => {
    if (guard === null) return sendText(res, 503, 'starting');
    route(req, res, guard).catch((error: unknown) => {
      console.error('[host] request failed:', error);
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refusal = guard === null ? 503 : upgradeRefusal(req, guard);
    if (refusal !== null) return refuseUpgrade(socket, refusal);
    sockets.accept(req, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    sockets.close();
    await core.close();
    throw error;
  });

  const port = (server.address() as AddressInfo).port;
  guard = new Guard(token, allowedHosts(bindHost, port), port);
  const shownHost = isWildcard(bindHost) ? DEFAULT_HOST : bindHost;
  const url = `http://${hostWithPort(shownHost, port)}/?token=${encodeURIComponent(token)}`;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      sockets.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await core.close();
    })());

  return { url, port, host: bindHost, token, server, core, close };
}

function queryOf(rawUrl: string | undefined): URLSearchParams {
  const url = rawUrl ?? '';
  const start = url.indexOf('?');
  return new URLSearchParams(start === -1 ? '' : url.slice(start + 1).split('#', 1)[0]);
}

/** Why an upgrade request is refused (an HTTP status), or null to accept it. */
function upgradeRefusal(req: IncomingMessage, guard: Guard): number | null {
  if (!guard.hostAllowed(req)) return 403;
  if (decodeRequestPath(req.url ?? '/') !== API_PATHS.events) return 404;
  if (!guard.originAllowed(req)) return 403;
  const query = queryOf(req.url);
  if (!guard.tokenMatches(query.get('token'))) return 401;
  return null;
}

/** Answers before the handshake, so a refused page never gets a socket at all. */
function refuseUpgrade(socket: Duplex, status: number): void {
  const reason = STATUS_CODES[status] ?? 'Error';
  const body = status === 401 ? 'missing or wrong token\n' : `${reason.toLowerCase()}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${reason}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${String(value)}`),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
