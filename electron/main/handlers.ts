import type { HandlerTable } from '../core/dispatch';

export interface AppInfo {
  /** `app.getVersion()`: the packaged app's version (package.json's when run from source). */
  version: string;
  /** `process.platform` of the main process. */
  platform: string;
}

/**
 * Handlers main serves itself. The core's handlers (sessions, locks, …) are merged in by whoever
 * wires main once the core exists; until then those commands answer `unknown command`.
 */
export function createAppHandlers(info: AppInfo): HandlerTable {
  return {
    'app.info': () => ({ version: info.version, platform: info.platform }),
  };
}
