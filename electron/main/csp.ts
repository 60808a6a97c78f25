/**
 * The renderer's Content Security Policy, written once. Main sends it as a response header for the
 * app's own pages; renderer/index.html carries the same policy in a <meta> tag (the build checks that
 * the two agree, see electron.vite.config.ts), which also covers `file://` loads where Electron may
 * not run `webRequest` hooks (https://github.com/electron/electron/issues/23485).
 *
 * Electron-free: the vite config imports it.
 */

export interface CspOptions {
  /**
   * Development only. Vite's dev server injects inline scripts (React Refresh's preamble) and
   * <style> tags; with `html.cspNonce` it marks them with this nonce, so we allow the nonce rather
   * than 'unsafe-inline'.
   */
  nonce?: string;
  /** Development only: the dev server's origin, whose websocket carries hot updates. */
  devServerOrigin?: string;
  /**
   * `frame-ancestors` is ignored (with a console warning) when delivered by <meta>, so it is only
   * included in the header form.
   */
  delivery: 'header' | 'meta';
}

/** Name of the environment variable the dev config uses to hand the nonce to main. */
export const DEV_CSP_NONCE_ENV = 'COUNCIL_DEV_CSP_NONCE';

export function contentSecurityPolicy(options: CspOptions): string {
  const nonce = options.nonce === undefined ? [] : [`'nonce-${options.nonce}'`];
  const devSocket = options.devServerOrigin === undefined ? [] : [websocketOrigin(options.devServerOrigin)];
  const directives: [string, string[]][] = [
    ['default-src', ["'none'"]],
    ['script-src', ["'self'", ...nonce]],
    ['style-src', ["'self'", ...nonce]],
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'"]],
    ['connect-src', ["'self'", ...devSocket]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
  ];
  if (options.delivery === 'header') directives.push(['frame-ancestors', ["'none'"]]);
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

function websocketOrigin(httpOrigin: string): string {
  const url = new URL(httpOrigin);
  return `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
}
