import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { COUNCIL_BIN, REPO_ROOT } from '../helpers/cli';

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

/**
 * The environment of this test process without the project's node_modules/.bin on PATH (npx and
 * npm put it there), and with the app's own node_modules/.bin switched off (COUNCIL_APP_BIN empty;
 * a host looks there after PATH): a host started with it finds none of the agent CLIs that are
 * devDependencies, so nothing it does can start a real agent against the internet.
 */
export function envWithoutAgents(): Record<string, string> {
  const env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  env.PATH = pathWithoutNodeModules(env.PATH);
  env.COUNCIL_APP_BIN = '';
  return env;
}

/** A PATH without any node_modules/.bin folder on it (as in a shell outside npm). */
export function pathWithoutNodeModules(value: string | undefined): string {
  return (value ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '' && !dir.split(path.sep).includes('node_modules'))
    .join(path.delimiter);
}

/** A running `council serve`: its own OS process, as a user starts it. */
export interface ServeProcess {
  url: string;
  /** The address that also opens the repository it was started in (or was given): `url` when none. */
  open: string;
  /** That repository's root (null: none, the start screen). */
  repo: string | null;
  port: number;
  pid: number;
  /** What it wrote on stderr so far (for failure messages). */
  stderr(): string;
  /** SIGTERM, as Ctrl+C would; resolves once it has exited (SIGKILL if it has not within 15 s). */
  close(): Promise<void>;
}

/**
 * Starts `council --json serve --port PORT --no-open` (the built CLI, bin/council.cjs; any free port
 * unless `port` is given) with exactly `env` (its HOME decides ~/.council; its PATH and the
 * repository's settings decide which agents it finds) and waits for the URL it prints.
 */
export function startServe(env: Record<string, string>, cwd: string = REPO_ROOT, port = 0, globalArgs: string[] = []): Promise<ServeProcess> {
  const child: ChildProcess = spawn(process.execPath, [COUNCIL_BIN, '--json', ...globalArgs, 'serve', '--port', String(port), '--no-open'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`council serve printed no URL within 30 s.\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 30_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`council serve exited (${code ?? signal}) before printing its URL.\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line === undefined || !stdout.includes('\n')) return;
      clearTimeout(timer);
      const parsed = JSON.parse(line) as { ok: boolean; value?: { url: string; port: number; open?: string; repo?: string | null }; error?: { message: string } };
      if (!parsed.ok || !parsed.value) {
        reject(new Error(`council serve failed: ${parsed.error?.message ?? line}\n${stderr}`));
        return;
      }
      const { url, port, open = url, repo = null } = parsed.value;
      resolve({
        url,
        open,
        repo,
        port,
        pid: child.pid as number,
        stderr: () => stderr,
        async close() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}

export interface Harness {
  browser: Browser;
  host: ServeProcess;
  page: Page;
  close(): Promise<void>;
}

/**
 * The real renderer in real Chromium, talking to a real `council serve` process. `env` is the
 * host's whole environment (default: this process's, without the agent CLIs on PATH).
 */
export async function openApp(options: { colorScheme?: 'dark' | 'light'; env?: Record<string, string> } = {}): Promise<Harness> {
  const host = await startServe(options.env ?? envWithoutAgents());
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
