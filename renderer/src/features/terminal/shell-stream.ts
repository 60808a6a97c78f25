import type { EventPayload } from '../../../../shared/contract';
import type { ShellInfo } from '../../../../shared/shells';
import type { CouncilApi } from '../../env';
import { createStore } from '../../lib/create-store';
import { createInputQueue, createSizeSender } from './pty-io';
import type { TerminalSink } from './terminal-stream';

/**
 * A session's plain shell, as a stream (the agent terminal's twin, terminal-stream.ts): `open`
 * starts the shell if none runs (`shell.start`, at the screen's size) and attaches (`shell.attach`:
 * the scrollback so far), then `shell.output` events continue it, numbered per shell without
 * gaps — an event already shown is skipped, a gap attaches again. `shell.exited` says it ended;
 * `restart` starts a new one on a cleared screen. Keystrokes go out in order, one `shell.input` at a
 * time; sizes as `shell.resize`, debounced. Kept free of xterm (a TerminalSink), so it is tested
 * without a page.
 */

export interface ShellStreamState {
  status: 'starting' | 'running' | 'exited' | 'error';
  error: string | null;
  shell: ShellInfo | null;
  seq: number;
  /** How the last shell ended (status `exited`). */
  exit: { code: number | null; signal: string | null } | null;
}

export interface ShellStreamDeps {
  invoke: CouncilApi['invoke'];
  sink: Pick<TerminalSink, 'reset' | 'write' | 'note'>;
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  /** The screen's size when the shell starts. */
  size: () => { cols: number; rows: number } | null;
}

export function createShellStream(repo: string, id: string, deps: ShellStreamDeps) {
  const store = createStore<ShellStreamState>({ status: 'starting', error: null, shell: null, seq: 0, exit: null });
  const patch = (next: Partial<ShellStreamState>) => store.set((state) => ({ ...state, ...next }));
  let stopped = false;
  let attaching = false;
  let held: EventPayload<'shell.output'>[] = [];

  /** Attaches to the running shell (starting one first when `start`). */
  const open = async (start: boolean): Promise<void> => {
    if (stopped || attaching) return;
    attaching = true;
    held = [];
    patch({ status: 'starting' });
    if (start) {
      const size = deps.size();
      const started = await deps.invoke('shell.start', { repo, id, ...(size ?? {}) });
      if (!started.ok) {
        attaching = false;
        patch({ status: 'error', error: started.error.message });
        return;
      }
    }
    const result = await deps.invoke('shell.attach', { repo, id });
    attaching = false;
    if (stopped) return;
    if (!result.ok) {
      patch({ status: 'error', error: result.error.message });
      return;
    }
    const { shell, seq, data } = result.value;
    deps.sink.reset();
    if (data !== '') deps.sink.write(data);
    if (shell === null) {
      patch({ status: 'exited', shell: null, seq: 0, error: null });
      return;
    }
    patch({ status: 'running', shell, seq, error: null, exit: null });
    sendSize(true);
    const replay = held;
    held = [];
    for (const payload of replay) handleOutput(payload);
  };

  const handleOutput = (payload: EventPayload<'shell.output'>) => {
    if (stopped || payload.repo !== repo || payload.sessionId !== id) return;
    if (attaching) {
      held.push(payload);
      return;
    }
    const state = store.get();
    if (state.shell === null || payload.shellId !== state.shell.id || payload.seq <= state.seq) return;
    if (payload.seq !== state.seq + 1) {
      void open(false);
      return;
    }
    deps.sink.write(payload.data);
    patch({ seq: payload.seq });
  };

  const handleExit = (payload: EventPayload<'shell.exited'>) => {
    if (stopped || payload.repo !== repo || payload.sessionId !== id) return;
    const state = store.get();
    if (state.shell === null || payload.shellId !== state.shell.id) return;
    const how = payload.signal ? `was ended (${payload.signal})` : `exited (code ${payload.code ?? '?'})`;
    deps.sink.note(`── the shell ${how} ──`);
    patch({ status: 'exited', exit: { code: payload.code, signal: payload.signal } });
  };

  const keys = createInputQueue(async (data) => {
    const result = await deps.invoke('shell.input', { repo, id, data });
    return result.ok && result.value.written;
  }, () => stopped);

  const sizer = createSizeSender({
    setTimeout: deps.setTimeout,
    clearTimeout: deps.clearTimeout,
    delayMs: 80,
    ready: () => store.get().status === 'running',
    send: (size) => void deps.invoke('shell.resize', { repo, id, ...size }),
  });
  const sendSize = sizer.push;

  return {
    store,
    /** Starts (or joins) the session's shell. */
    open: () => open(true),
    /** Attaches again (after the browser host reconnected). */
    reattach: () => open(false),
    /** A new shell after the last one ended. */
    restart: () => open(true),
    handleOutput,
    handleExit,
    input(data: string) {
      if (stopped || data === '' || store.get().status !== 'running') return;
      keys.push(data);
    },
    resize: sizer.resize,
    /** Ends the shell itself (the Stop button). */
    async kill() {
      await deps.invoke('shell.stop', { repo, id });
    },
    /** Detaches (the view closes); the shell goes on in the host. */
    stop() {
      if (stopped) return;
      stopped = true;
      sizer.stop();
      void deps.invoke('shell.detach', { repo, id });
    },
  };
}

export type ShellStream = ReturnType<typeof createShellStream>;
