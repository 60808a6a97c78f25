import type { CommandInput, CommandName, CommandOutput } from '../../../shared/contract';
import type { Result } from '../../../shared/errors';
import type { CouncilApi } from '../env';
import { createBrowserTransport, type BrowserTransport, type ConnectionState } from './browser-transport';

/**
 * The renderer's one way out: the preload's `window.api` in the desktop app, or the browser host's
 * transport when the page is served by `council serve` (no preload there).
 */
const transport: BrowserTransport | null = window.api
  ? null
  : createBrowserTransport({
      location: window.location,
      history: window.history,
      WebSocket: window.WebSocket,
      fetch: (url, init) => window.fetch(url, init),
      setTimeout: (callback, ms) => window.setTimeout(callback, ms),
      clearTimeout: (handle) => window.clearTimeout(handle as number),
      storage: sessionStorageOrNull(),
    });

/** The tab's sessionStorage; reading the property itself throws where storage is denied. */
function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export type { ConnectionState };

export const api: CouncilApi = window.api ?? (transport as BrowserTransport);

/**
 * Runs after the event connection came back (browser host only: a new connection is a new client,
 * so its `watch.*` subscriptions must be issued again). The desktop app never reconnects.
 */
export function onReconnect(listener: () => void): () => void {
  return transport ? transport.onReconnect(listener) : () => {};
}

export function connectionState(): ConnectionState {
  return transport ? transport.connection() : 'open';
}

export function onConnectionChange(listener: () => void): () => void {
  return transport ? transport.onConnectionChange(listener) : () => {};
}

/**
 * `api.invoke` that never rejects: an IPC failure (or a bug in a transport) becomes an `internal`
 * error value like every other failure, so screens only ever handle `Result`s.
 */
export async function call<C extends CommandName>(command: C, input: CommandInput<C>): Promise<Result<CommandOutput<C>>> {
  try {
    return await api.invoke(command, input);
  } catch (error) {
    return { ok: false, error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } };
  }
}
