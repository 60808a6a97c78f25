import { useState } from 'react';
import { api, onReconnect } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStore } from '../../lib/create-store';
import { createShellStream, type ShellStream } from './shell-stream';
import { useXterm } from './use-xterm';

/**
 * A plain shell in the session's worktree (the user's $SHELL, with the session's environment),
 * separate from the agent's terminal: started on its first showing, then kept (hidden on other
 * tabs) until the view closes; the shell itself lives on in the app until it exits, is stopped,
 * the session is removed, or the app quits.
 */
export function ShellTab({ repo, sessionId, active }: { repo: string; sessionId: string; active: boolean }) {
  const [stream, setStream] = useState<ShellStream | null>(null);
  const host = useXterm(JSON.stringify([repo, sessionId]), active, 'tab-shell', ({ sink, measured }) => {
    const controller = createShellStream(repo, sessionId, {
      invoke: (command, input) => api.invoke(command, input),
      sink,
      setTimeout: (callback, ms) => window.setTimeout(callback, ms),
      clearTimeout: (handle) => window.clearTimeout(handle as number),
      size: measured,
    });
    const offOutput = api.on('shell.output', controller.handleOutput);
    const offExit = api.on('shell.exited', controller.handleExit);
    const offReconnect = onReconnect(() => void controller.reattach());
    return {
      input: controller.input,
      resize: controller.resize,
      start: () => {
        void controller.open();
        setStream(controller);
      },
      stop: () => {
        offOutput();
        offExit();
        offReconnect();
        controller.stop();
      },
    };
  });

  return (
    <div className="terminal-tab">
      {stream !== null ? <ShellStatus stream={stream} /> : null}
      <div className="terminal-host" ref={host} data-testid="shell-terminal" aria-label="Shell in the worktree" />
      <p className="field-help terminal-help">A shell of your own in this session&apos;s worktree, apart from the agent. Keys go to the shell. F6 leaves it.</p>
    </div>
  );
}

function ShellStatus({ stream }: { stream: ShellStream }) {
  const state = useStore(stream.store);
  if (state.status === 'error') {
    return (
      <div className="terminal-status" data-testid="shell-status" data-status="error">
        <ErrorMessage message={`Could not start the shell: ${state.error}`} testId="shell-error" />
        <button type="button" className="button small" data-testid="shell-retry" onClick={() => void stream.restart()}>
          Try again
        </button>
      </div>
    );
  }
  return (
    <div className="terminal-status muted" data-testid="shell-status" data-status={state.status}>
      {state.status === 'starting' ? (
        <span aria-busy="true">Starting the shell…</span>
      ) : state.status === 'exited' ? (
        <>
          <span>The shell has ended.</span>
          <button type="button" className="button small" data-testid="shell-restart" onClick={() => void stream.restart()}>
            New shell
          </button>
        </>
      ) : (
        <>
          <span>
            <span className="mono">{state.shell?.program}</span> in <span className="mono">{state.shell?.cwd}</span>
          </span>
          <button type="button" className="button small ghost" data-testid="shell-stop" onClick={() => void stream.kill()}>
            End shell
          </button>
        </>
      )}
    </div>
  );
}
