/**
 * The browser host (`council serve`) lets nobody in without the token, from anywhere: every route,
 * every method, and the event socket; a foreign Origin or Host is refused where a browser could
 * otherwise be turned against it; tokens are compared in constant time; and a real `council serve`
 * listens on 127.0.0.1 only unless told otherwise.
 *
 * The routes are enumerated from the code (API_PATHS, checked against every /api/ path written in
 * electron/host and used by the renderer), so a new route is covered here the day it is added.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_PATHS, type RunningHost } from '../../electron/host/server';
import { COUNCIL_BIN, REPO_ROOT } from '../helpers/cli';
import { makeRepo, tempDir } from '../helpers/repo';
import { invoke, openSocket, rawRequest, startTestHost, type RawResponse } from '../host/host-helpers';
import { ensureRendererBuild } from '../host/renderer-build';

// The guard's comparison goes through node:crypto's timingSafeEqual; this only watches the calls.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

let host: RunningHost;
let rendererDir: string;
beforeAll(async () => {
  rendererDir = await ensureRendererBuild();
  host = await startTestHost({ rendererDir });
}, 300_000);

const API = Object.values(API_PATHS);
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
/** A token of the right shape that is not this host's. */
const wrongToken = (): string => `${host.token.slice(0, -1)}${host.token.endsWith('A') ? 'B' : 'A'}`;
const withToken = (target: string, token: string): string => `${target}${target.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
const own = (): string => `http://127.0.0.1:${host.port}`;

/** Every file of the renderer build, as URL paths. */
function buildFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? buildFiles(file, `${prefix}/${name}`) : [`${prefix}/${name}`];
  });
}

/** rawRequest with the body framed by a Content-Length (Node sends a DELETE or OPTIONS body unframed). */
function request(target: string, method: string, headers: Record<string, string> = {}, body?: string): Promise<RawResponse> {
  const length: Record<string, string> = body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) };
  return rawRequest(host, target, { method, headers: { ...length, ...headers }, body });
}

/** A refusal: an error status, and nothing of the app's data (no Result) in the body. */
function expectRefused(response: RawResponse, what: string, status?: number): void {
  expect(status === undefined || response.status === status, `${what}: status ${response.status}, expected ${status ?? 'an error'}`).toBe(true);
  expect(response.status, what).toBeGreaterThanOrEqual(400);
  expect(response.body, what).not.toMatch(/"ok":\s*(true|false)/);
  expect(response.body, what).not.toContain('<div id="root">');
}

describe('the routes, from the code', () => {
  it('every /api/ path in electron/host and in the renderer is one of API_PATHS', () => {
    const sources = (dir: string): string[] =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((name) => /\.(ts|tsx)$/.test(name))
        .map((name) => readFileSync(path.join(dir, name), 'utf8'));
    const written = new Set<string>();
    for (const text of [...sources(path.join(REPO_ROOT, 'electron', 'host')), ...sources(path.join(REPO_ROOT, 'renderer', 'src'))]) {
      for (const match of text.matchAll(/\/api\/[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*/g)) written.add(match[0]);
    }
    expect([...written].sort()).toEqual([...API].sort());
  });
});

describe('over HTTP, without the token', () => {
  it('every API route and every method is refused with no token, a wrong one, or the token in the wrong place', async () => {
    const repo = makeRepo();
    const body = JSON.stringify({ command: 'repo.open', input: { path: repo.root } });
    let attempts = 0;
    for (const route of API) {
      for (const method of METHODS) {
        const send = (target: string, headers: Record<string, string> = {}) => request(target, method, headers, method === 'GET' || method === 'HEAD' ? undefined : body);
        const cases: [string, Promise<RawResponse>][] = [
          ['no token', send(route)],
          ['a wrong bearer', send(route, { Authorization: `Bearer ${wrongToken()}` })],
          ['a wrong ?token', send(withToken(route, wrongToken()))],
          ['an empty ?token and bearer', send(withToken(route, ''), { Authorization: 'Bearer ' })],
          ['the token without "Bearer"', send(route, { Authorization: host.token })],
          // The invoke route reads the bearer only, the event route the query only.
          ['the token in the place the route does not read', route === API_PATHS.invoke ? send(withToken(route, host.token)) : send(route, { Authorization: `Bearer ${host.token}` })],
        ];
        for (const [what, response] of cases) {
          expectRefused(await response, `${method} ${route} with ${what}`);
          attempts += 1;
        }
      }
    }
    expect(attempts).toBe(API.length * METHODS.length * 6);
    // None of those reached the core: the repository was never opened (remembered in the recent list).
    expect((await invoke(host, 'repo.recent', {})).body).toEqual({ ok: true, value: [] });
    // The same request with the token does (the control).
    const accepted = await rawRequest(host, API_PATHS.invoke, { method: 'POST', headers: { Authorization: `Bearer ${host.token}` }, body });
    expect(accepted.status).toBe(200);
    expect((await invoke(host, 'repo.recent', {})).body).toMatchObject({ ok: true, value: [{ root: repo.root }] });
  });

  it('the routes answer 401 to the method they serve: POST /api/invoke, GET /api/events', async () => {
    const post = await rawRequest(host, API_PATHS.invoke, { method: 'POST', body: '{"command":"app.info","input":{}}' });
    expectRefused(post, 'POST /api/invoke', 401);
    expect(post.headers['www-authenticate']).toBe('Bearer');
    expectRefused(await rawRequest(host, API_PATHS.events), 'GET /api/events', 401);
    expectRefused(await rawRequest(host, withToken(API_PATHS.events, wrongToken())), 'GET /api/events, wrong token', 401);
    // With the token, plain HTTP on the event route still gets no data: it wants a WebSocket.
    expect((await rawRequest(host, withToken(API_PATHS.events, host.token))).status).toBe(426);
  });

  it('the page needs the token under every spelling of its path; only the public build files are served without it', async () => {
    const aliases = ['/', '/index.html', '//index.html', '/%69ndex.html', '/index.html?x=1', '/?token=', '/#x'];
    for (const alias of aliases) {
      for (const method of ['GET', 'HEAD']) {
        expectRefused(await rawRequest(host, alias, { method }), `${method} ${alias}`, 401);
        expectRefused(await rawRequest(host, withToken(alias.replace(/[?#].*$/, ''), wrongToken()), { method }), `${method} ${alias} (wrong token)`, 401);
      }
    }
    expect((await rawRequest(host, withToken('/', host.token))).status).toBe(200);

    // Everything that answers 200 without a token: exactly the renderer build minus index.html,
    // each byte for byte the file on disk (nothing dynamic, nothing of the repositories).
    const files = buildFiles(rendererDir);
    expect(files).toContain('/index.html');
    const probes = [...files, ...aliases, ...API, '/api', '/api/', '/api/unknown', '/assets', '/assets/', '/favicon.ico', '/.git/config', '/package.json', '/../package.json'];
    const open: string[] = [];
    for (const target of probes) {
      const response = await rawRequest(host, target);
      if (response.status !== 200) {
        expectRefused(response, `GET ${target}`);
        continue;
      }
      open.push(target);
      expect(response.body, target).toBe(readFileSync(path.join(rendererDir, decodeURIComponent(target)), 'utf8'));
    }
    expect(open.sort()).toEqual(files.filter((file) => file !== '/index.html').sort());
  });

  // Issue 12, item 7: the page cookie (set when the page is opened with the token) lets the browser
  // reload the page, and nothing else: cookies ignore ports, so other servers on this host may see it.
  it('the page cookie opens the page only: never the command route or the event socket', async () => {
    const opened = await rawRequest(host, withToken('/', host.token));
    const cookie = String(opened.headers['set-cookie'] ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(new RegExp(`^council-page-${host.port}=`));
    expect((await rawRequest(host, '/', { headers: { Cookie: cookie } })).status).toBe(200);

    const body = JSON.stringify({ command: 'app.info', input: {} });
    const value = cookie.slice(cookie.indexOf('=') + 1);
    for (const method of METHODS) {
      expectRefused(await request(API_PATHS.invoke, method, { Cookie: cookie }, method === 'GET' || method === 'HEAD' ? undefined : body), `${method} invoke with the page cookie`);
      expectRefused(await request(API_PATHS.invoke, method, { Authorization: `Bearer ${value}` }, method === 'GET' || method === 'HEAD' ? undefined : body), `${method} invoke with the cookie's value as a bearer`);
    }
    expectRefused(await request(API_PATHS.events, 'GET', { Cookie: cookie }), 'GET /api/events with the page cookie', 401);
    expectRefused(await request(withToken(API_PATHS.events, value), 'GET', { Cookie: cookie }), "GET /api/events with the cookie's value as ?token", 401);
    const socket = await openSocket(`ws://127.0.0.1:${host.port}${API_PATHS.events}`, { headers: { Cookie: cookie, Origin: own() } });
    expect(socket).toEqual({ kind: 'refused', status: 401 });
    const socketWithValue = await openSocket(`ws://127.0.0.1:${host.port}${withToken(API_PATHS.events, value)}`, { headers: { Cookie: cookie } });
    expect(socketWithValue).toEqual({ kind: 'refused', status: 401 });
  });
});

describe('over HTTP, with the token but from elsewhere', () => {
  it('a foreign Origin is refused on the command route (403), before the token is even looked at', async () => {
    const auth = { Authorization: `Bearer ${host.token}` };
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${host.port + 1}`, `https://127.0.0.1:${host.port}`, `http://127.0.0.1:${host.port}.evil.example`, `http://localhost.evil.example:${host.port}`]) {
      expectRefused(await rawRequest(host, API_PATHS.invoke, { method: 'POST', headers: { ...auth, Origin: origin }, body: '{"command":"app.info","input":{}}' }), `Origin ${origin}`, 403);
      expectRefused(await rawRequest(host, API_PATHS.invoke, { method: 'POST', headers: { Origin: origin }, body: '{}' }), `Origin ${origin}, no token`, 403);
    }
    // Our own origin, or none (not a browser): the token decides.
    expect((await rawRequest(host, API_PATHS.invoke, { method: 'POST', headers: { ...auth, Origin: own() }, body: '{"command":"app.info","input":{}}' })).status).toBe(200);
    expect((await rawRequest(host, API_PATHS.invoke, { method: 'POST', headers: auth, body: '{"command":"app.info","input":{}}' })).status).toBe(200);
  });

  it('a Host that does not name this server (DNS rebinding) is refused on every route (403)', async () => {
    for (const target of [...API.map((route) => withToken(route, host.token)), withToken('/', host.token), '/favicon.svg']) {
      for (const name of [`rebound.example:${host.port}`, 'rebound.example', `127.0.0.1.nip.io:${host.port}`]) {
        const post = target.startsWith(API_PATHS.invoke);
        const response = await request(target, post ? 'POST' : 'GET', { Host: name, Authorization: `Bearer ${host.token}` }, post ? '{}' : undefined);
        expectRefused(response, `${target} with Host ${name}`, 403);
      }
    }
  });
});

const socket = (target: string, options: Parameters<typeof openSocket>[1] = {}) => openSocket(`ws://127.0.0.1:${host.port}${target}`, options);

describe('the event socket', () => {
  it('opens only at /api/events with the token; every other path, with the token or not, is refused before the handshake', async () => {
    const targets = ['/', '/index.html', '/favicon.svg', '/api', '/api/unknown', ...API];
    for (const target of targets) {
      if (target === API_PATHS.events) continue;
      expect(await socket(withToken(target, host.token)), target).toEqual({ kind: 'refused', status: 404 });
      expect(await socket(target), `${target} without a token`).toMatchObject({ kind: 'refused' });
    }
    const opened = await socket(withToken(API_PATHS.events, host.token));
    expect(opened.kind).toBe('open');
    if (opened.kind === 'open') await opened.socket.close();
  });

  it('no token, a wrong one, or the token as a header only: 401', async () => {
    for (const [what, target, headers] of [
      ['no token', API_PATHS.events, {}],
      ['an empty token', withToken(API_PATHS.events, ''), {}],
      ['a wrong token', withToken(API_PATHS.events, wrongToken()), {}],
      ['a truncated token', withToken(API_PATHS.events, host.token.slice(0, 20)), {}],
      ['the token as a bearer header', API_PATHS.events, { Authorization: `Bearer ${host.token}` }],
    ] as const) {
      expect(await socket(target, { headers }), what).toEqual({ kind: 'refused', status: 401 });
    }
  });

  it("checks the Origin: another site's page cannot open it even with the token (403); our page and non-browsers can", async () => {
    const target = withToken(API_PATHS.events, host.token);
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${host.port + 1}`, `https://127.0.0.1:${host.port}`, 'file://']) {
      expect(await socket(target, { origin }), origin).toEqual({ kind: 'refused', status: 403 });
    }
    expect(await socket(target, { headers: { Host: `rebound.example:${host.port}` } })).toEqual({ kind: 'refused', status: 403 });
    for (const options of [{ origin: own() }, { origin: `http://localhost:${host.port}` }, {}]) {
      const opened = await socket(target, options);
      expect(opened.kind, JSON.stringify(options)).toBe('open');
      if (opened.kind === 'open') await opened.socket.close();
    }
  });
});

describe('the token comparison', () => {
  it('is constant-time: every check is one timingSafeEqual of two 32-byte digests, whatever the candidate', async () => {
    const spy = vi.mocked(timingSafeEqual);
    const candidates = ['x', wrongToken(), host.token.slice(0, 10), `${host.token}x`, 'y'.repeat(4096), host.token];
    for (const candidate of candidates) {
      spy.mockClear();
      const response = await rawRequest(host, API_PATHS.invoke, { method: 'POST', headers: { Authorization: `Bearer ${candidate}` }, body: '{"command":"app.info","input":{}}' });
      expect(response.status, candidate).toBe(candidate === host.token ? 200 : 401);
      expect(spy.mock.calls.map(([a, b]) => [(a as Buffer).length, (b as Buffer).length]), candidate).toEqual([[32, 32]]);
    }
    for (const candidate of candidates) {
      spy.mockClear();
      const outcome = await socket(withToken(API_PATHS.events, candidate));
      expect(outcome.kind, candidate).toBe(candidate === host.token ? 'open' : 'refused');
      if (outcome.kind === 'open') await outcome.socket.close();
      expect(spy.mock.calls.map(([a, b]) => [(a as Buffer).length, (b as Buffer).length]), candidate).toEqual([[32, 32]]);
    }
  });
});

/* ---------------------------------------------------------------- a real `council serve` */

interface Serving {
  child: ChildProcessWithoutNullStreams;
  url: Promise<URL>;
  exit: Promise<number | null>;
}

const servers: Serving[] = [];
afterAll(async () => {
  for (const serving of servers) serving.child.kill('SIGTERM');
  await Promise.all(servers.map((serving) => serving.exit));
});

function serve(args: string[]): Serving {
  const child = spawn(process.execPath, [COUNCIL_BIN, 'serve', '--port', '0', '--no-open', ...args], { cwd: tempDir('council-serve-'), env: { ...process.env, HOME: tempDir('council-serve-home-') } });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = new Promise<URL>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const found = /serving on (\S+)\n/.exec(stdout)?.[1];
      if (found) resolve(new URL(found));
    });
    child.once('exit', (code) => reject(new Error(`council serve exited (${code}) before printing its URL:\n${stderr}`)));
  });
  url.catch(() => undefined);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const serving = { child, url, exit };
  servers.push(serving);
  return serving;
}

/** Whether a TCP connection to address:port is accepted. */
function connects(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** This machine's addresses other than loopback (how other machines would reach it). */
const externalAddresses = (): string[] =>
  Object.values(os.networkInterfaces())
    .flat()
    .filter((info) => info !== undefined && !info.internal)
    .map((info) => (info as os.NetworkInterfaceInfo).address);

describe('a real `council serve`', () => {
  it('listens on 127.0.0.1 only by default: not on another loopback address, not on IPv6, not on any address of this machine', async () => {
    const serving = serve([]);
    const url = await serving.url;
    const port = Number(url.port);
    expect(url.hostname).toBe('127.0.0.1');
    expect(await connects('127.0.0.1', port)).toBe(true);
    // 127.0.0.2 is this machine too (the whole 127/8 is loopback on Linux): a server bound to every
    // address answers there (see the control below); one bound to 127.0.0.1 does not.
    expect(await connects('127.0.0.2', port)).toBe(false);
    expect(await connects('::1', port)).toBe(false);
    for (const address of externalAddresses()) expect(await connects(address, port), address).toBe(false);
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(new URL('/', url))).status).toBe(401);
  });

  it('the control: told --host 0.0.0.0, it is reachable on the other addresses, so the probe above can tell', async () => {
    const serving = serve(['--host', '0.0.0.0']);
    const port = Number((await serving.url).port);
    expect(await connects('127.0.0.2', port)).toBe(true);
    for (const address of externalAddresses().filter((a) => net.isIPv4(a))) expect(await connects(address, port), address).toBe(true);
  });
});
