/**
 * Which frames may talk to main. Electron-free so it can be unit-tested in plain Node.
 *
 * `allowed` lists the app's own pages:
 * - a `file:` URL allows exactly that file (query and hash ignored), on an empty host;
 * - an `http:` / `https:` URL allows its origin (the electron-vite dev server in development).
 *
 * Anything else (`about:blank`, `data:`, `blob:`, other files, other origins, unparsable strings)
 * is refused. A frame that navigated away from our page, or an injected iframe, therefore cannot
 * reach the IPC surface even if it somehow got a preload.
 */
export function isTrustedSender(url: string | null | undefined, allowed: readonly string[]): boolean {
  if (typeof url !== 'string' || url === '') return false;
  const sender = parseUrl(url);
  if (sender === null) return false;
  return allowed.some((entry) => {
    const own = parseUrl(entry);
    if (own === null || own.protocol !== sender.protocol) return false;
    if (own.protocol === 'file:') {
      return sender.host === '' && own.host === '' && samePath(sender.pathname, own.pathname);
    }
    if (own.protocol === 'http:' || own.protocol === 'https:') {
      return sender.origin === own.origin;
    }
    return false;
  });
}

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** Chromium and Node's `pathToFileURL` do not percent-encode exactly the same characters. */
function samePath(a: string, b: string): boolean {
  const left = safeDecode(a);
  return left !== null && left === safeDecode(b);
}

function safeDecode(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}
