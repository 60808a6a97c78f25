import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  COMMAND_NAMES,
  EVENT_NAMES,
  INVOKE_CHANNEL,
  eventChannel,
  type CommandInput,
  type CommandName,
  type CommandOutput,
  type EventName,
  type EventPayload,
} from '../../shared/contract';
import type { Result } from '../../shared/errors';

/**
 * The renderer's whole view of the outside world: `window.api.invoke` and `window.api.on`.
 * Names outside the contract are refused here, before anything is sent; main still validates the
 * sender frame and the payload, because a compromised renderer need not go through this file.
 *
 * Runs sandboxed, so it may only `require('electron')`: electron.vite.config.ts bundles it (zod and
 * shared/ included) into one CommonJS file.
 */
export interface PreloadApi {
  invoke<C extends CommandName>(command: C, input: CommandInput<C>): Promise<Result<CommandOutput<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

const commandNames = new Set<string>(COMMAND_NAMES);
const eventNames = new Set<string>(EVENT_NAMES);

const api: PreloadApi = {
  invoke(command, input) {
    if (typeof command !== 'string' || !commandNames.has(command)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'invalid-input', message: `unknown command ${JSON.stringify(String(command))}` },
      });
    }
    return ipcRenderer.invoke(INVOKE_CHANNEL, { command, input });
  },
  on(event, listener) {
    if (typeof event !== 'string' || !eventNames.has(event)) {
      throw new Error(`unknown event ${JSON.stringify(String(event))}`);
    }
    if (typeof listener !== 'function') {
      throw new TypeError('listener must be a function');
    }
    const channel = eventChannel(event);
    // The IpcRendererEvent is dropped: it carries `sender` (ipcRenderer itself) and must not leak.
    const forward = (_event: IpcRendererEvent, payload: unknown): void => listener(payload as EventPayload<typeof event>);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
};

contextBridge.exposeInMainWorld('api', api);
