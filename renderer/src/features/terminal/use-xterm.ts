import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, type RefObject } from 'react';
import { useTheme } from '../../app/theme';
import { inlineStyles, pagePolicy } from '../../lib/csp';
import { applyScriptedStylesViaCssom } from '../../lib/style-mirror';
import { minimumContrastRatio, monoFont, terminalTheme } from './terminal-theme';
import type { TerminalSink } from './terminal-stream';
import { createTruecolorDownsampler } from './truecolor';

/** Lines kept above the screen; older ones are dropped (the server keeps the full log). */
export const SCROLLBACK_LINES = 5000;

/** The xterm screen as the streams see it. */
export interface XtermScreen {
  term: Terminal;
  sink: Pick<TerminalSink, 'reset' | 'write' | 'note'>;
  /** The screen's size, or null while it cannot be measured (hidden). */
  measured: () => { cols: number; rows: number } | null;
}

/** What a tab plugs into the screen: its keystrokes and sizes, started once it is fitted, ended on unmount. */
export interface XtermConnection {
  input(data: string): void;
  resize(cols: number, rows: number): void;
  start(): void;
  stop(): void;
}

/**
 * One xterm.js screen in a tab (the agent terminal, the plain shell): created for `key` (repo and
 * session) in the returned host element, themed (following the app's theme), fitted to the panel as
 * it resizes, fitted and focused again when the tab is shown, F6 moving focus to the `leaveTo` tab.
 * `connect` plugs the tab's stream in.
 */
export function useXterm(key: string, active: boolean, leaveTo: string, connect: (screen: XtermScreen) => XtermConnection): RefObject<HTMLDivElement | null> {
  const host = useRef<HTMLDivElement>(null);
  const terminal = useRef<Terminal | null>(null);
  const fitRef = useRef<(() => void) | null>(null);
  const theme = useTheme();
  const themeRef = useRef(theme);
  themeRef.current = theme;
  const connectRef = useRef(connect);
  connectRef.current = connect;

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

    const connection = connectRef.current({
      term,
      sink: {
        reset: () => {
          term.reset();
          downsampler?.reset();
        },
        write: (data) => term.write(downsampler ? downsampler.push(data) : data),
        note: (text) => term.write(`\r\n\x1b[2m${text}\x1b[0m\r\n`),
      },
      measured: () => (container.clientWidth === 0 || fit.proposeDimensions() === undefined ? null : { cols: term.cols, rows: term.rows }),
    });

    // F6 leaves the screen (every other key, Tab and Escape included, belongs to what runs in it).
    term.attachCustomKeyEventHandler((event) => {
      if (event.key !== 'F6' || event.type !== 'keydown') return true;
      event.preventDefault();
      document.getElementById(leaveTo)?.focus();
      return false;
    });
    const typed = term.onData((data) => connection.input(data));
    const refit = () => {
      // Hidden (another tab): nothing to measure; fitted again when shown.
      if (container.clientWidth === 0 || container.clientHeight === 0 || fit.proposeDimensions() === undefined) return;
      fit.fit();
      connection.resize(term.cols, term.rows);
    };
    fitRef.current = refit;
    const observer = new ResizeObserver(() => refit());
    observer.observe(container);
    refit();
    connection.start();

    return () => {
      observer.disconnect();
      typed.dispose();
      connection.stop();
      fitRef.current = null;
      terminal.current = null;
      term.dispose();
      cssom?.();
    };
  }, [key, leaveTo]);

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

  return host;
}
