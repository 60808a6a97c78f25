import { useState } from 'react';
import { api, onReconnect } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStore } from '../../lib/create-store';
import { runsStore } from '../../app/stores/runs-store';
import { createTerminalStream, type TerminalStream } from './terminal-stream';
import { useXterm } from './use-xterm';

/**
 * The session's agent in a terminal (xterm.js): attached while the session view is open (the
 * scrollback, then live output), keystrokes to the agent, its size following the panel.
 * Stays mounted while another tab shows, like the diff: switching back keeps the scroll position.
 */
export function TerminalTab({ repo, sessionId, active }: { repo: string; sessionId: string; active: boolean }) {
  const [stream, setStream] = useState<TerminalStream | null>(null);
  const host = useXterm(JSON.stringify([repo, sessionId]), active, 'tab-terminal', ({ term, sink }) => {
    const controller = createTerminalStream(repo, sessionId, {
      invoke: (command, input) => api.invoke(command, input),
      sink: {
        ...sink,
        // A headless run has no terminal of its own: its output's bare newlines start new lines.
        runChanged: (runId, run) => {
          const known = run ?? (runId !== null ? runsStore.get().bySession.get(sessionId) : undefined);
          term.options.convertEol = known !== undefined && known.id === runId && known.mode === 'headless';
        },
      },
      setTimeout: (callback, ms) => window.setTimeout(callback, ms),
      clearTimeout: (handle) => window.clearTimeout(handle as number),
    });
    const offOutput = api.on('agent.output', controller.handleOutput);
    const offReconnect = onReconnect(() => void controller.reattach());
    const offRuns = runsStore.subscribe(() => controller.noteRun(runsStore.get().bySession.get(sessionId)));
    return {
      input: controller.input,
      resize: controller.resize,
      start: () => {
        void controller.attach();
        setStream(controller);
      },
      stop: () => {
        offOutput();
        offReconnect();
        offRuns();
        controller.stop();
      },
    };
  });

  return (
    <div className="terminal-tab">
      {stream !== null ? <TerminalStatus stream={stream} /> : null}
      <div className="terminal-host" ref={host} data-testid="terminal" aria-label="Agent terminal" />
      <p className="field-help terminal-help">Keys go to the agent. F6 leaves the terminal.</p>
    </div>
  );
}

function TerminalStatus({ stream }: { stream: TerminalStream }) {
  const state = useStore(stream.store);
  if (state.status === 'error') {
    return (
      <div className="terminal-status" data-testid="terminal-status" data-status="error">
        <ErrorMessage message={`Could not attach to the agent's terminal: ${state.error}`} testId="terminal-error" />
        <button type="button" className="button small" data-testid="terminal-retry" onClick={() => void stream.reattach()}>
          Try again
        </button>
      </div>
    );
  }
  return (
    <div className="terminal-status muted" data-testid="terminal-status" data-status={state.status}>
      {state.status === 'attaching' ? (
        <span aria-busy="true">Attaching…</span>
      ) : state.runId === null ? (
        <span>No agent has run in this session yet. Start one above; its output appears here.</span>
      ) : (
        <span>
          Run <span className="mono">{state.runId}</span>
          {state.truncated ? ' · earlier output dropped' : ''}
        </span>
      )}
      {state.inputError !== null ? (
        <span className="terminal-input-error" role="status" data-testid="terminal-input-error">
          {state.inputError}
        </span>
      ) : null}
    </div>
  );
}
