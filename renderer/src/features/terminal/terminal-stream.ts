import type { AgentRun } from '../../../../shared/agents';
import type { EventPayload } from '../../../../shared/contract';
import type { CouncilApi } from '../../env';
import { createStore } from '../../lib/create-store';
import { createInputQueue, createSizeSender } from './pty-io';

export { MAX_INPUT_CHUNK } from './pty-io';

/**
 * One session's agent terminal, as a stream: `agent.attach` answers with the scrollback so far
 * ({run, seq, data, truncated}; `seq` is the number of the last chunk in `data`, 0 for none), then
 * `agent.output` events continue it, numbered per run without gaps (1, 2, 3…).
 *
 * - an event already in the scrollback (seq ≤ the current one) is skipped;
 * - a gap (seq > current + 1), or output of a run we never saw start, means something was missed:
 *   attach again, which replaces the screen with the new scrollback;
 * - a new run (first chunk of another run id) continues on the same screen after a rule;
 * - events that arrive while an attach is on its way are held and replayed after its answer.
 *
 * Keystrokes go out in order, one `agent.input` at a time (what is typed meanwhile is sent next,
 * together), and sizes go out as `agent.resize` when they change (and again after each attach,
 * since a new run starts with the agent's default size). `stop` detaches.
 * Kept free of xterm: the screen is a `TerminalSink`, so this is tested without a page.
 */
export interface TerminalSink {
  /** Clears the screen and the scrollback. */
  reset(): void;
  write(data: string): void;
  /** A line of our own between the agent's output (dim). */
  note(text: string): void;
  /** The output that follows is this run's (its record when known): e.g. headless output has bare newlines. */
  runChanged(runId: string | null, run: AgentRun | null): void;
}

export interface TerminalStreamState {
  status: 'attaching' | 'attached' | 'error';
  error: string | null;
  /** The run whose output is on screen (null before any run). */
  run: AgentRun | null;
  runId: string | null;
  seq: number;
  truncated: boolean;
  /** Why the last keystrokes were not delivered (no live run, the command failed). */
  inputError: string | null;
}

export interface TerminalStreamDeps {
  invoke: CouncilApi['invoke'];
  sink: TerminalSink;
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  resizeDelayMs?: number;
}

/** Re-attaching this many times in a row without one chunk in order means the stream is broken. */
const MAX_REATTACH_IN_A_ROW = 5;

/** Why keystrokes were not delivered: a remote run whose connection dropped goes on on its host (they can be typed again once it is back). */
function notSent(run: AgentRun | null): string {
  if (run?.state === 'disconnected') return `the connection to ${run.connection?.host ?? 'the host'} dropped (the agent goes on there): keystrokes were not sent — type them again once it reconnects`;
  return 'the agent is not running: keystrokes were not sent';
}

export function createTerminalStream(repo: string, id: string, deps: TerminalStreamDeps) {
  const store = createStore<TerminalStreamState>({ status: 'attaching', error: null, run: null, runId: null, seq: 0, truncated: false, inputError: null });
  const patch = (next: Partial<TerminalStreamState>) => store.set((state) => ({ ...state, ...next }));
  let stopped = false;
  let attaching = false;
  let attachAgain = false;
  let held: EventPayload<'agent.output'>[] = [];
  let reattachesInARow = 0;
  /** Runs whose output was replaced by a newer run's: their late events are ignored. */
  const retired = new Set<string>();

  const attach = async (): Promise<void> => {
    if (stopped) return;
    if (attaching) {
      attachAgain = true;
      return;
    }
    attaching = true;
    held = [];
    patch({ status: 'attaching' });
    const result = await deps.invoke('agent.attach', { repo, id });
    attaching = false;
    if (stopped) return;
    if (!result.ok) {
      held = [];
      patch({ status: 'error', error: result.error.message });
    } else {
      const { run, seq, data, truncated } = result.value;
      const previous = store.get().runId;
      if (previous !== null && previous !== run?.id) retired.add(previous);
      deps.sink.reset();
      deps.sink.runChanged(run?.id ?? null, run);
      if (truncated) deps.sink.note('… earlier output was dropped from the buffer …');
      if (data !== '') deps.sink.write(data);
      patch({ status: 'attached', error: null, run, runId: run?.id ?? null, seq, truncated, inputError: null });
      sendSize(true);
      const replay = held;
      held = [];
      for (const payload of replay) {
        handleOutput(payload);
        if (attaching) break;
      }
    }
    if (attachAgain) {
      attachAgain = false;
      void attach();
    }
  };

  const reattach = () => {
    reattachesInARow += 1;
    if (reattachesInARow > MAX_REATTACH_IN_A_ROW) {
      patch({ status: 'error', error: 'the terminal output keeps skipping chunks' });
      return;
    }
    void attach();
  };

  const handleOutput = (payload: EventPayload<'agent.output'>) => {
    if (stopped || payload.repo !== repo || payload.sessionId !== id) return;
    if (attaching) {
      held.push(payload);
      return;
    }
    const state = store.get();
    if (state.status !== 'attached' || retired.has(payload.runId)) return;
    if (payload.runId !== state.runId) {
      // Another run's output: its start continues here; anything later means we missed its start.
      if (payload.seq > 1) {
        reattach();
        return;
      }
      if (state.runId !== null) {
        retired.add(state.runId);
        deps.sink.note('── a new run started ──');
      }
      patch({ runId: payload.runId, run: null, seq: payload.seq - 1, inputError: null });
      deps.sink.runChanged(payload.runId, null);
      sendSize(true);
    }
    const { seq } = store.get();
    if (payload.seq <= seq) return;
    if (payload.seq !== seq + 1) {
      reattach();
      return;
    }
    reattachesInARow = 0;
    deps.sink.write(payload.data);
    patch({ seq: payload.seq });
  };

  // Input: strictly in order, one request at a time.
  const keys = createInputQueue(async (data) => {
    const result = await deps.invoke('agent.input', { repo, id, data });
    const problem = !result.ok ? result.error.message : result.value.written ? null : notSent(store.get().run);
    if (problem !== store.get().inputError) patch({ inputError: problem });
    return problem === null;
  }, () => stopped);

  // Size: the latest one, debounced; skipped while unchanged unless forced (after an attach).
  const sizer = createSizeSender({
    setTimeout: deps.setTimeout,
    clearTimeout: deps.clearTimeout,
    delayMs: deps.resizeDelayMs ?? 80,
    ready: () => store.get().status === 'attached',
    send: (size) => void deps.invoke('agent.resize', { repo, id, ...size }),
  });
  const sendSize = sizer.push;

  return {
    store,
    attach,
    /** Attach again from scratch (after the browser host reconnected, or from the Retry button). */
    reattach: () => {
      reattachesInARow = 0;
      return attach();
    },
    handleOutput,
    /** The run as the runs store has it: keeps the header of the terminal current. */
    noteRun(run: AgentRun | undefined) {
      if (run === undefined || run.id !== store.get().runId) return;
      // Reconnected: what was said of the dropped connection is over (the next keys go through).
      const reconnected = store.get().run?.state === 'disconnected' && run.state !== 'disconnected';
      patch(reconnected ? { run, inputError: null } : { run });
    },
    input(data: string) {
      if (stopped || data === '') return;
      keys.push(data);
    },
    resize: sizer.resize,
    stop() {
      if (stopped) return;
      stopped = true;
      sizer.stop();
      void deps.invoke('agent.detach', { repo, id });
    },
  };
}

export type TerminalStream = ReturnType<typeof createTerminalStream>;
