import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectProgram } from '../../electron/core/agents/presets/detect';
import { tempDir } from '../helpers/repo';

/**
 * An agent CLI's `--version` is asked once per program file (the new-session dialog lists every
 * preset each time it opens, and a Node-based CLI takes a second or more to answer): a changed
 * file is asked again, and a failure is never remembered.
 */

function fakeCli(dir: string, version: string, exit = 0): { file: string; runs: () => number } {
  const file = path.join(dir, 'fake-cli');
  const log = path.join(dir, 'runs.log');
  writeFileSync(file, `#!/bin/sh\necho run >> '${log}'\necho "fake-cli ${version}"\nexit ${exit}\n`);
  chmodSync(file, 0o755);
  return { file, runs: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
}

const spec = { label: 'Fake CLI', id: 'fake', binary: 'fake-cli', install: 'nothing to install' };

describe('agent version detection', () => {
  it('asks a program its version once, and again when the program file changes', async () => {
    const dir = tempDir();
    const cli = fakeCli(dir, '1.2.3');
    const options = { env: { PATH: dir }, override: {} };
    expect(await detectProgram(spec, options)).toEqual({ path: cli.file, version: '1.2.3', problem: null });
    expect(await detectProgram(spec, options)).toEqual({ path: cli.file, version: '1.2.3', problem: null });
    expect(cli.runs()).toBe(1);

    fakeCli(dir, '1.2.40');
    expect(await detectProgram(spec, options)).toMatchObject({ version: '1.2.40', problem: null });
    expect(cli.runs()).toBe(2);
  });

  it('asks again after a failure', async () => {
    const dir = tempDir();
    const cli = fakeCli(dir, '0.1.0', 3);
    const options = { env: { PATH: dir }, override: {} };
    expect((await detectProgram(spec, options)).problem).toMatch(/--version` failed with exit 3/);
    expect((await detectProgram(spec, options)).problem).toMatch(/--version` failed with exit 3/);
    expect(cli.runs()).toBe(2);
  });
});
