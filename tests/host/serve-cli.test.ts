/**
 * `council serve` as users run it: a real process from bin/council.cjs on the real renderer build,
 * stopped with a signal.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COUNCIL_BIN, REPO_ROOT } from '../helpers/cli';
import { makeRepo, tempDir } from '../helpers/repo';
import { envWithoutAgents, startServe } from '../e2e/browser';
import { ensureRendererBuild } from './renderer-build';

beforeAll(async () => {
  await ensureRendererBuild();
}, 300_000);

interface Serving {
  child: ChildProcessWithoutNullStreams;
  /** The first line printed on stdout. */
  firstLine: Promise<string>;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function serve(args: string[], bin = COUNCIL_BIN): Serving {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { cwd: tempDir('council-serve-cwd-'), env: process.env });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve(stdout.slice(0, stdout.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`council serve exited (${code}) before printing a line:\n${stderr}`)));
  });
  // Tests that expect a failure never read the line: that rejection is not an error of its own.
  firstLine.catch(() => undefined);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, firstLine, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Waits for the exit, failing the test (not hanging it) if the process does not stop. */
async function exited(serving: Serving, ms = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => {
      serving.child.kill('SIGKILL');
      reject(new Error(`council serve did not exit within ${ms} ms:\n${serving.stderr()}`));
    }, ms).unref(),
  );
  return Promise.race([serving.exit, timeout]);
}

const packageVersion = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('council serve', () => {
  it('prints the URL, serves the built app and its commands there, and stops cleanly on SIGTERM', async () => {
    const serving = serve(['--port', '0', '--no-open']);
    const line = await serving.firstLine;
    const match = /^CLI Council is serving on (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43}))$/.exec(line);
    expect(match, line).not.toBeNull();
    const [, url = '', port = '', token = ''] = match ?? [];

    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    // The page's own bundle, as the browser will fetch it (no token needed for assets).
    const script = /<script type="module" crossorigin src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const bundle = await fetch(`http://127.0.0.1:${port}/${script}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await bundle.text()).length).toBeGreaterThan(1000);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(401);

    const info = await fetch(`http://127.0.0.1:${port}/api/invoke`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ command: 'app.info', input: {} }),
    });
    expect(await info.json()).toEqual({ ok: true, value: { version: packageVersion, platform: process.platform, host: 'browser' } });

    serving.child.kill('SIGTERM');
    expect(await exited(serving)).toEqual({ code: 0, signal: null });
    await expect(fetch(url)).rejects.toThrow();
  });

  it('--json prints one line, {"ok":true,"value":{url,port,repo,open}}, and Ctrl+C (SIGINT) stops it with 0', async () => {
    const serving = serve(['--json', '--no-open']);
    const result = JSON.parse(await serving.firstLine) as { ok: boolean; value: { url: string; port: number } };
    // Started outside any repository (a temp folder): no repository to open, the address is the plain one.
    expect(result).toEqual({ ok: true, value: { url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/), port: expect.any(Number), repo: null, open: result.value.url } });
    expect(new URL(result.value.url).port).toBe(String(result.value.port));
    expect((await fetch(result.value.url)).status).toBe(200);
    serving.child.kill('SIGINT');
    expect(await exited(serving)).toEqual({ code: 0, signal: null });
    expect(serving.stdout()).toBe(`${JSON.stringify(result)}\n`);
  });

  it('serves a real repository to the page, like the window would', async () => {
    const repo = makeRepo();
    const serving = serve(['--no-open']);
    const url = new URL(/on (\S+)$/.exec(await serving.firstLine)?.[1] ?? '');
    const call = async (command: string, input: unknown) =>
      (await (
        await fetch(new URL('/api/invoke', url), {
          method: 'POST',
          headers: { Authorization: `Bearer ${url.searchParams.get('token')}` },
          body: JSON.stringify({ command, input }),
        })
      ).json()) as { ok: boolean; value: unknown };
    expect(await call('repo.open', { path: repo.root })).toMatchObject({ ok: true, value: { name: 'demo', branch: 'main' } });
    // Remembered in ~/.council, the browser host's user data.
    expect(await call('repo.recent', {})).toMatchObject({ ok: true, value: [{ name: 'demo' }] });
    expect(existsSync(path.join(process.env['HOME'] ?? '', '.council', 'recent-repos.json'))).toBe(true);
    serving.child.kill('SIGTERM');
    expect((await exited(serving)).code).toBe(0);
  });

  it('warns loudly when told to listen beyond this machine', async () => {
    const serving = serve(['--host', '0.0.0.0', '--no-open']);
    const url = /on (\S+)$/.exec(await serving.firstLine)?.[1] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    expect(serving.stderr()).toContain('WARNING: listening on 0.0.0.0');
    expect(serving.stderr()).toContain('can control your repositories');
    expect((await fetch(url)).status).toBe(200);
    serving.child.kill('SIGTERM');
    expect((await exited(serving)).code).toBe(0);
  });

  it('refuses a bad --port, and a port already in use, with exit 2', async () => {
    const bad = serve(['--port', 'eighty', '--no-open']);
    expect((await exited(bad)).code).toBe(2);
    expect(bad.stderr()).toContain('--port must be a number');

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    const busy = serve(['--port', String(taken), '--no-open']);
    expect((await exited(busy)).code).toBe(2);
    expect(busy.stderr()).toContain(`port ${taken} is already in use`);
    blocker.close();
  });

  it('says to build the app first when the renderer build is missing (exit 1)', async () => {
    // An installed copy of the CLI with no out/renderer beside it.
    const root = tempDir('council-nobuild-');
    mkdirSync(path.join(root, 'bin'));
    mkdirSync(path.join(root, 'out', 'cli'), { recursive: true });
    copyFileSync(COUNCIL_BIN, path.join(root, 'bin', 'council.cjs'));
    copyFileSync(path.join(REPO_ROOT, 'out', 'cli', 'council.cjs'), path.join(root, 'out', 'cli', 'council.cjs'));
    writeFileSync(path.join(root, 'package.json'), '{"version":"1.2.3"}');
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
    const serving = serve(['--no-open'], path.join(root, 'bin', 'council.cjs'));
    expect((await exited(serving)).code).toBe(1);
    expect(serving.stderr()).toContain('build the app first: npm run build');
    expect(serving.stdout()).toBe('');
  });
});

describe('council serve and the agents installed with the app', () => {
  it("started from a shell without node_modules/.bin on PATH, finds them in the app's own node_modules/.bin", async () => {
    const repo = makeRepo();
    // A plain shell's PATH (no node_modules/.bin), and nothing else said about where agents are.
    const env = { ...envWithoutAgents() };
    delete env.COUNCIL_APP_BIN;
    const host = await startServe(env, tempDir('council-serve-cwd-'));
    try {
      const url = new URL(host.url);
      const response = await fetch(`${url.origin}/api/invoke`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${url.searchParams.get('token') ?? ''}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ command: 'agents.list', input: { repo: repo.root } }),
      });
      const result = (await response.json()) as { ok: boolean; value: { id: string; available: boolean; path: string | null; problem: string | null }[] };
      const bin = path.join(REPO_ROOT, 'node_modules', '.bin');
      const found = Object.fromEntries(result.value.map((p) => [p.id, p]));
      for (const id of ['claude', 'codex', 'gemini', 'opencode']) expect(found[id]?.path, JSON.stringify(found[id])).toBe(path.join(bin, id));
      // (Gemini CLI can take longer than the 5 s detection allows to print its version on a busy
      // machine; found is what this is about.)
      for (const id of ['claude', 'codex']) expect(found[id], id).toMatchObject({ available: true, problem: null });
    } finally {
      await host.close();
    }
  }, 60_000);
});

describe('the other commands stay light', () => {
  it('`council lock who` does not load the browser host (no http, no WebSocket code evaluated)', () => {
    const repo = makeRepo();
    const hook = path.join(tempDir('council-hook-'), 'record-builtins.cjs');
    writeFileSync(
      hook,
      [
        "const Module = require('node:module');",
        'const load = Module._load;',
        'const seen = new Set();',
        'Module._load = function (request, ...rest) { seen.add(request); return load.call(this, request, ...rest); };',
        "process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify([...seen]) + '\\n'));",
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, ['--require', hook, COUNCIL_BIN, 'lock', 'who', 'README.md'], { cwd: repo.root, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('README.md is not locked');
    const loaded = JSON.parse(/LOADED (.*)/.exec(run.stderr)?.[1] ?? '[]') as string[];
    // The hook saw the bundle load its dependencies…
    expect(loaded).toContain('node:fs');
    // …and none of the host's.
    expect(loaded.filter((name) => /^(node:)?(http|https|net|zlib|tls)$/.test(name))).toEqual([]);
  });
});
