import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { networkInterfaces } from 'node:os';
import { contentSecurityPolicy } from '../main/csp';

/**
 * Who may talk to the browser host. Three checks, each answering a different attack:
 * - the token (in the page URL, then `Authorization: Bearer` and the socket's `?token=`): only
 *   someone who was shown the URL gets in;
 * - the `Host` header must name this server: a DNS-rebinding page (evil.example re-pointed at
 *   127.0.0.1) is same-origin with itself, not with us, and its requests still say `Host: evil.example`;
 * - the `Origin` header, when a browser sends one, must be our own: another site open in the same
 *   browser cannot drive the API or open the event socket (WebSockets are not covered by CORS).
 *
 * Staying signed in across a reload or Back (issue 12, item 7): the page drops `?token=` from its
 * address (so it stays out of history and bookmarks) and keeps the token in the tab's
 * sessionStorage, which is scoped to this origin (port included), never sent by the browser on its
 * own (so the API stays immune to CSRF: it takes the token only as a bearer header) and gone with
 * the tab. The page itself (index.html, the public app shell, no data) is loaded again by the
 * browser without the token: for that only, the token-bearing page load sets a *page cookie*
 * (HttpOnly, SameSite=Strict, session-only). Cookies ignore ports, so another server on this host
 * may see it: it is therefore not the token but an HMAC of it, and it opens nothing but the shell —
 * never `/api/invoke`, never `/api/events`. A restarted server has a new token, so an old cookie no
 * longer opens its page either.
 */

/** Same policy as the Electron window (electron/main/csp.ts) and renderer/index.html's <meta>.
 * `connect-src 'self'` also admits the same-origin `ws:` socket (CSP Level 3, Chromium). */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy({ delivery: 'header' });

/** Sent on every response, including refusals. */
export const SECURITY_HEADERS: Readonly<OutgoingHttpHeaders> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  // The page URL carries the token: never let it travel in a Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost']);
const WILDCARDS = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

/** Whether binding `host` exposes the server beyond this machine (the CLI then warns). */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return LOOPBACK_NAMES.has(h) || /^127(\.\d{1,3}){3}$/.test(h) || h === '::1' || h === '[::1]';
}

export function isWildcard(host: string): boolean {
  return WILDCARDS.has(host.replace(/^\[|\]$/g, ''));
}

/** `host:port` as it appears in a Host header or an origin: IPv6 literals in brackets. */
export function hostWithPort(host: string, port: number): string {
  const bare = host.replace(/^\[|\]$/g, '');
  return `${bare.includes(':') ? `[${bare}]` : bare}:${port}`.toLowerCase();
}

/**
 * The `Host` values this server answers to: 127.0.0.1 and localhost always, the bind address when it
 * is another one, and every address of this machine when bound to all of them (0.0.0.0 / ::), since
 * those are how other machines reach it. IP literals cannot be re-bound by DNS; names other than
 * localhost are never accepted.
 */
export function allowedHosts(bindHost: string, port: number): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost']);
  if (isWildcard(bindHost)) {
    for (const list of Object.values(networkInterfaces())) for (const info of list ?? []) names.add(info.address);
  } else {
    names.add(bindHost);
  }
  const hosts = new Set<string>();
  for (const name of names) {
    hosts.add(hostWithPort(name, port));
    // Browsers leave the default port out of Host and Origin.
    if (port === 80) hosts.add(hostWithPort(name, port).replace(/:80$/, ''));
  }
  return hosts;
}

/** The page cookie's name: one per port, so two hosts on this machine do not overwrite each other's. */
export function pageCookieName(port: number): string {
  return `council-page-${port}`;
}

export class Guard {
  private readonly tokenDigest: Buffer;
  private readonly pageCookieValue: string;

  constructor(
    token: string,
    private readonly hosts: ReadonlySet<string>,
    private readonly port: number,
  ) {
    this.tokenDigest = digest(token);
    this.pageCookieValue = createHmac('sha256', token).update('council page cookie', 'utf8').digest('base64url');
  }

  /** The `Set-Cookie` value sent with the page when it was opened with the right token. */
  pageCookie(): string {
    return `${pageCookieName(this.port)}=${this.pageCookieValue}; Path=/; HttpOnly; SameSite=Strict`;
  }

  /** The request carries this host's page cookie (it opens the page, nothing else). */
  pageCookieMatches(req: IncomingMessage): boolean {
    const wanted = pageCookieName(this.port);
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const at = part.indexOf('=');
      if (at === -1 || part.slice(0, at).trim() !== wanted) continue;
      const candidate = part.slice(at + 1).trim();
      if (candidate !== '' && timingSafeEqual(digest(candidate), digest(this.pageCookieValue))) return true;
    }
    return false;
  }

  /** The Host header names this server (DNS-rebinding protection). */
  hostAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host;
    return typeof host === 'string' && this.hosts.has(host.toLowerCase());
  }

  /** No Origin (not a browser, or a same-origin GET), or exactly our own origin. */
  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    const match = /^http:\/\/([^/]+)$/i.exec(origin);
    return match?.[1] !== undefined && this.hosts.has(match[1].toLowerCase());
  }

  /** Constant-time comparison (of digests, so the token's length does not leak either). */
  tokenMatches(candidate: string | null | undefined): boolean {
    if (typeof candidate !== 'string' || candidate === '') return false;
    return timingSafeEqual(digest(candidate), this.tokenDigest);
  }

  bearerMatches(req: IncomingMessage): boolean {
    const match = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? '');
    return this.tokenMatches(match?.[1]);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
