/**
 * What the agent terminal and the plain shell send the same way (terminal-stream.ts,
 * shell-stream.ts): keystrokes strictly in order, one request at a time (what is typed meanwhile
 * goes next, together, in chunks of at most MAX_INPUT_CHUNK); the screen's size, the latest one,
 * debounced, skipped while unchanged unless forced (after an attach). Free of xterm and of the api.
 */

export const MAX_INPUT_CHUNK = 65536;

/** `send` delivers one chunk; false drops what is still queued (nothing more can be delivered). */
export function createInputQueue(send: (chunk: string) => Promise<boolean>, stopped: () => boolean) {
  let pending = '';
  let sending = false;
  const flush = async () => {
    if (sending) return;
    sending = true;
    while (pending !== '' && !stopped()) {
      const chunk = pending.slice(0, MAX_INPUT_CHUNK);
      pending = pending.slice(chunk.length);
      if (!(await send(chunk))) pending = '';
    }
    sending = false;
  };
  return {
    push(data: string) {
      pending += data;
      void flush();
    },
  };
}

export interface Size {
  cols: number;
  rows: number;
}

export interface SizeSenderDeps {
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  delayMs: number;
  /** Whether a size may go out now (attached, running). */
  ready: () => boolean;
  send: (size: Size) => void;
}

export function createSizeSender(deps: SizeSenderDeps) {
  let stopped = false;
  let size: Size | null = null;
  let sent: Size | null = null;
  let timer: unknown = null;
  const push = (force: boolean) => {
    if (force) sent = null;
    if (timer !== null || stopped) return;
    timer = deps.setTimeout(() => {
      timer = null;
      if (stopped || size === null || !deps.ready()) return;
      if (sent !== null && sent.cols === size.cols && sent.rows === size.rows) return;
      sent = size;
      deps.send(size);
    }, deps.delayMs);
  };
  return {
    /** Sends the latest size (again, even unchanged, when `force`). */
    push,
    /** The screen's new size (ignored when too small to be real). */
    resize(cols: number, rows: number) {
      if (cols < 2 || rows < 1) return;
      size = { cols: Math.min(1000, Math.floor(cols)), rows: Math.min(500, Math.floor(rows)) };
      push(false);
    },
    stop() {
      stopped = true;
      if (timer !== null) deps.clearTimeout(timer);
      timer = null;
    },
  };
}
