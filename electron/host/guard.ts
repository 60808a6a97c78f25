import { createHash, timingSafeEqual } from 'node:crypto';
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

export class Guard {
  private readonly tokenDigest: Buffer;

  constructor(
    token: string,
    private readonly hosts: ReadonlySet<string>,
  ) {
    this.tokenDigest = digest(token);
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
