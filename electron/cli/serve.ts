import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { CouncilError, invalidInput } from '../core/errors';
import { discoverRepo } from '../core/git/repo';
import { repoStart } from './inputs';
import type { Output } from './output';
import type { Door } from './core-call';

/**
 * `council serve`: the app in a browser, for a machine where Electron's window cannot run (a
 * headless box, a container). The host module (HTTP server, WebSocket, the whole app core) is
 * imported only here, lazily: every other command, `lock acquire` before each agent edit above all,
 * must not pay for evaluating it.
 */

export interface ServeOptions {
  port: string;
  host?: string;
  open: boolean;
  /** --repo as given (undefined: none was). */
  repo?: string;
  /** --start-screen: the start screen, not the repository this folder is in (`npm start`, as the desktop app). */
  startScreen?: boolean;
}

/**
 * The repository the page opens on, as the desktop app started there would: --repo when given (it
 * must be one), else the one this folder is in (a session's worktree opens its repository), else
 * none (the start screen).
 */
export function repoToOpen(repoOption: string | undefined, cwd: string = process.cwd()): string | null {
  if (repoOption !== undefined) return discoverRepo(path.resolve(cwd, repoStart(repoOption))).mainRoot;
  try {
    return discoverRepo(cwd).mainRoot;
  } catch {
    return null;
  }
}

/** The page's address that opens `repo` on its board (the renderer's app/address.ts form). */
export const boardAddress = (url: string, repo: string | null): string => (repo === null ? url : `${url}#/board?repo=${encodeURIComponent(repo)}`);

/** Where the app's files are, seen from the running CLI bundle (out/cli/council.cjs). */
export interface AppFiles {
  rendererDir: string;
  packageJson: string;
}

export function appFiles(bundleDir: string = __dirname): AppFiles {
  return { rendererDir: path.join(bundleDir, '..', 'renderer'), packageJson: path.join(bundleDir, '..', '..', 'package.json') };
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw invalidInput(`--port must be a number from 0 to 65535 (0: any free port), not "${text}"`);
  return Number(text);
}

/**
 * The address to listen on. An empty one is refused: Node reads an empty host as "every
 * interface", so `--host ""` (or `--host "$HOST"` with HOST unset) would quietly expose the app to
 * the network instead of keeping it on 127.0.0.1.
 */
function parseHost(text: string | undefined): string | undefined {
  if (text !== undefined && !text.trim()) throw invalidInput('--host is empty: name the address to listen on, or leave --host out for 127.0.0.1');
  return text;
}

function readVersion(packageJson: string): string {
  try {
    const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Starts the host and runs until SIGINT or SIGTERM; then closes it and resolves. */
export async function serve(out: Output, options: ServeOptions, files: AppFiles = appFiles()): Promise<void> {
  const port = parsePort(options.port);
  const requestedHost = parseHost(options.host);
  const repo = options.startScreen && options.repo === undefined ? null : repoToOpen(options.repo);
  if (!existsSync(path.join(files.rendererDir, 'index.html'))) {
    throw new CouncilError('internal', `the app's web files are missing (${path.join(files.rendererDir, 'index.html')}): build the app first: npm run build`);
  }
  const { startHost, DEFAULT_HOST } = await import('../host/server');
  const { isLoopback } = await import('../host/guard');
  const host = requestedHost ?? DEFAULT_HOST;
  const userDataDir = path.join(os.homedir(), '.council');

  const running = await startHost({ port, host, rendererDir: files.rendererDir, userDataDir, version: readVersion(files.packageJson) }).catch(
    (error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw invalidInput(`port ${port} is already in use: pick another with --port (0: any free port)`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw invalidInput(`cannot listen on "${host}": not an address of this machine`);
      throw error;
    },
  );

  if (!isLoopback(host)) {
    process.stderr.write(
      [
        '',
        `WARNING: listening on ${host}, not only on this machine (127.0.0.1).`,
        'Anyone who can reach that address and has the URL below (its token) can control your repositories:',
        'create and remove sessions and worktrees, read every file. Use it only on a network you trust.',
        '',
      ].join('\n'),
    );
  }
  // `url` signs in; `open` signs in and opens the repository (the one given, or the one this folder is in).
  const openUrl = boardAddress(running.url, repo);
  if (out.json) process.stdout.write(`${JSON.stringify({ ok: true, value: { url: running.url, port: running.port, repo, open: openUrl } })}\n`);
  else {
    process.stdout.write(`CLI Council is serving on ${openUrl}\n`);
    process.stderr.write(`${repo === null ? '' : `It opens ${repo}. `}Open that address in a browser (the token in it is the key: do not share it). Ctrl+C stops the server.\n`);
  }
  const opened = options.open ? openBrowser(openUrl, userDataDir) : null;

  // The handlers stay until the process ends. `once` would not do: proper-lockfile's signal-exit
  // re-raises a signal when it finds itself the only listener left, killing the process mid-close.
  // Another signal more than a second into closing means "stop now"; one right after the first is
  // the same Ctrl+C delivered twice (to `npm start` and to us, and passed on by it).
  let stoppingSince: number | null = null;
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (received: NodeJS.Signals): void => {
      if (stoppingSince !== null) {
        if (Date.now() - stoppingSince > 1000) process.exit(1);
        return;
      }
      stoppingSince = Date.now();
      resolve(received);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  if (!out.json) process.stderr.write(`${signal === 'SIGINT' ? '\n' : ''}Stopping the server…\n`);
  await running.close();
  if (opened !== null) rmSync(opened, { force: true });
  // Should anything still hold the event loop open (a watcher being slow to let go), do not hang.
  setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
}

/**
 * Opens the page in the desktop's browser, when there is a desktop. The token is not put on a
 * command line (other users can read those): the browser gets a private file that redirects to it.
 * Returns that file (removed when the server stops), or null when no browser was started.
 */
function openBrowser(url: string, userDataDir: string): string | null {
  const headless = process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY'];
  if (headless) return null;
  try {
    mkdirSync(userDataDir, { recursive: true, mode: 0o700 });
    const file = path.join(userDataDir, 'open-in-browser.html');
    const escaped = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    writeFileSync(file, `<!doctype html><meta http-equiv="refresh" content="0;url=${escaped}"><a href="${escaped}">CLI Council</a>\n`, { mode: 0o600 });
    const [command, args] =
      process.platform === 'darwin' ? ['open', [file]] : process.platform === 'win32' ? ['explorer.exe', [file]] : ['xdg-open', [file]];
    const child = spawn(command as string, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return file;
  } catch {
    // Opening a browser is a convenience; the URL is printed either way.
    return null;
  }
}

export function serveCommand(program: Command, door: Door): void {
  program
    .command('serve')
    .description('serve the app in a browser on this machine (for where the desktop window cannot run); the page opens the repository this folder is in, or the one --repo names')
    .option('-p, --port <n>', 'port to listen on (0: any free port)', '0')
    .option('--host <address>', 'address to listen on; anything but 127.0.0.1 exposes your repositories to that network', undefined)
    .option('--no-open', 'do not open a browser')
    .option('--start-screen', 'open the start screen (recent repositories) even inside a repository, as the desktop app does')
    .action(
      door(async ({ out, repoOption }, opts) => {
        await serve(out, { ...(opts as ServeOptions), ...(repoOption !== undefined ? { repo: repoOption } : {}) });
      }),
    );
}
