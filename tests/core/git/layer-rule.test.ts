/**
 * One git layer: eslint.config.js lets only electron/core/git/ (and these tests) import the git
 * runner; everything else calls the named verbs in electron/core/git/.
 */
import { describe, expect, it } from 'vitest';
import { importsOf, refusedImports } from '../../helpers/eslint-layers';

describe('only electron/core/git/ imports the git runner', () => {
  it('refuses git/git from the rest of the core, the CLI, the host, main, tests and the bench', async () => {
    expect(await refusedImports('electron/core/sessions/example.ts', importsOf(['../git/git', '../git/git.ts']))).toEqual(['../git/git', '../git/git.ts']);
    expect(await refusedImports('electron/core/council-example.ts', importsOf(['./git/git']))).toEqual(['./git/git']);
    expect(await refusedImports('electron/cli/example.ts', importsOf(['../core/git/git']))).toEqual(['../core/git/git']);
    expect(await refusedImports('electron/host/example.ts', importsOf(['../core/git/git']))).toEqual(['../core/git/git']);
    expect(await refusedImports('electron/main/example.ts', importsOf(['../core/git/git']))).toEqual(['../core/git/git']);
    expect(await refusedImports('tests/core/example.test.ts', importsOf(['../../electron/core/git/git']))).toEqual(['../../electron/core/git/git']);
    expect(await refusedImports('bench/example.ts', importsOf(['../electron/core/git/git']))).toEqual(['../electron/core/git/git']);
  });

  it('allows the named verbs everywhere, and the runner inside electron/core/git/', async () => {
    expect(await refusedImports('electron/core/sessions/example.ts', importsOf(['../git/worktree', '../git/refs', '../git/parse']))).toEqual([]);
    expect(await refusedImports('electron/core/git/example.ts', importsOf(['./git', '../errors']))).toEqual([]);
    expect(await refusedImports('tests/core/git/example.test.ts', importsOf(['../../../electron/core/git/git']))).toEqual([]);
  });
});
