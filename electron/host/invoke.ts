import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Result } from '../../shared/errors';
import { dispatchMessage, type HandlerTable } from '../core/dispatch';
import { sendJson, sendText } from './respond';

/**
 * `POST /api/invoke`: one `{ command, input }` in, the contract's `Result` out, through the same
 * `dispatchMessage` Electron's IPC handler uses. A `Result` is always answered with 200, `ok:false`
 * included: the HTTP status only speaks about the transport (auth, size, JSON).
 */

export const MAX_BODY_BYTES = 1024 * 1024;
/** Past this a too-large body is not even read to the end: the connection is dropped. */
const MAX_DISCARD_BYTES = 16 * MAX_BODY_BYTES;

/** Subscriptions belong to an open event socket; without one they would never end. */
const WATCH_COMMANDS = new Set(['watch.repo', 'watch.session']);

export interface InvokeTarget {
  handlers: HandlerTable;
  /** Whether `clientId` is an open event socket. */
  isConnected(clientId: string): boolean;
  /** Drops whatever a client that went away meanwhile subscribed to. */
  forget(clientId: string): void;
}

type Body = { kind: 'ok'; bytes: Buffer } | { kind: 'too-large'; drop: boolean } | { kind: 'aborted' };

/** Reads the request body up to `limit` bytes; a larger one is drained (up to a point) and reported. */
function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_DISCARD_BYTES) return Promise.resolve({ kind: 'too-large', drop: true });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_DISCARD_BYTES) {
        req.pause();
        resolve({ kind: 'too-large', drop: true });
      } else if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? { kind: 'too-large', drop: false } : { kind: 'ok', bytes: Buffer.concat(chunks) }));
    req.on('error', () => resolve({ kind: 'aborted' }));
    req.on('aborted', () => resolve({ kind: 'aborted' }));
  });
}

const invalid = (message: string): Result<never> => ({ ok: false, error: { code: 'invalid-input', message } });

export async function handleInvoke(req: IncomingMessage, res: ServerResponse, target: InvokeTarget): Promise<void> {
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body.kind === 'aborted') {
    res.destroy();
    return;
  }
  if (body.kind === 'too-large') {
    if (body.drop) res.once('finish', () => req.socket.destroy());
    sendText(res, 413, `the request body is larger than ${MAX_BODY_BYTES} bytes`, body.drop ? { Connection: 'close' } : {});
    return;
  }

  let message: unknown;
  try {
    message = JSON.parse(body.bytes.toString('utf8'));
  } catch (error) {
    sendJson(res, 400, invalid(`the request body is not JSON: ${error instanceof Error ? error.message : String(error)}`));
    return;
  }

  const header = req.headers['x-council-client'];
  const clientId = typeof header === 'string' ? header : '';
  const command = typeof message === 'object' && message !== null ? (message as { command?: unknown }).command : undefined;
  const watching = typeof command === 'string' && WATCH_COMMANDS.has(command);
  if (watching && !target.isConnected(clientId)) {
    sendJson(
      res,
      200,
      invalid(
        clientId === ''
          ? `"${command}" sends events over the event socket: pass its id (from the socket's hello) in the X-Council-Client header`
          : `"${command}": the event socket "${clientId}" is not open (it closed, or never was); reconnect and subscribe again`,
      ),
    );
    return;
  }

  const result = await dispatchMessage(message, target.handlers, { clientId });
  // The socket may have closed while the subscription was being set up: undo it, or its watcher
  // would run for nobody until the host stops.
  if (watching && !target.isConnected(clientId)) target.forget(clientId);
  sendJson(res, 200, result);
}
