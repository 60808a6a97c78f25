import type { ITheme } from '@xterm/xterm';
import type { Theme } from '../../app/theme';

/** The terminal's colours for the app's dark and light themes (the app's surfaces, readable ANSI colours). */
const DARK: ITheme = {
  background: '#0b0d11',
  foreground: '#e6e8eb',
  cursor: '#8fb6ff',
  cursorAccent: '#0b0d11',
  selectionBackground: '#2b4a7a',
  black: '#1f232c',
  red: '#ff7b7b',
  green: '#5fd38d',
  yellow: '#e8cd5a',
  blue: '#7aa7ff',
  magenta: '#d49cff',
  cyan: '#5fd3d3',
  white: '#c9ced6',
  brightBlack: '#6b7482',
  brightRed: '#ff9e9e',
  brightGreen: '#86e3aa',
  brightYellow: '#f2dc86',
  brightBlue: '#a3c2ff',
  brightMagenta: '#e2bcff',
  brightCyan: '#8ae6e6',
  brightWhite: '#ffffff',
};

const LIGHT: ITheme = {
  background: '#ffffff',
  foreground: '#1b1f24',
  cursor: '#2f66d0',
  cursorAccent: '#ffffff',
  selectionBackground: '#b3d7ff',
  black: '#1b1f24',
  red: '#c0262d',
  green: '#1d7f45',
  yellow: '#8a6a00',
  blue: '#2458c2',
  magenta: '#8b3fb8',
  cyan: '#11727a',
  white: '#8a929c',
  brightBlack: '#5a6470',
  brightRed: '#d9424a',
  brightGreen: '#2a9a58',
  brightYellow: '#a98300',
  brightBlue: '#2f66d0',
  brightMagenta: '#a355d1',
  brightCyan: '#168c95',
  brightWhite: '#b7bec8',
};

export function terminalTheme(theme: Theme): ITheme {
  return theme === 'dark' ? DARK : LIGHT;
}

/**
 * How far xterm adjusts a text colour that is too close to its background. Agents draw for a dark
 * terminal by default (Claude Code's "dark" theme: light pastel highlights), which on the light
 * theme's white is nearly invisible; 4.5:1 (WCAG AA for text) darkens just those. The dark theme
 * shows the agent's colours as drawn (1: no adjustment).
 */
export function minimumContrastRatio(theme: Theme): number {
  return theme === 'light' ? 4.5 : 1;
}

/** The app's monospace stack (the --mono variable), for xterm, which needs it as a string. */
export function monoFont(doc: Document = document): string {
  const value = getComputedStyle(doc.documentElement).getPropertyValue('--mono').trim();
  return value === '' ? 'ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace' : value;
}
