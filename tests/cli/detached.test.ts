import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, waitUntil } from '../agents/fake-agents';
import { tempDir } from '../helpers/repo';
import { workerPath } from '../helpers/workers';

/**
 * The one way the CLI starts a background worker (electron/cli/detached.ts: the merge queue runner
 * after `council merge`, the agent host after `council run`), from a real parent process that exits
 * at once: the worker outlives it, its output goes to its log file (or, without one, what it said
 * before failing comes back as the error), and a worker that stops at once is an error naming it.
 */

const started: number[] = [];

afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
});

/** Runs the parent to its end; returns what it printed. */
function parent(script: string, options: { log?: string; ready?: string; watchMs?: number } = {}): { pid?: number; error?: { code: string; message: string }; exit: number | null } {
  const run = spawnSync(process.execPath, [workerPath('start-detached'), script, options.log ?? '-', options.ready ?? '-', String(options.watchMs ?? 300)], { encoding: 'utf8', timeout: 30_000 });
  const answer = JSON.parse(run.stdout.trim()) as { pid?: number; error?: { code: string; message: string } };
  if (answer.pid) started.push(answer.pid);
  return { ...answer, exit: run.status };
}

const LIVES_ON = `console.log('out before'); console.error('err before'); setTimeout(() => console.log('after the parent'), 1500); setTimeout(() => {}, 60000);`;

describe('detached background workers', () => {
  it('outlive the process that started them; stdout and stderr go to the log file, appended', async () => {
    const log = path.join(tempDir('council-detached-'), 'worker.log');
    const first = parent(LIVES_ON, { log });
    expect(first.exit).toBe(0);
    expect(first.error).toBeUndefined();
    expect(isAlive(first.pid as number)).toBe(true);
    await waitUntil(() => existsSync(log) && readFileSync(log, 'utf8').includes('after the parent'), 'the worker to write after its parent ended', 10_000);
    expect(isAlive(first.pid as number)).toBe(true);
    expect(readFileSync(log, 'utf8')).toContain('out before');
    expect(readFileSync(log, 'utf8')).toContain('err before');
    // A second worker appends to the same log.
    expect(parent(`console.log('second worker'); setTimeout(() => {}, 60000);`, { log }).exit).toBe(0);
    await waitUntil(() => readFileSync(log, 'utf8').includes('second worker'), 'the second worker to append', 10_000);
    expect(readFileSync(log, 'utf8')).toContain('after the parent');
  });

  it('one that stops at once is an error with the end of its log', () => {
    const log = path.join(tempDir('council-detached-'), 'worker.log');
    const result = parent(`console.error('the queue file is corrupt'); process.exit(4);`, { log });
    expect(result.error).toEqual({ code: 'command-failed', message: 'the test worker stopped at once (exit 4):\nthe queue file is corrupt' });
  });

  it('without a log: waits until it is under way, then lets it run on; one that dies first is an error with what it said on stderr', async () => {
    const ready = path.join(tempDir('council-detached-'), 'ready');
    const ok = parent(`setTimeout(() => require('fs').writeFileSync(${JSON.stringify(ready)}, 'x'), 300); setTimeout(() => {}, 60000);`, { ready, watchMs: 10_000 });
    expect(ok.exit).toBe(0);
    expect(existsSync(ready)).toBe(true);
    expect(isAlive(ok.pid as number)).toBe(true);
    const failed = parent(`console.error('no such preset'); process.exit(2);`, { ready: `${ready}-never`, watchMs: 10_000 });
    expect(failed.error).toEqual({ code: 'command-failed', message: 'the test worker stopped at once (exit 2):\nno such preset' });
  });
});
