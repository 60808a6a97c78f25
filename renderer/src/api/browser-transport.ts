import { COMMAND_NAMES, EVENT_NAMES, type EventName, type EventPayload } from '../../../shared/contract';
import type { CouncilErrorData, Result } from '../../../shared/errors';
import type { CouncilApi } from '../env';

/**
 * `window.api` for a page served by the browser host (`council serve`), where there is no preload.
 * Same interface, over the host's HTTP + WebSocket protocol:
 *
 * - the page is opened as `/?token=TOKEN`; the token is read once, then removed from the address
 *   bar (and so from history and bookmarks) and kept in the tab's sessionStorage, so a reload or
 *   Back stays signed in (the host lets the page itself reload with an HttpOnly page cookie that
 *   opens nothing else: electron/host/guard.ts says why this split is safe);
 * - events come over `ws://HOST/api/events?token=…`: first `{type:'hello', clientId}`, then
 *   `{type:'event', event, payload}`; a dropped socket is reopened with backoff, and since the new
 *   socket gets a new clientId, `onReconnect` listeners re-issue their `watch.*` subscriptions;
 * - commands are `POST /api/invoke` with the token as a bearer and the clientId in
 *   `X-Council-Client`; the JSON body is the `Result`;
 * - when the socket drops, a probe tells the three cases apart: the host is gone (`unreachable`:
 *   still retried), the host refuses the token (`token-refused`: it was restarted with a new one;
 *   retrying cannot help, the user must open the new address), or it is back (`reconnecting`).
 */
export interface BrowserTransport extends CouncilApi {
  /** Called after the event socket came back with a new clientId (not on the first connection). */
  onReconnect(listener: () => void): () => void;
  connection(): ConnectionState;
  onConnectionChange(listener: () => void): () => void;
  close(): void;
}

/**
 * `unreachable`: the host does not answer (stopped, or restarted on another port);
 * `token-refused`: it answers but refuses this page's token (restarted: a new token);
 * `no-token`: the page has no token at all (opened without `?token=`, in a new tab).
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unreachable' | 'token-refused' | 'no-token';

/** Where the tab keeps its token (sessionStorage in the page): per origin and per tab. */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const TOKEN_STORAGE_KEY = 'council-token';

/** What the transport touches of the page: injectable so tests can drive it without a browser. */
export interface TransportEnvironment {
  location: { href: string; host: string; protocol: string; search: string };
  history: { state: unknown; replaceState(data: unknown, unused: string, url?: string): void };
  WebSocket: new (url: string) => SocketLike;
  fetch: (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<ResponseLike>;
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  /** The tab's sessionStorage; null where the page has none (then a reload loses the token). */
  storage: TokenStorage | null;
}

export interface SocketLike {
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  close(): void;
}

export interface ResponseLike {
  status: number;
  text(): Promise<string>;
}

export interface TransportOptions {
  /** How long a command waits for the event socket's hello before it is sent without a clientId. */
  helloTimeoutMs?: number;
  /** Reconnect delays: first, then doubled up to the maximum. */
  backoffMs?: { initial: number; max: number };
}

const UNREACHABLE = 'the CLI Council host is not reachable';
const NO_TOKEN = `${UNREACHABLE}: this page has no access token. Open the address \`council serve\` printed (it ends in ?token=…).`;
const TOKEN_REFUSED =
  "the CLI Council host refused this page's access token (HTTP 401): it was restarted and has a new one. Open the address `council serve` printed this time (it ends in ?token=…).";

export function createBrowserTransport(env: TransportEnvironment, options: TransportOptions = {}): BrowserTransport {
  const helloTimeoutMs = options.helloTimeoutMs ?? 10_000;
  const backoff = options.backoffMs ?? { initial: 500, max: 10_000 };
  let token = takeToken(env);
  const commandNames = new Set<string>(COMMAND_NAMES);
  const eventNames = new Set<string>(EVENT_NAMES);
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const reconnectListeners = new Set<() => void>();
  const connectionListeners = new Set<() => void>();

  let clientId: string | null = null;
  let helloSeen = false;
  let helloWaiters: (() => void)[] = [];
  let socket: SocketLike | null = null;
  let state: ConnectionState = token === null ? 'no-token' : 'connecting';
  let retryDelay = backoff.initial;
  let retryTimer: unknown = null;
  let closed = false;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of [...connectionListeners]) listener();
  };

  const connect = () => {
    retryTimer = null;
    if (closed || token === null) return;
    const scheme = env.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new env.WebSocket(`${scheme}//${env.location.host}/api/events?token=${encodeURIComponent(token)}`);
    socket = ws;
    ws.onmessage = (event) => {
      if (socket === ws) receive(event.data);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      clientId = null;
      if (closed) return;
      if (state === 'open') setState('reconnecting');
      // A browser does not say why a socket was refused: ask the command route, which does.
      void probe().then((outcome) => {
        if (closed || token === null) return;
        if (outcome === 'refused') return signOut();
        if (outcome === 'unreachable') setState('unreachable');
        else if (state === 'unreachable') setState(helloSeen ? 'reconnecting' : 'connecting');
        retryTimer = env.setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, backoff.max);
      });
    };
    // An error is always followed by close, which schedules the retry.
    ws.onerror = () => {};
  };

  const receive = (data: unknown) => {
    let message: unknown;
    try {
      message = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      return;
    }
    if (!isRecord(message)) return;
    if (message.type === 'hello' && typeof message.clientId === 'string') {
      const isReconnect = helloSeen;
      clientId = message.clientId;
      helloSeen = true;
      retryDelay = backoff.initial;
      setState('open');
      const waiters = helloWaiters;
      helloWaiters = [];
      for (const resolve of waiters) resolve();
      if (isReconnect) for (const listener of [...reconnectListeners]) listener();
    } else if (message.type === 'event' && typeof message.event === 'string') {
      for (const listener of [...(listeners.get(message.event) ?? [])]) {
        try {
          listener(message.payload as never);
        } catch (error) {
          console.error(`listener for ${message.event} failed`, error);
        }
      }
    }
  };

  /** The host refuses our token: it was restarted (a new token). Retrying cannot help. */
  const signOut = () => {
    token = null;
    env.storage?.removeItem(TOKEN_STORAGE_KEY);
    if (retryTimer !== null) env.clearTimeout(retryTimer);
    retryTimer = null;
    const ws = socket;
    socket = null;
    ws?.close();
    setState('token-refused');
    const waiters = helloWaiters;
    helloWaiters = [];
    for (const resolve of waiters) resolve();
  };

  /** Whether the host answers, and takes our token (a harmless command, sent without a client id). */
  const probe = async (): Promise<'ok' | 'refused' | 'unreachable'> => {
    if (token === null) return 'refused';
    try {
      const response = await env.fetch('/api/invoke', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ command: 'app.info', input: {} }),
      });
      return response.status === 401 ? 'refused' : 'ok';
    } catch {
      return 'unreachable';
    }
  };

  /** Resolves once a hello gave us a clientId, or after the timeout (then without one). */
  const awaitHello = (): Promise<void> => {
    if (clientId !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = env.setTimeout(() => {
        helloWaiters = helloWaiters.filter((waiter) => waiter !== done);
        resolve();
      }, helloTimeoutMs);
      const done = () => {
        env.clearTimeout(timer);
        resolve();
      };
      helloWaiters.push(done);
    });
  };

  connect();

  return {
    async invoke(command, input) {
      if (typeof command !== 'string' || !commandNames.has(command)) {
        return failure('invalid-input', `unknown command ${JSON.stringify(String(command))}`);
      }
      if (token === null) return failure('internal', state === 'token-refused' ? TOKEN_REFUSED : NO_TOKEN);
      await awaitHello();
      if (token === null) return failure('internal', TOKEN_REFUSED);
      const headers: Record<string, string> = { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` };
      if (clientId !== null) headers['X-Council-Client'] = clientId;
      let response: ResponseLike;
      let body: string;
      try {
        response = await env.fetch('/api/invoke', { method: 'POST', headers, body: JSON.stringify({ command, input }) });
        body = await response.text();
      } catch (error) {
        return failure('internal', `${UNREACHABLE}: ${describeError(error)}`);
      }
      if (response.status === 401) signOut();
      return parseResult(response.status, body) as never;
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      if (typeof event !== 'string' || !eventNames.has(event)) throw new Error(`unknown event ${JSON.stringify(String(event))}`);
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      const set = listeners.get(event) ?? new Set();
      const wrapped = listener as (payload: never) => void;
      set.add(wrapped);
      listeners.set(event, set);
      return () => {
        set.delete(wrapped);
      };
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => {
        reconnectListeners.delete(listener);
      };
    },
    connection: () => state,
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => {
        connectionListeners.delete(listener);
      };
    },
    close() {
      closed = true;
      if (retryTimer !== null) env.clearTimeout(retryTimer);
      const ws = socket;
      socket = null;
      ws?.close();
    },
  };
}

/**
 * Reads `?token=` and strips it from the address bar, keeping the rest of the URL, and keeps it in
 * the tab's storage; without one in the address, the tab's stored one (a reload, Back).
 */
function takeToken(env: TransportEnvironment): string | null {
  const url = new URL(env.location.href);
  const token = url.searchParams.get('token');
  if (token === null) return readStored(env.storage);
  url.searchParams.delete('token');
  env.history.replaceState(env.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  if (token === '') return null;
  try {
    env.storage?.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    // Storage full or denied: signed in until the page reloads.
  }
  return token;
}

function readStored(storage: TokenStorage | null): string | null {
  try {
    const stored = storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
    return stored === '' ? null : stored;
  } catch {
    return null;
  }
}

function parseResult(status: number, body: string): Result<unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (isRecord(parsed) && parsed.ok === true && 'value' in parsed) return { ok: true, value: parsed.value };
  if (isRecord(parsed) && parsed.ok === false && isRecord(parsed.error) && typeof parsed.error.message === 'string') {
    return { ok: false, error: parsed.error as CouncilErrorData };
  }
  if (status === 401) return failure('internal', TOKEN_REFUSED);
  if (status === 403) {
    return failure('internal', `the CLI Council host refused the request (HTTP 403). Open the address \`council serve\` printed.`);
  }
  const excerpt = body.trim().slice(0, 200);
  return failure('internal', `the CLI Council host sent an unexpected answer (HTTP ${status})${excerpt ? `: ${excerpt}` : ''}`);
}

function failure(code: CouncilErrorData['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
