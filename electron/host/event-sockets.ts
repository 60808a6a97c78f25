import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { events } from '../../shared/contract';
import type { AppCore } from '../core/app/app-core';
import type { Send } from '../core/app/event-hub';

/**
 * `GET /api/events` upgraded to a WebSocket: the browser's equivalent of a window's event channel.
 * Each socket is one client of the core: it says hello with its id, the page passes that id with
 * its `watch.*` commands, and the events it subscribed to come back as
 * `{"type":"event","event":name,"payload":…}`. When the socket goes, so do its subscriptions.
 */

/** The page sends nothing but pings; anything bigger than this closes the socket (1009). */
const MAX_INCOMING_BYTES = 1024;
/** A client this far behind is not reading: drop it; it reconnects and takes a fresh snapshot. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
export const DEFAULT_HEARTBEAT_MS = 30_000;

export class EventSockets {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_INCOMING_BYTES, perMessageDeflate: false });
  private readonly sockets = new Map<string, WebSocket>();
  private readonly alive = new WeakSet<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly core: AppCore,
    heartbeatMs = DEFAULT_HEARTBEAT_MS,
  ) {
    // A socket that did not answer the previous ping (a sleeping laptop, a dropped network) is dead.
    this.heartbeat = setInterval(() => {
      for (const ws of this.sockets.values()) {
        if (!this.alive.has(ws)) {
          ws.terminate();
          continue;
        }
        this.alive.delete(ws);
        ws.ping();
      }
    }, heartbeatMs);
    this.heartbeat.unref();
  }

  isConnected(clientId: string): boolean {
    return this.sockets.get(clientId)?.readyState === WebSocket.OPEN;
  }

  /** Completes the handshake of an upgrade request the caller has already checked. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws));
  }

  private connected(ws: WebSocket): void {
    const clientId = randomBytes(16).toString('base64url');
    this.sockets.set(clientId, ws);
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      this.sockets.delete(clientId);
      this.core.removeClient(clientId);
    });
    // Messages from the page are ignored: commands go through POST /api/invoke.
    ws.on('message', () => undefined);

    const send: Send = (event, payload) => {
      if (ws.readyState !== WebSocket.OPEN) {
        // Through the core, not only the hub, so watchers nobody needs any more stop too.
        this.core.removeClient(clientId);
        return false;
      }
      const checked = events[event].safeParse(payload);
      if (!checked.success) {
        console.error(`[host] refused to send a malformed "${event}" event:`, checked.error.message);
        return true;
      }
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.terminate();
        return true; // 'close' follows and removes the client
      }
      ws.send(JSON.stringify({ type: 'event', event, payload: checked.data }));
      return true;
    };
    ws.send(JSON.stringify({ type: 'hello', clientId }));
    this.core.addClient(clientId, send);
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const ws of this.sockets.values()) ws.terminate();
    this.wss.close();
  }
}
