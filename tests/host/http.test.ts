/**
 * The browser host's HTTP side, on a real server (127.0.0.1, any free port) serving a stand-in
 * renderer build: who gets the page, what the static files may reach, and the headers on every answer.
 */
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PAGE_REFUSED, type RunningHost } from '../../electron/host/server';
import { REPO_ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/repo';
import { origin, rawRequest, startTestHost, stubRenderer } from './host-helpers';

let host: RunningHost;
let rendererDir: string;

beforeAll(async () => {
  rendererDir = stubRenderer();
  // Something beside the build that must never be served, and a link inside the build pointing at it.
  writeFileSync(path.join(rendererDir, '..', 'secret.txt'), 'TOP-SECRET\n');
  symlinkSync(path.join(rendererDir, '..', 'secret.txt'), path.join(rendererDir, 'assets', 'leak.txt'));
  host = await startTestHost({ rendererDir });
});

const page = (token?: string): string => `${origin(host)}/${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;

describe('binding and the URL', () => {
  it('listens on 127.0.0.1 only, by default', () => {
    expect(host.server.address()).toMatchObject({ address: '127.0.0.1', family: 'IPv4', port: host.port });
  });

  it('reports the page URL with a fresh 256-bit token', async () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const other = await startTestHost();
    expect(other.token).not.toBe(host.token);
    expect(other.port).not.toBe(host.port);
  });
});

describe('GET / (the page)', () => {
  it('refuses without a token, or with a wrong one: 401', async () => {
    for (const url of [page(), page('wrong'), page(''), `${origin(host)}/index.html`, `${origin(host)}/index.html?token=${host.token}x`]) {
      const response = await fetch(url);
      expect(response.status, url).toBe(401);
      expect(await response.text()).toBe(`${PAGE_REFUSED}\n`);
    }
    // The refusal says how to get in, a restart included.
    expect(PAGE_REFUSED).toMatch(/^missing or wrong token: open the address `council serve` printed.*restarted/);
  });

  // Issue 12, item 7: a reload (F5) or Back drops `?token=` (the page removed it from the address).
  it('opened with the token, sets an HttpOnly SameSite=Strict page cookie with which the same browser reloads the page', async () => {
    const opened = await fetch(host.url);
    expect(opened.status).toBe(200);
    const setCookie = opened.headers.get('set-cookie') ?? '';
    const attributes = setCookie.split(';').map((part) => part.trim());
    expect(attributes[0]).toMatch(new RegExp(`^council-page-${host.port}=[A-Za-z0-9_-]{43}$`));
    expect(attributes.slice(1).sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict']);
    // Not the token: a copy seen by another server on this host (cookies ignore ports) is no bearer.
    expect(setCookie).not.toContain(host.token);
    const cookie = attributes[0]!;

    const reloaded = await fetch(page(), { headers: { Cookie: `other=1; ${cookie}` } });
    expect(reloaded.status).toBe(200);
    expect(reloaded.headers.get('cache-control')).toBe('no-store');
    expect(await reloaded.text()).toBe(readFileSync(path.join(rendererDir, 'index.html'), 'utf8'));
    expect(reloaded.headers.get('set-cookie')).toBeNull();
    expect((await fetch(`${origin(host)}/index.html`, { headers: { Cookie: cookie } })).status).toBe(200);
    // A wrong token in the address is still refused, cookie or not.
    expect((await fetch(page('wrong'), { headers: { Cookie: cookie } })).status).toBe(401);
  });

  it("refuses a wrong page cookie, another host's, and one under another port's name", async () => {
    const other = await startTestHost({ rendererDir });
    try {
      const otherCookie = ((await fetch(other.url)).headers.get('set-cookie') ?? '').split(';')[0]!;
      const value = otherCookie.split('=')[1]!;
      const ownCookie = ((await fetch(host.url)).headers.get('set-cookie') ?? '').split(';')[0]!;
      for (const cookie of [
        otherCookie,
        `council-page-${host.port}=${value}`,
        `council-page-${host.port}=`,
        `council-page-${host.port}=${host.token}`,
        ownCookie.replace(`council-page-${host.port}`, `council-page-${other.port}`),
        ownCookie.toUpperCase(),
      ]) {
        const response = await fetch(page(), { headers: { Cookie: cookie } });
        expect(response.status, cookie).toBe(401);
      }
    } finally {
      await other.close();
    }
  });

  it('serves index.html, uncached, with the right token', async () => {
    for (const url of [host.url, `${origin(host)}/index.html?token=${host.token}`]) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.text()).toBe(readFileSync(path.join(rendererDir, 'index.html'), 'utf8'));
    }
  });

  it('still wants the token when the page is reached by another spelling of its path', async () => {
    expect((await rawRequest(host, '//index.html')).status).toBe(401);
    expect((await rawRequest(host, '/%69ndex.html')).status).toBe(401);
    expect((await rawRequest(host, '/assets/../index.html')).status).toBe(404);
    expect((await rawRequest(host, `//index.html?token=${host.token}`)).status).toBe(200);
  });

  it('refuses a Host header that does not name this server (DNS rebinding): 403', async () => {
    const target = `/?token=${host.token}`;
    expect((await rawRequest(host, target, { headers: { Host: `evil.example:${host.port}` } })).status).toBe(403);
    expect((await rawRequest(host, target, { headers: { Host: `127.0.0.1:${host.port + 1}` } })).status).toBe(403);
    expect((await rawRequest(host, '/assets/app.js', { headers: { Host: 'evil.example' } })).status).toBe(403);
    expect((await rawRequest(host, target, { headers: { Host: `localhost:${host.port}` } })).status).toBe(200);
    expect((await rawRequest(host, target, { headers: { Host: `127.0.0.1:${host.port}` } })).status).toBe(200);
  });

  it('answers other methods with 405', async () => {
    const response = await fetch(host.url, { method: 'PUT', body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('static files', () => {
  it('serves the bundle without a token, with its content type', async () => {
    const js = await fetch(`${origin(host)}/assets/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe(readFileSync(path.join(rendererDir, 'assets', 'app.js'), 'utf8'));
    const css = await fetch(`${origin(host)}/assets/app.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers 404 for what is not there, and for folders', async () => {
    expect((await fetch(`${origin(host)}/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${origin(host)}/assets/`)).status).toBe(404);
    expect((await fetch(`${origin(host)}/api/nope`)).status).toBe(404);
  });

  it('refuses every way out of the build folder with 404', async () => {
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2E%2E/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2F..%2Fsecret.txt',
      '/..%5csecret.txt',
      '/assets\\..\\..\\secret.txt',
      '/%252e%252e/secret.txt',
      '/secret.txt%00.js',
      '/%E0%A4%A',
      '/assets/leak.txt',
      `/${path.join(rendererDir, '..', 'secret.txt')}`,
      `/../../../../../../../../..${path.join(rendererDir, '..', 'secret.txt')}`,
    ];
    for (const target of attempts) {
      const response = await rawRequest(host, target);
      expect(response.status, target).toBe(404);
      expect(response.body, target).not.toContain('TOP-SECRET');
    }
  });
});

describe('security headers', () => {
  /** renderer/index.html's <meta> policy: the header must say the same, plus frame-ancestors. */
  const metaPolicy = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(
    readFileSync(path.join(REPO_ROOT, 'renderer', 'index.html'), 'utf8'),
  )?.[1];

  it('are on every answer: the page, assets, refusals and errors', async () => {
    const answers = [
      await rawRequest(host, `/?token=${host.token}`),
      await rawRequest(host, '/assets/app.js'),
      await rawRequest(host, '/'),
      await rawRequest(host, '/nope'),
      await rawRequest(host, '/', { headers: { Host: 'evil.example' } }),
      await rawRequest(host, '/api/invoke', { method: 'POST', body: '{}' }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 401, 404, 403, 401]);
    for (const answer of answers) {
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      expect(answer.headers['x-frame-options']).toBe('DENY');
      expect(answer.headers['content-security-policy']).toBe(`${metaPolicy}; frame-ancestors 'none'`);
    }
  });

  it("the policy allows the page's own scripts and same-origin connections, nothing inline or remote", () => {
    const policy = new Map(
      `${metaPolicy}`.split(';').map((directive) => {
        const [name = '', ...sources] = directive.trim().split(/\s+/);
        return [name, sources] as const;
      }),
    );
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
  });
});

describe('the event endpoint over plain HTTP', () => {
  it('wants the token, then an upgrade', async () => {
    expect((await fetch(`${origin(host)}/api/events`)).status).toBe(401);
    expect((await fetch(`${origin(host)}/api/events?token=${host.token}`)).status).toBe(426);
  });
});

describe('a build folder without index.html', () => {
  it('is refused when the host starts', async () => {
    await expect(startTestHost({ rendererDir: tempDir('council-empty-build-') })).rejects.toThrow(/no index\.html in .*build the app first/);
  });
});
