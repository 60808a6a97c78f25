import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Council } from '../../electron/core/council';
import type { Session } from '../../shared/models';
import { FAKE_AGENT } from '../agents/fake-agents';
import { councilJson } from '../helpers/cli';
import { makeRepo, tempDir, type TestRepo } from '../helpers/repo';
import { browserUnavailable, openApp, openRepo, screenshot, type Harness } from './browser';

/**
 * Issue 12, item 9: the terminal tab under the page's strict CSP (`style-src 'self'`), in real
 * Chromium: opening it reports no CSP violation in the console.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the terminal browser tests: ${unavailable}\n`);

describe.skipIf(unavailable !== null)('the terminal tab', () => {
  let app: Harness;
  let repo: TestRepo;
  const console: string[] = [];

  beforeAll(async () => {
    repo = makeRepo({ 'README.md': '# demo\n' });
    // The claude preset's program: the fake agent, printing the terminal size it starts with, then
    // again once the terminal view's size surely reached it.
    const program = path.join(tempDir('council-fake-agent-'), 'fake-claude');
    const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
    writeFileSync(program, ['#!/bin/sh', 'if [ "$1" = "--version" ]; then echo "0.0.1-fake"; exit 0; fi', `exec ${quote(process.execPath)} ${quote(FAKE_AGENT)} "$@"`, ''].join('\n'));
    chmodSync(program, 0o755);
    const script = [
      // Claude Code's dark-theme highlight (a pale lavender, 24-bit), as it draws it whatever the terminal's theme.
      { print: '\u001b[38;2;177;185;249mHighlighted option\u001b[0m\n' },
      { printSize: true },
      { sleep: 1500 },
      { printSize: true },
      { waitForInput: 'press Enter to end\n' },
    ];
    await Council.open(repo.root).ws.updateSettings({ agents: { claude: { path: program, env: { FAKE_AGENT_SCRIPT: JSON.stringify(script) } } } });
    app = await openApp();
    app.page.on('console', (message: ConsoleMessage) => console.push(`${message.type()}: ${message.text()}`));
    await openRepo(app.page, repo.root);
  });

  afterAll(async () => {
    await app?.close();
  });

  const cspErrors = () => console.filter((line) => /Content Security Policy|violates/i.test(line));

  it('opens, in both themes, with no CSP violation in the console', async () => {
    const created = councilJson<Session[]>(['session', 'create', '--task', 'Look around', '--no-start'], { cwd: repo.root });
    if (!created.result.ok) throw new Error(created.result.error.message);
    const session = created.result.value[0] as Session;
    const { page } = app;
    await page.getByTestId(`session-open-${session.id}`).click();
    await page.getByTestId('tab-terminal').click();
    await page.locator('[data-testid="terminal"] .xterm-rows').waitFor();
    await page.getByTestId('terminal-status').waitFor();
    await page.waitForTimeout(500);
    expect(cspErrors()).toEqual([]);
    // xterm's own styles (its theme's colours, kept in the <style> elements it creates) still apply.
    const rows = page.locator('[data-testid="terminal"] .xterm-rows');
    expect(await rows.evaluate((el) => [getComputedStyle(el).fontSize, getComputedStyle(el).pointerEvents, getComputedStyle(el).whiteSpace])).toEqual(['13px', 'none', 'pre']);
    // The rule xterm writes for its rows' colour, as the page applies it (its adopted sheets).
    const rowsRule = () =>
      page.evaluate(() =>
        document.adoptedStyleSheets
          .flatMap((sheet) => [...sheet.cssRules].map((rule) => rule.cssText))
          .filter((text) => /\.xterm-rows \{/.test(text) && text.includes('pointer-events'))
          .join('\n'),
      );
    expect(await rowsRule()).toContain('color: rgb(27, 31, 36)'); // the light theme's foreground

    // Theme change and a resize rewrite xterm's styles.
    await page.getByTestId('theme-toggle').click();
    await page.setViewportSize({ width: 1000, height: 700 });
    await expect.poll(rowsRule).toContain('color: rgb(230, 232, 235)'); // the dark theme's
    // Another tab and back, then the board and back (the terminal is built again).
    await page.getByTestId('tab-diff').click();
    await page.getByTestId('tab-terminal').click();
    await page.getByTestId('nav-board').click();
    await page.getByTestId(`session-open-${session.id}`).click();
    await page.getByTestId('tab-terminal').click();
    await page.locator('[data-testid="terminal"] .xterm-rows').waitFor();
    await page.waitForTimeout(500);
    expect(cspErrors()).toEqual([]);
  });

  it('an interactive run started from the view draws its first output for the terminal on screen (not a default size), and its dark-theme highlight stays readable in the light theme', async () => {
    const created = councilJson<Session[]>(['session', 'create', '--task', 'Draw a menu', '--agent', 'claude', '--no-start'], { cwd: repo.root });
    if (!created.result.ok) throw new Error(created.result.error.message);
    const session = created.result.value[0] as Session;
    const { page } = app;
    await page.getByTestId('nav-board').click();
    await page.getByTestId(`session-open-${session.id}`).click();
    await page.getByTestId('tab-terminal').click();
    await page.locator('[data-testid="terminal"] .xterm-rows').waitFor();
    await page.getByTestId('run-start').click();
    await expect.poll(() => terminalText(page), { timeout: 20_000 }).toContain('press Enter to end');
    const sizes = [...(await terminalText(page)).matchAll(/size (\d+x\d+)/g)].map((match) => match[1]);
    expect(sizes).toHaveLength(2);
    // The first size is the one the terminal kept (the second, printed after any resize had arrived).
    expect(sizes[0]).toBe(sizes[1]);
    expect(sizes[0]).not.toBe('120x32');
    await screenshot(page, 'terminal-first-size');

    // In the light theme the highlight stays readable: at least 4.5:1 against the terminal's white.
    if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== 'light') await page.getByTestId('theme-toggle').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    const highlight = page.locator('[data-testid="terminal"] .xterm-rows span', { hasText: 'Highlighted option' });
    await expect.poll(() => highlight.evaluate((el) => getComputedStyle(el).color).then(contrastWithWhite), { timeout: 5_000 }).toBeGreaterThanOrEqual(4.5);
    await screenshot(page, 'terminal-light-highlight');
    expect(cspErrors()).toEqual([]);
    await page.locator('[data-testid="terminal"] .xterm-helper-textarea').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('run-state').getAttribute('data-state'), { timeout: 20_000 }).toBe('done');
  });
});

/** The contrast ratio (WCAG) of an `rgb(…)` colour against white. */
function contrastWithWhite(css: string): number {
  const [r = 0, g = 0, b = 0] = (css.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  const channel = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  return 1.05 / (luminance + 0.05);
}

/** What the terminal shows (xterm.js renders its screen into DOM rows), one line per row. */
async function terminalText(page: Page): Promise<string> {
  const rows = await page.locator('[data-testid="terminal"] .xterm-rows > div').allTextContents();
  return rows.map((row) => row.replace(/\u00a0/g, ' ').trimEnd()).join('\n');
}
