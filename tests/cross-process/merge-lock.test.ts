import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Council } from '../../electron/core/council';
import { CouncilError } from '../../electron/core/errors';
import { makeRepo, tempDir } from '../helpers/repo';
import { startWorker, stopWorkers, type RunningWorker } from '../helpers/workers';

/** Layer 2: one merge at a time per repository, across OS processes. */

afterEach(stopWorkers);

function start(args: string[]): RunningWorker {
  const w = startWorker('merge-step', args);
  return w;
}

describe('the merge lock across processes', () => {
  it('runs three processes’ merges one after the other, never interleaved', async () => {
    const repo = makeRepo();
    const log = path.join(tempDir('council-merge-log-'), 'merges.log');
    writeFileSync(log, '');
    const workers = [1, 2, 3].map(() => start([repo.root, log, '20000', 'step']));
    await Promise.all(workers.map((w) => w.waitFor('ready')));
    for (const w of workers) w.child.stdin?.write('go\n');
    const exits = await Promise.all(workers.map((w) => w.done));
    for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);

    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(6);
    const pids: number[] = [];
    for (let i = 0; i < lines.length; i += 2) {
      const pid = Number(/^start (\d+)$/.exec(lines[i] ?? '')?.[1]);
      expect(lines[i]).toBe(`start ${pid}`);
      expect(lines[i + 1], `the merge of ${pid} ran alone until its end`).toBe(`end ${pid}`);
      pids.push(pid);
    }
    expect(pids.sort()).toEqual(workers.map((w) => w.child.pid).sort());
  });

  it('refuses a second merge at once with lock-busy, naming the holder’s pid', async () => {
    const repo = makeRepo();
    const holder = start([repo.root, path.join(tempDir('council-merge-log-'), 'unused.log'), '0', 'hold']);
    await holder.waitFor('holding');
    const council = Council.open(repo.root);
    let ran = false;
    const attempt = council.withMergeLock(
      async () => {
        ran = true;
      },
      { timeoutMs: 0 },
    );
    await expect(attempt).rejects.toBeInstanceOf(CouncilError);
    const err = (await attempt.catch((e: unknown) => e)) as CouncilError;
    expect(err.code).toBe('lock-busy');
    expect(err.message).toContain(`process ${holder.child.pid}`);
    expect(err.details).toMatchObject({ pid: holder.child.pid });
    expect(ran).toBe(false);

    // Once the holder is done, the next merge goes through.
    holder.child.stdin?.write('done\n');
    expect((await holder.done).code).toBe(0);
    await expect(council.withMergeLock(async () => 'merged', { timeoutMs: 0 })).resolves.toBe('merged');
  });
});
