/**
 * Issue 6, item 2 at full count: 8 processes × 1,000 random acquire / release / release-all on 20
 * paths with random SIGKILLs (tests/helpers/lock-soak.ts). Prints a table and exits 1 on any
 * violation, any orphaned mutex reclaimed later than 5 s, or anything wedged or left behind.
 *
 *   npx tsx scripts/reliability/lock-soak.ts [--procs 8] [--ops 1000] [--kills 40]
 *       [--pause-ms 2] [--kill-gap-ms 50-500] [--keep]
 *
 * Each flag can also come from the environment: LOCK_SOAK_PROCS, LOCK_SOAK_OPS, LOCK_SOAK_KILLS,
 * LOCK_SOAK_PAUSE_MS, LOCK_SOAK_KILL_GAP_MS. --keep leaves the temp repository for inspection.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { REPO_ROOT } from '../../tests/helpers/cli';
import { isolateGitEnvironment } from '../../tests/helpers/git-env';
import { runLockSoak } from '../../tests/helpers/lock-soak';
import { soakFailures, soakTable } from '../../tests/helpers/lock-soak-report';
import { stopWorkers, workerPath } from '../../tests/helpers/workers';

function options() {
  const { values } = parseArgs({
    options: {
      procs: { type: 'string', default: process.env.LOCK_SOAK_PROCS ?? '8' },
      ops: { type: 'string', default: process.env.LOCK_SOAK_OPS ?? '1000' },
      kills: { type: 'string', default: process.env.LOCK_SOAK_KILLS ?? '40' },
      'pause-ms': { type: 'string', default: process.env.LOCK_SOAK_PAUSE_MS ?? '2' },
      'kill-gap-ms': { type: 'string', default: process.env.LOCK_SOAK_KILL_GAP_MS ?? '50-500' },
      keep: { type: 'boolean', default: false },
    },
  });
  const int = (name: string, text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number ≥ 0, not "${text}"`);
    return n;
  };
  const gap = values['kill-gap-ms'].split('-').map((t) => int('kill-gap-ms', t));
  if (gap.length !== 2 || (gap[0] ?? 0) > (gap[1] ?? 0)) throw new Error(`--kill-gap-ms must be MIN-MAX, not "${values['kill-gap-ms']}"`);
  return {
    procs: int('procs', values.procs),
    ops: int('ops', values.ops),
    kills: int('kills', values.kills),
    maxPauseMs: int('pause-ms', values['pause-ms']),
    killGapMs: [gap[0] ?? 0, gap[1] ?? 0] as const,
    keep: values.keep,
  };
}

/** The worker as the test suite builds it (tests/global-setup.ts), without building everything else. */
async function bundleWorker(): Promise<void> {
  await build({
    entryPoints: [path.join(REPO_ROOT, 'tests', 'workers', 'lock-soak.ts')],
    outfile: workerPath('lock-soak'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
}

async function main(): Promise<number> {
  const opts = options();
  const home = isolateGitEnvironment();
  await bundleWorker();
  const t0 = Date.now();
  const log = (line: string): void => void process.stderr.write(`[soak ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);
  const report = await runLockSoak({ ...opts, log });
  process.stdout.write(`\n${soakTable(report)}\n`);
  const failures = soakFailures(report);
  if (opts.keep) log(`kept: repository ${report.dirs.repo}, witnesses ${report.dirs.witness}, HOME ${home}`);
  else for (const dir of [path.dirname(report.dirs.repo), report.dirs.witness, home]) rmSync(dir, { recursive: true, force: true });
  if (failures.length === 0) {
    process.stdout.write('PASS: no two owners at once, every orphaned mutex reclaimed within 5 s, nothing wedged or left behind\n');
    return 0;
  }
  process.stdout.write(`FAIL (${failures.length}):\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
  return 1;
}

main().then(
  async (code) => {
    await stopWorkers();
    process.exit(code);
  },
  async (err: unknown) => {
    await stopWorkers();
    process.stderr.write(`lock soak failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
