import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNEL } from '../../shared/contract';
import type { Result } from '../../shared/errors';
import { dispatchMessage, type HandlerTable } from '../core/dispatch';
import { isTrustedSender } from './trusted-sender';

export interface InvokeOptions {
  /** The app's own page(s); see {@link isTrustedSender}. */
  allowedPages: readonly string[];
  handlers: HandlerTable;
}

/** Binds the one IPC channel to `dispatch()`. */
export function registerInvokeHandler(ipcMain: Pick<IpcMain, 'handle'>, options: InvokeOptions): void {
  ipcMain.handle(INVOKE_CHANNEL, (event, message: unknown) => handleInvoke(event, message, options));
}

/** Checks the sender frame first, then lets `dispatchMessage` validate the payload. */
export async function handleInvoke(
  event: Pick<IpcMainInvokeEvent, 'senderFrame'> & { sender?: { id: number } },
  message: unknown,
  options: InvokeOptions,
): Promise<Result<unknown>> {
  const url = senderUrl(event);
  if (!isTrustedSender(url, options.allowedPages)) {
    console.warn(`[security] refused an IPC message from ${url ?? 'a detached frame'}`);
    return {
      ok: false,
      error: { code: 'invalid-input', message: 'refused: the message did not come from the app\'s own page' },
    };
  }
  // The window asking is the client its subscriptions belong to.
  return dispatchMessage(message, options.handlers, { clientId: String(event.sender?.id ?? '') });
}

function senderUrl(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): string | null {
  try {
    // Reading a frame that has already been disposed throws.
    return event.senderFrame?.url ?? null;
  } catch {
    return null;
  }
}
