/**
 * eslint.config.js enforces ARCHITECTURE.md's layer table. Each case lints a one-line file placed
 * in a layer's folder (the file need not exist) and checks which imports are refused.
 */
import { describe, expect, it } from 'vitest';

import { eslint, importsOf, refusedImports } from '../helpers/eslint-layers';

describe('layer rules', () => {
  it('shared/ may import zod/mini and shared/, nothing else', async () => {
    expect(await refusedImports('shared/example.ts', importsOf(['zod/mini', './models', './nested/thing']))).toEqual([]);
    // (the classic zod beside zod/mini broke the CLI bundle: `council mcp` failed as it loaded)
    const banned = ['zod', 'electron', 'node:fs', 'fs', 'react', 'simple-git', '../electron/core/git', '../renderer/src/App'];
    expect(await refusedImports('shared/example.ts', importsOf(banned))).toEqual(banned);
  });

  it('electron/core may import node and shared/, not electron, the renderer, main, preload or the CLI', async () => {
    const allowed = ['node:fs', 'chokidar', '../../shared/contract', './main-loop'];
    expect(await refusedImports('electron/core/git/run.ts', importsOf(allowed))).toEqual([]);
    const banned = ['electron', 'zod', '../../../renderer/src/App', '../../main/app', '../../preload/index', '../../cli/program'];
    expect(await refusedImports('electron/core/git/run.ts', importsOf(banned))).toEqual(banned);
  });

  it('electron/cli may import the core, not electron, the renderer, main or preload', async () => {
    expect(await refusedImports('electron/cli/program.ts', importsOf(['../core/registry', 'commander']))).toEqual([]);
    const banned = ['electron/main', '../../renderer/src/App', '../main/dispatch', '../preload/index'];
    expect(await refusedImports('electron/cli/program.ts', importsOf(banned))).toEqual(banned);
  });

  it('electron/main may import electron and the core, not the renderer or ipcRenderer', async () => {
    const allowedCode = "import { app } from 'electron';\nimport { x } from '../core/x';\nexport const all = [app, x];\n";
    expect(await refusedImports('electron/main/example.ts', allowedCode)).toEqual([]);
    const bannedCode =
      "import { ipcRenderer } from 'electron';\nimport { App } from '../../renderer/src/App';\nexport const all = [ipcRenderer, App];\n";
    expect(await refusedImports('electron/main/example.ts', bannedCode)).toEqual(['ipcRenderer', '../../renderer/src/App']);
  });

  it('electron/preload may use ipcRenderer, not the renderer', async () => {
    const code = "import { ipcRenderer } from 'electron';\nimport { App } from '../../renderer/src/App';\nexport const all = [ipcRenderer, App];\n";
    expect(await refusedImports('electron/preload/index.ts', code)).toEqual(['../../renderer/src/App']);
  });

  it('renderer/ may import React and shared/, not electron, Node built-ins or anything under electron/', async () => {
    expect(await refusedImports('renderer/src/features/x.tsx', importsOf(['react', '../../../shared/contract', './local']))).toEqual([]);
    const banned = ['electron', 'node:path', 'fs', 'child_process', 'os', '../../../electron/core/git', '../../../electron/main/dispatch'];
    expect(await refusedImports('renderer/src/features/x.tsx', importsOf(banned))).toEqual(banned);
  });

  it('reaching ipcRenderer through a namespace is refused outside the preload', async () => {
    const [result] = await eslint.lintText(
      "import electron from 'electron';\nexport const leak = electron.ipcRenderer;\n",
      { filePath: 'electron/main/example.ts' },
    );
    expect(result?.messages.map((message) => message.ruleId)).toContain('no-restricted-syntax');
  });
});
