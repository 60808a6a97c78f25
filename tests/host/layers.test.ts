/**
 * eslint.config.js's layer rule for the browser host: the core and shared/ (and the one written-once
 * CSP in electron/main/csp.ts), never Electron, the renderer, the rest of main, preload or the CLI.
 */
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: join(import.meta.dirname, '..', '..') });

async function refusedImports(filePath: string, sources: string[]): Promise<string[]> {
  const code = sources.map((source, index) => `import * as m${index} from '${source}';`).join('\n') + `\nexport const all = [${sources.map((_, i) => `m${i}`).join(', ')}];\n`;
  const [result] = await eslint.lintText(code, { filePath });
  if (result === undefined) throw new Error('eslint returned no result');
  const fatal = result.messages.filter((message) => message.fatal);
  if (fatal.length > 0) throw new Error(fatal.map((message) => message.message).join('\n'));
  return result.messages
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => /'([^']+)' import/.exec(message.message)?.[1] ?? message.message);
}

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
