/**
 * The browser host's side of `window.api` (renderer/src/api/browser-transport.ts), driven through
 * a fake page: a scripted WebSocket, a recording fetch and manual timers.
 */
import { describe, expect, it } from 'vitest';
import {
  createBrowserTransport,
  type ResponseLike,
  type SocketLike,
  type TransportEnvironment,
  TOKEN_STORAGE_KEY,
} from '../../renderer/src/api/browser-transport';

class FakeSocket implements SocketLike {
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  closed = false;
  constructor(readonly url: string) {}
  send(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) } as MessageEvent);
  }
  drop(): void {
    this.onerror?.({} as Event);
    this.onclose?.({} as CloseEvent);
  }
  close(): void {
    this.closed = true;
  }
}

interface Call {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

function fakePage(href = 'http://127.0.0.1:4321/?token=s3cr%2Bt&x=1#top', stored = new Map<string, string>()) {
  const sockets: FakeSocket[] = [];
  const calls: Call[] = [];
  const timers = new Map<number, { callback: () => void; ms: number }>();
  let nextTimer = 1;
  const replaced: string[] = [];
  let respond: (call: Call) => Promise<ResponseLike> = async () => ({ status: 200, text: async () => '{"ok":true,"value":{"version":"1","platform":"linux","host":"browser"}}' });
  const url = new URL(href);
  const env: TransportEnvironment = {
    location: { href, host: url.host, protocol: url.protocol, search: url.search },
    history: { state: null, replaceState: (_data, _unused, next) => void replaced.push(String(next)) },
    WebSocket: class extends FakeSocket {
      constructor(socketUrl: string) {
        super(socketUrl);
        sockets.push(this);
      }
    },
    fetch: async (target, init) => {
      const call = { url: target, headers: init.headers, body: JSON.parse(init.body) as unknown };
      calls.push(call);
      return respond(call);
    },
    setTimeout: (callback, ms) => {
      const id = nextTimer++;
      timers.set(id, { callback, ms });
      return id;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    storage: {
      getItem: (key) => stored.get(key) ?? null,
      setItem: (key, value) => void stored.set(key, value),
      removeItem: (key) => void stored.delete(key),
    },
  };
  return {
    env,
    stored,
    sockets,
    calls,
    timers,
    replaced,
    setResponder: (next: typeof respond) => (respond = next),
    /** Runs every pending timer once (the ones they schedule wait for the next call). */
    fireTimers: () => {
      const due = [...timers.entries()];
      for (const [id, timer] of due) {
        timers.delete(id);
        timer.callback();
      }
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('browser transport', () => {
  it('takes the token from the address, removes it from the address bar, and opens the event socket with it', () => {
    const page = fakePage();
    createBrowserTransport(page.env);
    expect(page.replaced).toEqual(['/?x=1#top']);
    expect(page.sockets.map((s) => s.url)).toEqual(['ws://127.0.0.1:4321/api/events?token=s3cr%2Bt']);
  });

  it('waits for the hello, then posts the command with the bearer token and the client id', async () => {
    const page = fakePage();
    const api = createBrowserTransport(page.env);
    const pending = api.invoke('app.info', {});
    await tick();
    expect(page.calls).toEqual([]);
    page.sockets[0]!.send({ type: 'hello', clientId: 'client-1' });
    const result = await pending;
    expect(result).toEqual({ ok: true, value: { version: '1', platform: 'linux', host: 'browser' } });
    expect(page.calls).toEqual([
      {
        url: '/api/invoke',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer s3cr+t', 'X-Council-Client': 'client-1' },
        body: { command: 'app.info', input: {} },
      },
    ]);
  });

  it('passes an error Result through unchanged', async () => {
    const page = fakePage();
    const api = createBrowserTransport(page.env);
    page.sockets[0]!.send({ type: 'hello', clientId: 'c' });
    const error = { code: 'not-a-repo', message: '/tmp/x is not inside a git repository' };
    page.setResponder(async () => ({ status: 200, text: async () => JSON.stringify({ ok: false, error }) }));
    expect(await api.invoke('repo.open', { path: '/tmp/x' })).toEqual({ ok: false, error });
  });

  it('turns a network failure into an internal error that says the host is not reachable', async () => {
    const page = fakePage();
    const api = createBrowserTransport(page.env);
    page.sockets[0]!.send({ type: 'hello', clientId: 'c' });
    page.setResponder(async () => {
      throw new TypeError('Failed to fetch');
    });
    const result = await api.invoke('repo.recent', {});
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'the CLI Council host is not reachable: Failed to fetch' } });
  });

  it('explains a refused token and a non-JSON answer', async () => {
    const page = fakePage();
    const api = createBrowserTransport(page.env);
    page.sockets[0]!.send({ type: 'hello', clientId: 'c' });
    page.setResponder(async () => ({ status: 401, text: async () => 'unauthorized' }));
    const refused = await api.invoke('repo.recent', {});
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.message).toMatch(/refused this page's access token \(HTTP 401\).*restarted.*council serve/);
    const other = fakePage();
    const otherApi = createBrowserTransport(other.env);
    other.sockets[0]!.send({ type: 'hello', clientId: 'c' });
    other.setResponder(async () => ({ status: 502, text: async () => '<html>bad gateway</html>' }));
    const odd = await otherApi.invoke('repo.recent', {});
    expect(!odd.ok && odd.error).toEqual({ code: 'internal', message: 'the CLI Council host sent an unexpected answer (HTTP 502): <html>bad gateway</html>' });
  });

  it('sends the command without a client id when no hello comes in time', async () => {
    const page = fakePage();
    const api = createBrowserTransport(page.env, { helloTimeoutMs: 50 });
    const pending = api.invoke('repo.recent', {});
    await tick();
    expect([...page.timers.values()].map((t) => t.ms)).toEqual([50]);
    page.fireTimers();
    await pending;
    expect(page.calls[0]?.headers['X-Council-Client']).toBeUndefined();
  });

  it('refuses unknown commands and events without touching the network', async () => {
    const page = fakePage();
    const api = createBrowserTransport(page.env);
    const loose = api as unknown as { invoke(c: string, i: unknown): Promise<unknown>; on(e: string, l: () => void): () => void };
    expect(await loose.invoke('shell.exec', {})).toEqual({ ok: false, error: { code: 'invalid-input', message: 'unknown command "shell.exec"' } });
    expect(() => loose.on('council:invoke', () => {})).toThrow(/unknown event/);
    expect(page.calls).toEqual([]);
  });

  it('delivers events to their listeners until they unsubscribe', () => {
    const page = fakePage();
    const api = createBrowserTransport(page.env);
    const seen: unknown[] = [];
    const off = api.on('state.changed', (payload) => seen.push(payload));
    const socket = page.sockets[0]!;
    socket.send({ type: 'hello', clientId: 'c' });
    socket.send({ type: 'event', event: 'state.changed', payload: { repo: '/r', kind: 'locks' } });
    socket.send({ type: 'event', event: 'worktree.changed', payload: { repo: '/r' } });
    socket.onmessage?.({ data: 'not json' } as MessageEvent);
    off();
    socket.send({ type: 'event', event: 'state.changed', payload: { repo: '/r', kind: 'sessions' } });
    expect(seen).toEqual([{ repo: '/r', kind: 'locks' }]);
  });

  it('reconnects with backoff after a drop, and tells onReconnect listeners once the new hello arrives', async () => {
    const page = fakePage();
    const api = createBrowserTransport(page.env, { backoffMs: { initial: 100, max: 400 } });
    let reconnects = 0;
    api.onReconnect(() => reconnects++);
    page.sockets[0]!.send({ type: 'hello', clientId: 'first' });
    expect(api.connection()).toBe('open');
    expect(reconnects).toBe(0);

    page.sockets[0]!.drop();
    expect(api.connection()).toBe('reconnecting');
    await tick();
    expect([...page.timers.values()].map((t) => t.ms)).toEqual([100]);
    page.fireTimers();
    page.sockets[1]!.drop();
    await tick();
    expect([...page.timers.values()].map((t) => t.ms)).toEqual([200]);
    page.fireTimers();
    page.calls.length = 0; // the probes

    // A command issued while disconnected waits for the new client id.
    const pending = api.invoke('repo.recent', {});
    await tick();
    expect(page.calls).toEqual([]);
    page.sockets[2]!.send({ type: 'hello', clientId: 'second' });
    await pending;
    expect(reconnects).toBe(1);
    expect(api.connection()).toBe('open');
    expect(page.calls[0]?.headers['X-Council-Client']).toBe('second');

    // The backoff starts over after a successful connection.
    page.sockets[2]!.drop();
    await tick();
    expect([...page.timers.values()].map((t) => t.ms)).toEqual([100]);
  });

  it('keeps the token in the tab storage, so a reload (no token in the address) stays signed in', async () => {
    const first = fakePage();
    createBrowserTransport(first.env);
    expect(first.stored.get(TOKEN_STORAGE_KEY)).toBe('s3cr+t');

    const reloaded = fakePage('http://127.0.0.1:4321/?x=1', first.stored);
    const api = createBrowserTransport(reloaded.env);
    expect(reloaded.replaced).toEqual([]);
    expect(reloaded.sockets.map((s) => s.url)).toEqual(['ws://127.0.0.1:4321/api/events?token=s3cr%2Bt']);
    reloaded.sockets[0]!.send({ type: 'hello', clientId: 'c' });
    await api.invoke('app.info', {});
    expect(reloaded.calls[0]?.headers.Authorization).toBe('Bearer s3cr+t');
  });

  it('a new token in the address replaces the stored one', () => {
    const page = fakePage('http://127.0.0.1:4321/?token=new', new Map([[TOKEN_STORAGE_KEY, 'old']]));
    createBrowserTransport(page.env);
    expect(page.stored.get(TOKEN_STORAGE_KEY)).toBe('new');
    expect(page.sockets[0]?.url).toBe('ws://127.0.0.1:4321/api/events?token=new');
  });

  it('when the socket drops and the host does not answer, says unreachable and keeps trying', async () => {
    const page = fakePage();
    const api = createBrowserTransport(page.env, { backoffMs: { initial: 100, max: 400 } });
    page.sockets[0]!.send({ type: 'hello', clientId: 'first' });
    page.setResponder(async () => {
      throw new TypeError('Failed to fetch');
    });
    page.sockets[0]!.drop();
    await tick();
    expect(api.connection()).toBe('unreachable');
    expect(page.calls.map((c) => [c.url, c.headers.Authorization, c.body])).toEqual([['/api/invoke', 'Bearer s3cr+t', { command: 'app.info', input: {} }]]);
    expect([...page.timers.values()].map((t) => t.ms)).toEqual([100]);
    page.fireTimers();
    expect(page.sockets).toHaveLength(2);
  });

  it('when the host answers 401 (restarted with a new token), signs out: no more retries, the stored token forgotten, commands say how to get back in', async () => {
    const page = fakePage();
    const api = createBrowserTransport(page.env, { backoffMs: { initial: 100, max: 400 } });
    page.sockets[0]!.send({ type: 'hello', clientId: 'first' });
    page.setResponder(async () => ({ status: 401, text: async () => 'missing or wrong token' }));
    page.sockets[0]!.drop();
    await tick();
    expect(api.connection()).toBe('token-refused');
    expect(page.timers.size).toBe(0);
    expect(page.stored.has(TOKEN_STORAGE_KEY)).toBe(false);
    const result = await api.invoke('app.info', {});
    expect(!result.ok && result.error.message).toMatch(/restarted.*council serve.*\?token=/);
    expect(page.calls).toHaveLength(1); // only the probe
  });

  it('a command answered 401 signs the page out too', async () => {
    const page = fakePage();
    const api = createBrowserTransport(page.env);
    page.sockets[0]!.send({ type: 'hello', clientId: 'c' });
    page.setResponder(async () => ({ status: 401, text: async () => 'missing or wrong token' }));
    await api.invoke('repo.recent', {});
    expect(api.connection()).toBe('token-refused');
    expect(page.sockets[0]!.closed).toBe(true);
  });

  it('without a token it says how to get one, and opens no socket', async () => {
    const page = fakePage('http://127.0.0.1:4321/');
    const api = createBrowserTransport(page.env);
    expect(page.sockets).toEqual([]);
    expect(api.connection()).toBe('no-token');
    const result = await api.invoke('app.info', {});
    expect(!result.ok && result.error.message).toMatch(/no access token.*council serve/);
  });
});
