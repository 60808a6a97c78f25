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
import { runsStore } from '../../app/stores/runs-store';
import { createTerminalStream, type TerminalStream } from './terminal-stream';
import { minimumContrastRatio, monoFont, terminalTheme } from './terminal-theme';
import { createTruecolorDownsampler } from './truecolor';

/** Lines kept above the screen; older ones are dropped (the server keeps the full log). */
export const SCROLLBACK_LINES = 5000;

/**
 * The session's agent in a terminal (xterm.js): attached while the session view is open (the
 * scrollback, then live output), keystrokes to the agent, its size following the panel.
 * Stays mounted while another tab shows, like the diff: switching back keeps the scroll position.
 */
export function TerminalTab({ repo, sessionId, active }: { repo: string; sessionId: string; active: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const terminal = useRef<Terminal | null>(null);
  const fitRef = useRef<(() => void) | null>(null);
  const [stream, setStream] = useState<TerminalStream | null>(null);
  const theme = useTheme();
  const themeRef = useRef(theme);
  themeRef.current = theme;

  useEffect(() => {
    const container = host.current;
    if (container === null) return;
    const allowed = inlineStyles(pagePolicy());
    // xterm writes <style> elements and style attributes from script: through the CSSOM they
    // apply under our policy (lib/style-mirror.ts).
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
    // Without the CSSOM route, 24-bit colours (style attributes) would be refused: palette colours instead.
    const downsampler = allowed.attributes || cssom !== null ? null : createTruecolorDownsampler();

    const controller = createTerminalStream(repo, sessionId, {
      invoke: (command, input) => api.invoke(command, input),
      sink: {
        reset: () => {
          term.reset();
          downsampler?.reset();
        },
        write: (data) => term.write(downsampler ? downsampler.push(data) : data),
        note: (text) => term.write(`\r\n\x1b[2m${text}\x1b[0m\r\n`),
        // A headless run has no terminal of its own: its output's bare newlines start new lines.
        runChanged: (runId, run) => {
          const known = run ?? (runId !== null ? runsStore.get().bySession.get(sessionId) : undefined);
          term.options.convertEol = known !== undefined && known.id === runId && known.mode === 'headless';
        },
      },
      setTimeout: (callback, ms) => window.setTimeout(callback, ms),
      clearTimeout: (handle) => window.clearTimeout(handle as number),
    });

    // F6 leaves the terminal (every other key, Tab and Escape included, belongs to the agent).
    term.attachCustomKeyEventHandler((event) => {
      if (event.key !== 'F6' || event.type !== 'keydown') return true;
      event.preventDefault();
      document.getElementById('tab-terminal')?.focus();
      return false;
    });
    const typed = term.onData((data) => controller.input(data));
    const refit = () => {
      // Hidden (another tab): nothing to measure; fitted again when shown.
      if (container.clientWidth === 0 || container.clientHeight === 0 || fit.proposeDimensions() === undefined) return;
      fit.fit();
      controller.resize(term.cols, term.rows);
    };
    fitRef.current = refit;
    const observer = new ResizeObserver(() => refit());
    observer.observe(container);
    const offOutput = api.on('agent.output', controller.handleOutput);
    const offReconnect = onReconnect(() => void controller.reattach());
    const offRuns = runsStore.subscribe(() => controller.noteRun(runsStore.get().bySession.get(sessionId)));
    refit();
    void controller.attach();
    setStream(controller);

    return () => {
      observer.disconnect();
      typed.dispose();
      offOutput();
      offReconnect();
      offRuns();
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
