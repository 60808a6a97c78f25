import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { isAlive } from '../electron/core/agents/runner/process-tree';
import { REPO_ROOT } from './helpers/cli';

/** The prefix of a run's temp folder: `<tmp>/council-run-<pid of the vitest process>-XXXXXX`. */
const RUN_PREFIX = 'council-run-';

/**
 * Every temp folder a test makes (its HOME, repositories, worktrees, Chromium profiles, the agent
 * CLIs' caches under that HOME — Copilot unpacks 235 MB into each) goes under one folder for the
 * run, removed when the run ends: a suite that leaves its temp folders behind filled a 250 GB disk
 * over a few dozen runs, and the next run (CI's) failed on a full disk. Folders of earlier runs
 * whose vitest process is gone (killed, so no teardown) are removed here too; a run still going
 * keeps its own.
 */
export function runTempFolder(): () => void {
  const base = os.tmpdir();
  for (const name of readdirSync(base)) {
    const pid = name.startsWith(RUN_PREFIX) ? Number(name.slice(RUN_PREFIX.length).split('-')[0]) : NaN;
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    rmSync(path.join(base, name), { recursive: true, force: true, maxRetries: 3 });
  }
  const dir = mkdtempSync(path.join(base, `${RUN_PREFIX}${process.pid}-`));
  // Traversable like /tmp itself: the hosts tests' second user (council-remote) reaches its folders in here.
  chmodSync(dir, 0o755);
  // The test workers are forked after global setup and inherit this; os.tmpdir() reads it on each call.
  process.env.TMPDIR = dir;
  return () => {
    process.env.TMPDIR = base;
    if (process.env.COUNCIL_KEEP_TEST_TMP === '1') {
      console.log(`(test temp folders kept in ${dir}: COUNCIL_KEEP_TEST_TMP=1)`);
      return;
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
}

/** The run's temp folder, then the builds the tests run; its teardown removes the folder. */
export default async function setup(): Promise<() => void> {
  const removeTemp = runTempFolder();
  try {
    await buildForTests();
  } catch (error) {
    removeTemp(); // no teardown follows a setup that failed
    throw error;
  }
  return removeTemp;
}

/**
 * Builds, once per run, the CLI bundle (so CLI and cross-process tests run the same file users
 * run) and the cross-process test workers (plain Node programs on the real core).
 */
async function buildForTests(): Promise<void> {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build-cli.mjs'), '--quiet'], { stdio: 'inherit' });
  const workers = path.join(REPO_ROOT, 'tests', 'workers');
  const entries = readdirSync(workers).filter((f) => f.endsWith('.ts'));
  await build({
    entryPoints: entries.map((f) => path.join(workers, f)),
    outdir: path.join(REPO_ROOT, 'out', 'test-workers'),
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
}
