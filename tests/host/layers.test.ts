/**
 * eslint.config.js's layer rule for the browser host: the core and shared/ (and the one written-once
 * CSP in electron/main/csp.ts), never Electron, the renderer, the rest of main, preload or the CLI.
 */
import { describe, expect, it } from 'vitest';

import { eslint, importsOf, refusedImports as refused } from '../helpers/eslint-layers';

const refusedImports = (filePath: string, sources: string[]): Promise<string[]> => refused(filePath, importsOf(sources));


describe('electron/host layer', () => {
  it('may import the core, shared/, Node, npm packages and main/csp', async () => {
    const allowed = ['../core/app/app-core', '../../shared/contract', 'node:http', 'ws', '../main/csp', './guard'];
    expect(await refusedImports('electron/host/server.ts', allowed)).toEqual([]);
  });

  it('may not import Electron, the renderer, the rest of main, preload or the CLI', async () => {
    const banned = ['electron', '../../renderer/src/App', '../main/app', '../main/csp-extra', '../main/ipc', '../preload/index', '../cli/main'];
    expect(await refusedImports('electron/host/server.ts', banned)).toEqual(banned);
  });

  it('the live host sources obey it', async () => {
    const results = await eslint.lintFiles(['electron/host/**/*.ts']);
    expect(results.length).toBeGreaterThan(3);
    expect(results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line} ${m.ruleId}: ${m.message}`))).toEqual([]);
  });
});
