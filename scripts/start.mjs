#!/usr/bin/env node
// `npm start`: build everything, make sure Electron's binary is here, then run the app.
//
// Electron's npm package fetches its binary lazily (node_modules/electron/install.js writes
// dist/ and path.txt). Build machines for this project often cannot reach the download, so a
// missing binary is an expected situation with a plain explanation, not a stack trace.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const DOWNLOAD_TIMEOUT_MS = 60_000;

/** The folder of the installed `electron` package, or null when it is not installed. */
export function electronPackageDir(fromDir = repoRoot) {
  try {
    const require = createRequire(join(fromDir, 'package.json'));
    return dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/**
 * Where Electron's executable is, or null if it has not been downloaded. Mirrors
 * node_modules/electron/index.js without requiring it: requiring it starts a download with no
 * time limit.
 */
export function electronBinaryPath(packageDir, env = process.env) {
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!override && relative === '') return null;
  const binary = override ? join(override, relative || 'electron') : join(packageDir, 'dist', relative);
  return existsSync(binary) ? binary : null;
}

/** Runs a command (argument array, no shell) with inherited stdio; resolves to its exit status. */
function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', cwd: repoRoot, ...options });
    child.on('error', (error) => {
      console.error(`Could not start ${command}: ${error.message}`);
      resolve({ status: 1, signal: null });
    });
    child.on('close', (status, signal) => resolve({ status, signal }));
  });
}

/**
 * `npm run <script>` without a shell: through the npm that started us (`npm start` sets
 * npm_execpath), else the npm installed beside this Node, else `npm` on the PATH (not on Windows,
 * where npm is a .cmd file that only a shell can run).
 */
function runNpmScript(script) {
  const nodeDir = dirname(process.execPath);
  const candidates = [
    process.env.npm_execpath,
    join(nodeDir, 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    join(nodeDir, '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ];
  const npmCli = candidates.find((path) => path && /\.c?js$/.test(path) && existsSync(path));
  if (npmCli) return run(process.execPath, [npmCli, 'run', script]);
  if (process.platform === 'win32') {
    console.error('Could not find npm; run this through `npm start`.');
    return Promise.resolve({ status: 1, signal: null });
  }
  return run('npm', ['run', script]);
}

/** Runs Electron's own install.js with a time limit; resolves to null on success, else why not. */
function downloadElectron(packageDir) {
  const version = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
  console.log(
    `Downloading Electron's binary (Electron ${version} for ${process.platform}-${process.arch}); ` +
      `giving up after ${DOWNLOAD_TIMEOUT_MS / 1000} s…`,
  );
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(packageDir, 'install.js')], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: DOWNLOAD_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    // install.js reports failure as a stack trace; keep its first line for the explanation.
    let output = '';
    const collect = (chunk) => {
      if (output.length < 64_000) output += chunk;
    };
    child.stdout.setEncoding('utf8').on('data', collect);
    child.stderr.setEncoding('utf8').on('data', collect);
    child.on('error', (error) => resolve(`the download could not start (${error.message})`));
    child.on('close', (status, signal) => {
      const firstLine = output.split('\n').find((line) => line.trim() !== '')?.trim();
      if (signal !== null) resolve(`the download did not finish within ${DOWNLOAD_TIMEOUT_MS / 1000} s`);
      else if (status !== 0) resolve(`the download failed${firstLine ? ` (${firstLine})` : ''}`);
      else if (electronBinaryPath(packageDir) === null) resolve('the download finished but no Electron executable appeared');
      else resolve(null);
    });
  });
}

/** Switches meant for Electron's Chromium (see the note in main()); the browser host has no use for them. */
const ELECTRON_ONLY_ARGS = new Set(['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']);

/** The `council serve` command line for the arguments `npm start -- …` was given. */
export function serveArgs(args) {
  // --start-screen: as the desktop window, the start screen, not this checkout's own repository.
  return [join(repoRoot, 'bin', 'council.cjs'), 'serve', '--start-screen', ...args.filter((arg) => !ELECTRON_ONLY_ARGS.has(arg))];
}

/**
 * What `npm start` does when Electron cannot run here: the browser host (`council serve`), the same
 * build and the same core, served on 127.0.0.1. Runs until it is stopped (Ctrl+C) and exits with its
 * status: 0 after a clean stop, non-zero when it could not start.
 */
export function startWithoutElectron(reason, args = process.argv.slice(2)) {
  console.error(
    [
      '',
      `CLI Council's desktop window cannot start here: ${reason}.`,
      '',
      'So the same app is being served to your browser instead: open the address printed below.',
      'By default only this machine can reach it, and the token in it is the key: do not share it.',
      'Ctrl+C stops it.',
      '',
      'To get the desktop window: on a machine with internet access run `node node_modules/electron/install.js`,',
      'or point ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron of the same version.',
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, serveArgs(args), { stdio: 'inherit', cwd: repoRoot });
  // Ctrl+C in a terminal reaches both processes; a signal sent to this one alone is passed on.
  // Either way the server stops cleanly and its exit status becomes ours.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  return new Promise(() => {
    child.on('error', (error) => {
      console.error(`Could not start the browser host: ${error.message}`);
      process.exit(1);
    });
    child.on('close', (status, signal) => process.exit(status ?? (signal ? 1 : 0)));
  });
}

async function main() {
  const build = await runNpmScript('build');
  if (build.status !== 0) {
    console.error('The build failed; not starting the app.');
    process.exit(build.status ?? 1);
  }

  const packageDir = electronPackageDir();
  if (packageDir === null) return startWithoutElectron('the electron package is not installed (run npm install)');

  let binary = electronBinaryPath(packageDir);
  if (binary === null) {
    const failure = await downloadElectron(packageDir);
    if (failure !== null) return startWithoutElectron(failure);
    binary = electronBinaryPath(packageDir);
    if (binary === null) return startWithoutElectron('no Electron executable after the download');
  }

  // Extra arguments go to Electron, e.g. `npm start -- --no-sandbox` where Chromium's sandbox is
  // unavailable (running as root, some containers).
  const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit', cwd: repoRoot });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('error', (error) => startWithoutElectron(`Electron would not start (${error.message})`));
  child.on('close', (status, signal) => process.exit(status ?? (signal ? 1 : 0)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
