import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHost, type RunningHost } from '../../electron/host/server';
import { REPO_ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/repo';

/** Debian's Chromium (scripts/test.mjs installs it); Playwright cannot download its own here. */
export const CHROMIUM = process.env.COUNCIL_CHROMIUM ?? '/usr/bin/chromium';
export const RENDERER_DIR = path.join(REPO_ROOT, 'out', 'renderer');
export const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots');

/** Whether the browser tests can run here; when not, they are skipped and say why, loudly. */
export function browserUnavailable(): string | null {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (npm test installs Debian's chromium; or set COUNCIL_CHROMIUM)`;
  if (!existsSync(path.join(RENDERER_DIR, 'index.html'))) return `no built renderer in ${RENDERER_DIR} (npm run build)`;
  return null;
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export interface Harness {
  browser: Browser;
  host: RunningHost;
  page: Page;
  close(): Promise<void>;
}

/** The real renderer in real Chromium, talking to the real core through the browser host. */
export async function openApp(options: { colorScheme?: 'dark' | 'light' } = {}): Promise<Harness> {
  const host = await startHost({ rendererDir: RENDERER_DIR, userDataDir: tempDir('council-userdata-'), version: '0.0.0-e2e' });
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: options.colorScheme ?? 'light' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(host.url);
  return {
    browser,
    host,
    page,
    async close() {
      await browser.close();
      await host.close();
      if (errors.length) throw new Error(`the page threw: ${errors.join('; ')}`);
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Opens a repository from the start screen by typing its path (the browser host has no picker). */
export async function openRepo(page: Page, root: string): Promise<void> {
  await page.getByTestId('repo-path-input').fill(root);
  await page.getByTestId('repo-open-button').click();
  await page.getByTestId('nav-board').waitFor();
}
