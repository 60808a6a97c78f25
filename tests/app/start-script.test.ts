/**
 * scripts/start.mjs (`npm start`): finding Electron's binary without requiring the electron package
 * (which would start an unbounded download), and passing the app's exit status through. npm and
 * Electron are replaced by small executables through the variables the script honours
 * (npm_execpath, ELECTRON_OVERRIDE_DIST_PATH); POSIX only (shebang scripts).
 */
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureRendererBuild } from '../host/renderer-build';

const repoRoot = join(import.meta.dirname, '..', '..');
const startScript = join(repoRoot, 'scripts', 'start.mjs');

interface StartModule {
  electronBinaryPath(packageDir: string, env?: Record<string, string | undefined>): string | null;
}
const start = (await import(pathToFileURL(startScript).href)) as StartModule;

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'council-start-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('electronBinaryPath', () => {
  it('is null before the binary was downloaded', () => {
    expect(start.electronBinaryPath(dir, {})).toBeNull();
  });

  it('is null when path.txt names a file that is not there', async () => {
    await writeFile(join(dir, 'path.txt'), 'electron');
    expect(start.electronBinaryPath(dir, {})).toBeNull();
  });

  it('is dist/<path.txt> once downloaded', async () => {
    await writeFile(join(dir, 'path.txt'), 'electron');
    await mkdir(join(dir, 'dist'));
    await writeFile(join(dir, 'dist', 'electron'), '');
    expect(start.electronBinaryPath(dir, {})).toBe(join(dir, 'dist', 'electron'));
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like the electron package does', async () => {
    const override = join(dir, 'elsewhere');
    await mkdir(override);
    await writeFile(join(override, 'electron'), '');
    expect(start.electronBinaryPath(dir, { ELECTRON_OVERRIDE_DIST_PATH: override })).toBe(join(override, 'electron'));
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runStart(env: Record<string, string>, args: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [startScript, ...args],
      { cwd: repoRoot, env: { PATH: process.env['PATH'] ?? '', HOME: dir, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

/** A stand-in npm (run through node, like npm-cli.js) that records its arguments and exits. */
async function fakeNpm(exitCode: number): Promise<string> {
  const script = join(dir, 'npm-cli.js');
  await writeFile(
    script,
    `require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'npm-args.json'))}, JSON.stringify(process.argv.slice(2)));\nprocess.exit(${exitCode});\n`,
  );
  return script;
}

/** A stand-in Electron executable that records its arguments and exits with `exitCode`. */
async function fakeElectron(exitCode: number): Promise<string> {
  const distDir = join(dir, 'electron-dist');
  await mkdir(distDir);
  const binary = join(distDir, 'electron');
  await writeFile(
    binary,
    `#!${process.execPath}\nrequire('node:fs').writeFileSync(${JSON.stringify(join(dir, 'electron-args.json'))}, JSON.stringify(process.argv.slice(2)));\nprocess.exit(${exitCode});\n`,
  );
  await chmod(binary, 0o755);
  return distDir;
}

describe('npm start', () => {
  it('builds, launches Electron on the app and passes its exit status and arguments through', async () => {
    const npm = await fakeNpm(0);
    const distDir = await fakeElectron(7);
    const run = await runStart({ npm_execpath: npm, ELECTRON_OVERRIDE_DIST_PATH: distDir }, ['--no-sandbox']);
    expect(JSON.parse(await readFile(join(dir, 'npm-args.json'), 'utf8'))).toEqual(['run', 'build']);
    expect(JSON.parse(await readFile(join(dir, 'electron-args.json'), 'utf8'))).toEqual(['.', '--no-sandbox']);
    expect(run.code).toBe(7);
  });

  it('stops with the build status when the build fails, without launching Electron', async () => {
    const npm = await fakeNpm(3);
    const distDir = await fakeElectron(0);
    const run = await runStart({ npm_execpath: npm, ELECTRON_OVERRIDE_DIST_PATH: distDir });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('The build failed');
    await expect(readFile(join(dir, 'electron-args.json'), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});

describe('npm start where Electron cannot run', () => {
  // The browser host serves the real renderer build (`npm run build` makes it; the fake npm here does not).
  beforeAll(async () => {
    await ensureRendererBuild();
  }, 300_000);

  /** No Electron binary, and a download that fails at once (a mirror nobody listens on). */
  async function noElectronEnv(): Promise<Record<string, string>> {
    const emptyDist = join(dir, 'no-electron');
    await mkdir(emptyDist);
    return {
      PATH: process.env['PATH'] ?? '',
      HOME: dir,
      npm_execpath: await fakeNpm(0),
      ELECTRON_OVERRIDE_DIST_PATH: emptyDist,
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
    };
  }

  it('says why, serves the same app in the browser instead, and stops with 0 on Ctrl+C', async () => {
    // --no-sandbox is meant for Electron: it must not trip up the browser host.
    const child = spawn(process.execPath, [startScript, '--port', '0', '--no-open', '--no-sandbox'], { cwd: repoRoot, env: await noElectronEnv() });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /CLI Council is serving on (\S+)\n/.exec(stdout);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`npm start exited (${code}) without serving:\n${stdout}\n${stderr}`)));
    });

    expect(stderr).toContain("CLI Council's desktop window cannot start here: the download failed");
    expect(stderr).toContain('served to your browser instead');
    expect(stderr).toContain('Ctrl+C stops it');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root"></div>');

    child.kill('SIGINT');
    expect(await exit).toBe(0);
  });

  it('passes on the failure when the browser host cannot start either', async () => {
    const run = await runStart(await noElectronEnv(), ['--port', 'eighty']);
    expect(run.stderr).toContain('--port must be a number');
    expect(run.code).toBe(2);
  });
});
