/**
 * Builds the app with the real electron.vite.config.ts (into a temp folder, so `out/` is left
 * alone) and checks what Electron would load: the preload runs sandboxed, where `require` knows
 * only 'electron', so the bundle is evaluated here with exactly that `require`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import type { PreloadApi } from '../../electron/preload/index';
import type { CouncilApi } from '../../renderer/src/env';
import { contentSecurityPolicy } from '../../electron/main/csp';
import { INVOKE_CHANNEL } from '../../shared/contract';

const repoRoot = join(import.meta.dirname, '..', '..');
let outDir = '';

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'council-build-'));
  const cli = join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  await promisify(execFile)(process.execPath, [cli, 'build', '--outDir', outDir, '--logLevel', 'error'], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
  });
}, 120_000);

afterAll(async () => {
  if (outDir !== '') await rm(outDir, { recursive: true, force: true });
});

interface Recorded {
  required: string[];
  exposed: { key: string; api: unknown }[];
  invoked: unknown[][];
  subscribed: { channel: string; listener: (...args: unknown[]) => void }[];
  removed: { channel: string; listener: unknown }[];
}

/** Runs the built preload as Electron's sandbox would: CommonJS, `require('electron')` only. */
async function loadPreload(): Promise<{ api: PreloadApi; recorded: Recorded }> {
  const code = await readFile(join(outDir, 'preload', 'index.cjs'), 'utf8');
  const recorded: Recorded = { required: [], exposed: [], invoked: [], subscribed: [], removed: [] };
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => recorded.exposed.push({ key, api }),
    },
    ipcRenderer: {
      invoke: (...args: unknown[]) => {
        recorded.invoked.push(args);
        return Promise.resolve({ ok: true, value: 'from main' });
      },
      on: (channel: string, listener: (...args: unknown[]) => void) => recorded.subscribed.push({ channel, listener }),
      removeListener: (channel: string, listener: unknown) => recorded.removed.push({ channel, listener }),
    },
  };
  const sandboxRequire = (name: string): unknown => {
    recorded.required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require('${name}')`);
  };
  const module = { exports: {} };
  const wrapper = runInThisContext(`(function (exports, require, module) {${code}\n})`, { filename: 'index.cjs' }) as (
    exports: unknown,
    require: (name: string) => unknown,
    module: unknown,
  ) => void;
  wrapper(module.exports, sandboxRequire, module);
  const [exposed] = recorded.exposed;
  if (exposed === undefined) throw new Error('the preload exposed nothing');
  return { api: exposed.api as PreloadApi, recorded };
}

describe('built preload', () => {
  it('is one CommonJS file that requires nothing but electron', async () => {
    expect(await readdir(join(outDir, 'preload'))).toEqual(['index.cjs']);
    const { recorded } = await loadPreload();
    expect(recorded.required).toEqual(['electron']);
  });

  it('exposes exactly window.api = { invoke, on }', async () => {
    const { api, recorded } = await loadPreload();
    expect(recorded.exposed.map((entry) => entry.key)).toEqual(['api']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
  });

  it('sends contract commands on the invoke channel as { command, input }', async () => {
    const { api, recorded } = await loadPreload();
    await api.invoke('app.info', {});
    expect(recorded.invoked).toEqual([[INVOKE_CHANNEL, { command: 'app.info', input: {} }]]);
  });

  it('refuses command names outside the contract without sending anything', async () => {
    const { api, recorded } = await loadPreload();
    const loose = api as unknown as { invoke(command: string, input: unknown): Promise<unknown> };
    await expect(loose.invoke('fs.readFile', { path: '/etc/passwd' })).resolves.toEqual({
      ok: false,
      error: { code: 'invalid-input', message: 'unknown command "fs.readFile"' },
    });
    await expect(loose.invoke('toString', {})).resolves.toMatchObject({ ok: false });
    expect(recorded.invoked).toEqual([]);
  });

  it('subscribes to contract events, hands the listener only the payload, and unsubscribes', async () => {
    const { api, recorded } = await loadPreload();
    const listener = vi.fn();
    const unsubscribe = api.on('state.changed', listener);
    expect(recorded.subscribed.map((entry) => entry.channel)).toEqual(['council:event:state.changed']);

    const payload = { repo: '/r', kind: 'sessions' };
    recorded.subscribed[0]?.listener({ sender: 'the ipcRenderer event' }, payload);
    expect(listener.mock.calls).toEqual([[payload]]);

    unsubscribe();
    expect(recorded.removed).toEqual([
      { channel: 'council:event:state.changed', listener: recorded.subscribed[0]?.listener },
    ]);
  });

  it('refuses event names outside the contract without subscribing', async () => {
    const { api, recorded } = await loadPreload();
    const loose = api as unknown as { on(event: string, listener: () => void): () => void };
    expect(() => loose.on('council:invoke', () => {})).toThrow(/unknown event "council:invoke"/);
    expect(recorded.subscribed).toEqual([]);
  });

  it("has the renderer's declared window.api type (checked by tsc)", () => {
    expectTypeOf<PreloadApi>().toEqualTypeOf<CouncilApi>();
  });
});

describe('built renderer and main', () => {
  it('renderer/index.html carries the CSP from csp.ts, and loads scripts only from files', async () => {
    const html = await readFile(join(outDir, 'renderer', 'index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html);
    expect(meta?.[1]).toBe(contentSecurityPolicy({ delivery: 'meta' }));
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\.\/assets\//);
      expect(body?.trim()).toBe('');
    }
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
  });

  it('main is an ES module at the path package.json names', async () => {
    const packageJson = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { main: string };
    expect(packageJson.main).toBe('out/main/index.js');
    const main = await readFile(join(outDir, 'main', 'index.js'), 'utf8');
    expect(main).toMatch(/^import .* from "electron";$/m);
  });
});
