import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectProgram } from '../../electron/core/agents/presets/detect';
import { versionCacheFile } from '../../electron/core/agents/presets/version-cache';
import type { AgentPresetInfo } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { council, councilJson } from '../helpers/cli';
import { makeRepo, tempDir } from '../helpers/repo';

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

describe('versions kept across runs', () => {
  it('a version answered is not asked again by the next process (`council agents`), until the program file changes; a failure is asked each time', async () => {
    const repo = makeRepo();
    const dir = tempDir();
    const cli = fakeCli(dir, '4.5.6');
    expect(council(['settings', 'set', 'agents.claude.path', cli.file], { cwd: repo.root }).code).toBe(0);
    const claude = () => {
      const listed = councilJson<AgentPresetInfo[]>(['agents'], { cwd: repo.root });
      if (!listed.result.ok) throw new Error(listed.result.error.message);
      return listed.result.value.find((p) => p.id === 'claude');
    };
    expect(claude()).toMatchObject({ path: cli.file, version: '4.5.6', available: true });
    expect(claude()).toMatchObject({ version: '4.5.6', available: true });
    // Two processes, one run of the program (the build before: one in each).
    expect(cli.runs()).toBe(1);
    const cache = JSON.parse(readFileSync(versionCacheFile(), 'utf8')) as { programs: Record<string, { version: string | null }> };
    expect(Object.entries(cache.programs).filter(([k]) => k.startsWith(`${cli.file}\0`)).map(([, v]) => v.version)).toEqual(['4.5.6']);
    // Upgraded: asked again.
    fakeCli(dir, '4.5.70');
    expect(claude()).toMatchObject({ version: '4.5.70' });
    expect(cli.runs()).toBe(2);
    // Failing: asked again by each process, never kept.
    const failing = fakeCli(tempDir(), '0.0.1', 2);
    expect(council(['settings', 'set', 'agents.claude.path', failing.file], { cwd: repo.root }).code).toBe(0);
    expect(claude()).toMatchObject({ available: false, problem: expect.stringContaining('failed with exit 2') });
    expect(claude()).toMatchObject({ available: false });
    expect(failing.runs()).toBe(2);
  }, 60_000);
});

describe('an agent CLI slow to say its version (a machine busy running agents)', () => {
  function slowCli(dir: string, seconds: number): string {
    const file = path.join(dir, 'slow-cli');
    writeFileSync(file, `#!/bin/sh\n/bin/sleep ${seconds}\necho "slow-cli 9.9.9"\n`);
    chmodSync(file, 0o755);
    return file;
  }

  it('is found and can start, its version unknown, with a warning — never "missing"', async () => {
    const dir = tempDir();
    const file = slowCli(dir, 3);
    const started = Date.now();
    const found = await detectProgram({ ...spec, binary: 'slow-cli', versionTimeoutMs: 300 }, { env: { PATH: dir }, override: {} });
    expect(found).toEqual({ path: file, version: null, problem: null, warning: expect.stringContaining('did not answer within 0.3 s, so its version is not known') });
    // The shell and the sleep it started are killed together: the answer does not wait out the sleep.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('`council agents` says "no answer" beside its path, and a session for it is created', async () => {
    const repo = makeRepo();
    const file = slowCli(tempDir(), 8);
    expect(council(['settings', 'set', 'agents.claude.path', file], { cwd: repo.root }).code).toBe(0);
    const listed = councilJson<AgentPresetInfo[]>(['agents'], { cwd: repo.root });
    if (!listed.result.ok) throw new Error(listed.result.error.message);
    expect(listed.result.value.find((p) => p.id === 'claude')).toMatchObject({ path: file, version: null, available: true, problem: null, warning: expect.stringContaining('did not answer within 5 s') });
    const table = council(['agents'], { cwd: repo.root });
    expect(table.stdout).toMatch(new RegExp(`^claude +no answer +enforced +yes +${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    expect(table.stdout).not.toMatch(/^claude +missing/m);
    const made = councilJson<Session[]>(['session', 'create', '--task', 'slow machine', '--agent', 'claude', '--no-start'], { cwd: repo.root });
    expect(made.result.ok && made.result.value[0]?.agent).toBe('claude');
  }, 60_000);
});
