import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Council } from '../../electron/core/council';
import { makeRepo, tempDir } from '../helpers/repo';
import { startWorker, stopWorkers } from '../helpers/workers';

/**
 * Layer 2 (ARCHITECTURE.md, "Tests, in layers"): mutual exclusion of file locks, checked from six
 * real OS processes. The checker does not trust the lock: a worker that believes it got path P
 * creates `<markers>/<sha1 of P>` with O_EXCL ('wx') and deletes it just before releasing P, so an
 * EEXIST there means two owners at the same moment, whatever the lock code thinks.
 */

const PATHS = ['README.md', 'src/a.ts', 'src/b.ts', 'src/c.ts', 'src/d.ts'];
const FILES = Object.fromEntries(PATHS.map((p) => [p, `// ${p}\n`]));

interface HammerRecord {
  sessionId: string;
  pid: number;
  ops: number;
  acquired: number;
  busy: number;
  violations: number;
  inconsistencies: number;
}

afterEach(stopWorkers);

/** Starts the hammer workers, releases them all at once, and returns each one's exit and record. */
async function hammer(repo: string, labels: string[], iterations: number, mode: 'lock' | 'no-lock') {
  const markers = tempDir('council-markers-');
  const workers = labels.map((label) => {
    const w = startWorker('lock-hammer', [repo, label, markers, String(iterations), PATHS.join(','), mode]);
    return w;
  });
  await Promise.all(workers.map((w) => w.waitFor('ready')));
  const started = Date.now();
  for (const w of workers) w.child.stdin?.write('go\n');
  const exits = await Promise.all(workers.map((w) => w.done));
  const elapsedMs = Date.now() - started;
  const runs = exits.map((exit) => {
    const resultLine = exit.stdout.split('\n').find((line) => line.startsWith('RESULT '));
    return {
      ...exit,
      record: resultLine ? (JSON.parse(resultLine.slice('RESULT '.length)) as HammerRecord) : null,
      reports: exit.stdout.split('\n').filter((line) => line.startsWith('violation') || line.startsWith('inconsistency')),
    };
  });
  return { runs, markers, elapsedMs };
}

describe('file locks: six processes hammering five paths', () => {
  it('never lets two sessions own the same path at the same moment', async () => {
    const repo = makeRepo(FILES);
    const council = Council.open(repo.root);
    const sessions = await council.createSessions({ task: 'hammer', count: 6 });
    const ids = sessions.map((s) => s.id);

    const { runs, markers, elapsedMs } = await hammer(repo.root, ids, 300, 'lock');

    for (const run of runs) expect(run.code, `worker exited ${run.code} (${run.signal}); stderr:\n${run.stderr}`).toBe(0);
    const records = runs.map((run) => run.record);
    expect(records.every((r) => r !== null), 'every worker printed its RESULT line').toBe(true);
    const done = records as HammerRecord[];
    expect(done.map((r) => r.sessionId).sort()).toEqual([...ids].sort());
    expect(done.map((r) => r.ops)).toEqual(ids.map(() => 300));

    // The checker's verdict: no two owners at once, and each worker's view agreed with the lock's.
    expect(runs.flatMap((run) => run.reports)).toEqual([]);
    expect(done.reduce((n, r) => n + r.violations, 0)).toBe(0);
    expect(done.reduce((n, r) => n + r.inconsistencies, 0)).toBe(0);

    // The run was a real contest, not six processes taking turns by luck.
    const acquired = done.reduce((n, r) => n + r.acquired, 0);
    const busy = done.reduce((n, r) => n + r.busy, 0);
    for (const r of done) expect(r.acquired, `session ${r.sessionId} never got a lock`).toBeGreaterThanOrEqual(1);
    expect(acquired).toBeGreaterThan(100);
    expect(busy).toBeGreaterThan(0);
    console.log(`hammer: 6 processes x 300 ops in ${elapsedMs} ms: ${acquired} acquisitions, ${busy} refusals (busy), 0 violations`);

    // Everyone let go of everything: no lock and no marker is left behind.
    expect(council.locks.list()).toEqual([]);
    expect(readdirSync(markers)).toEqual([]);
  });

  it('the checker does catch two owners at once (control run with the lock bypassed)', async () => {
    const repo = makeRepo(FILES);
    const { runs } = await hammer(repo.root, ['control1', 'control2', 'control3'], 300, 'no-lock');
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const violations = runs.reduce((n, run) => n + (run.record?.violations ?? 0), 0);
    expect(violations).toBeGreaterThan(0);
    expect(runs.flatMap((run) => run.reports).filter((line) => line.startsWith('violation'))).toHaveLength(violations);
  });
});
