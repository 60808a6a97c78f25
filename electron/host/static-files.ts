import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import path from 'node:path';

/**
 * The built renderer (out/renderer), served read-only. Everything in it is the public app bundle:
 * no data, no token. Requests are resolved inside the folder only; anything that tries to leave it
 * (`..`, encoded or not, backslashes, NUL, symlinks pointing out) is simply not found.
 */

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The URL path of a request, percent-decoded, or null when it is malformed or tries to climb out
 * (a `..` segment before or after decoding, a backslash, a NUL byte). Works on the raw request
 * target: Node does not normalise `req.url`, so `/assets/../x` arrives as written.
 */
export function decodeRequestPath(rawUrl: string): string | null {
  const rawPath = rawUrl.split(/[?#]/, 1)[0] ?? '';
  if (!rawPath.startsWith('/')) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded.split('/').some((segment) => segment === '..' || segment === '.')) return null;
  return decoded;
}

export interface StaticFile {
  file: string;
  size: number;
}

/** Finds `urlPath` (already decoded) inside `rootDir`; null unless it is a regular file in there. */
export async function resolveStaticFile(rootDir: string, urlPath: string): Promise<StaticFile | null> {
  let root: string;
  let file: string;
  try {
    root = await realpath(rootDir);
    // Symlinks resolved, so a link inside the folder cannot point outside it.
    file = await realpath(path.join(root, urlPath));
  } catch {
    return null;
  }
  if (!file.startsWith(root + path.sep)) return null;
  try {
    const info = await stat(file);
    return info.isFile() ? { file, size: info.size } : null;
  } catch {
    return null;
  }
}

/** Streams a file found by {@link resolveStaticFile}; HEAD gets the headers only. */
export function sendStaticFile(req: IncomingMessage, res: ServerResponse, found: StaticFile, headers: OutgoingHttpHeaders): void {
  res.writeHead(200, { ...headers, 'Content-Type': contentType(found.file), 'Content-Length': found.size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(found.file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
