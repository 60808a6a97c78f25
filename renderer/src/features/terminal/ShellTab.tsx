import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { api, onReconnect } from '../../api';
import { useTheme } from '../../app/theme';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStore } from '../../lib/create-store';
import { inlineStyles, pagePolicy } from '../../lib/csp';
import { applyScriptedStylesViaCssom } from '../../lib/style-mirror';
import { createShellStream, type ShellStream } from './shell-stream';
import { minimumContrastRatio, monoFont, terminalTheme } from './terminal-theme';
import { createTruecolorDownsampler } from './truecolor';
import { SCROLLBACK_LINES } from './TerminalTab';

/**
 * A plain shell in the session's worktree (the user's $SHELL, with the session's environment),
 * separate from the agent's terminal: started on its first showing, then kept (hidden on other
 * tabs) until the view closes; the shell itself lives on in the app until it exits, is stopped,
 * the session is removed, or the app quits.
 */
export function ShellTab({ repo, sessionId, active }: { repo: string; sessionId: string; active: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const terminal = useRef<Terminal | null>(null);
  const fitRef = useRef<(() => void) | null>(null);
  const [stream, setStream] = useState<ShellStream | null>(null);
  const theme = useTheme();
  const themeRef = useRef(theme);
  themeRef.current = theme;

  useEffect(() => {
    const container = host.current;
    if (container === null) return;
    const allowed = inlineStyles(pagePolicy());
    const cssom = allowed.elements && allowed.attributes ? null : applyScriptedStylesViaCssom();
    const term = new Terminal({
      scrollback: SCROLLBACK_LINES,
      fontFamily: monoFont(),
      fontSize: 13,
      cursorBlink: true,
      theme: terminalTheme(themeRef.current),
      minimumContrastRatio: minimumContrastRatio(themeRef.current),
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(container);
    terminal.current = term;
    const downsampler = allowed.attributes || cssom !== null ? null : createTruecolorDownsampler();
    const measured = () => (container.clientWidth === 0 || fit.proposeDimensions() === undefined ? null : { cols: term.cols, rows: term.rows });

    const controller = createShellStream(repo, sessionId, {
      invoke: (command, input) => api.invoke(command, input),
      sink: {
        reset: () => {
          term.reset();
          downsampler?.reset();
        },
        write: (data) => term.write(downsampler ? downsampler.push(data) : data),
        note: (text) => term.write(`\r\n\x1b[2m${text}\x1b[0m\r\n`),
      },
      setTimeout: (callback, ms) => window.setTimeout(callback, ms),
      clearTimeout: (handle) => window.clearTimeout(handle as number),
      size: measured,
    });
    // F6 leaves the shell (every other key belongs to it).
    term.attachCustomKeyEventHandler((event) => {
      if (event.key !== 'F6' || event.type !== 'keydown') return true;
      event.preventDefault();
      document.getElementById('tab-shell')?.focus();
      return false;
    });
    const typed = term.onData((data) => controller.input(data));
    const refit = () => {
      if (container.clientWidth === 0 || container.clientHeight === 0 || fit.proposeDimensions() === undefined) return;
      fit.fit();
      controller.resize(term.cols, term.rows);
    };
    fitRef.current = refit;
    const observer = new ResizeObserver(() => refit());
    observer.observe(container);
    const offOutput = api.on('shell.output', controller.handleOutput);
    const offExit = api.on('shell.exited', controller.handleExit);
    const offReconnect = onReconnect(() => void controller.reattach());
    refit();
    void controller.open();
    setStream(controller);

    return () => {
      observer.disconnect();
      typed.dispose();
      offOutput();
      offExit();
      offReconnect();
      controller.stop();
      fitRef.current = null;
      terminal.current = null;
      term.dispose();
      cssom?.();
    };
  }, [repo, sessionId]);

  useEffect(() => {
    if (terminal.current === null) return;
    terminal.current.options.theme = terminalTheme(theme);
    terminal.current.options.minimumContrastRatio = minimumContrastRatio(theme);
  }, [theme]);

  useEffect(() => {
    if (!active) return;
    fitRef.current?.();
    terminal.current?.focus();
  }, [active]);

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
