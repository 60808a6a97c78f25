import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { COUNCIL_BIN } from '../tests/helpers/cli';
import type { BenchConfig, SummaryRow } from './result';
import { summarize } from './stats';
import { formatMs, formatRatio, renderTable } from './table';

export const CLI_RATIO_TARGET = 1.5;

interface ProcessRun {
  ms: number;
  code: number | null;
  stderr: string;
}

/** Wall time of one whole process, from spawn to exit, as a hook that runs it would see. */
function runProcess(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): ProcessRun {
  const start = performance.now();
  const r = spawnSync(process.execPath, [...args], { cwd, env, encoding: 'utf8' });
  const ms = performance.now() - start;
  return { ms, code: r.status, stderr: r.stderr };
}

function mustSucceed(run: ProcessRun, what: string): number {
  if (run.code !== 0) throw new Error(`${what} exited with ${String(run.code)}: ${run.stderr}`);
  return run.ms;
}

/**
 * Measurement 3: `node bin/council.cjs lock acquire <path> --session <id>` as a whole process
 * against `node -e 0` (the floor for any Node program), interleaved. Each acquire is followed by a
 * `council lock release` process (timed separately, for information). V8's compile cache goes to a
 * fresh folder of this run, so the first CLI run is a cold one; it is reported and then discarded.
 */
export function measureLockCli(cfg: BenchConfig, repoRoot: string, sessionId: string, relPath: string, counts: { warmup: number; iterations: number }): SummaryRow[] {
  const cacheDir = path.join(cfg.tmp, 'v8-compile-cache');
  mkdirSync(cacheDir, { recursive: true });
  const env = { ...process.env, V8_COMPILE_CACHE_CACHE_DIR: cacheDir };
  const acquire = (): number => mustSucceed(runProcess([COUNCIL_BIN, 'lock', 'acquire', relPath, '--session', sessionId], repoRoot, env), 'council lock acquire');
  const release = (): number => mustSucceed(runProcess([COUNCIL_BIN, 'lock', 'release', relPath, '--session', sessionId], repoRoot, env), 'council lock release');
  const bare = (): number => mustSucceed(runProcess(['-e', '0'], repoRoot, env), 'node -e 0');

  const coldAcquire = acquire();
  release();
  for (let i = 0; i < counts.warmup; i++) {
    acquire();
    release();
    bare();
  }
  const acquireMs: number[] = [];
  const releaseMs: number[] = [];
  const bareMs: number[] = [];
  for (let i = 0; i < counts.iterations; i++) {
    acquireMs.push(acquire());
    releaseMs.push(release());
    bareMs.push(bare());
  }
  const a = summarize(acquireMs);
  const r = summarize(releaseMs);
  const b = summarize(bareMs);
  const ratio = a.p50 / b.p50;
  const releaseRatio = r.p50 / b.p50;
  const row = (name: string, s: ReturnType<typeof summarize>): (string | number)[] => [name, s.n, formatMs(s.p50), formatMs(s.p95), formatMs(s.min), formatMs(s.max)];
  cfg.print(
    renderTable(
      '3. council lock acquire as a whole process vs node -e 0',
      ['process', 'n', 'p50', 'p95', 'min', 'max'],
      [
        ['council lock acquire, first run (cold V8 compile cache)', 1, formatMs(coldAcquire), '', '', ''],
        row('council lock acquire (warm compile cache)', a),
        row('node -e 0', b),
        row('council lock release (info, not in the ratio)', r),
        ['ratio of medians acquire / node -e 0', '', formatRatio(ratio), '', '', ''],
      ],
      [
        `interleaved acquire, release, node -e 0; the first CLI run fills V8's compile cache (v8-compile-cache on Node 20, in a fresh folder of this run) and is discarded with ${counts.warmup} more warm-up rounds`,
      ],
    ),
  );
  return [
    {
      measurement: 'CLI `council lock acquire` process',
      ours: `p50 ${formatMs(a.p50)}`,
      baseline: `node -e 0 p50 ${formatMs(b.p50)}`,
      value: formatRatio(ratio),
      target: `≤ ${formatRatio(CLI_RATIO_TARGET)}`,
      pass: ratio <= CLI_RATIO_TARGET,
    },
    {
      measurement: 'CLI `council lock release` process',
      ours: `p50 ${formatMs(r.p50)}`,
      baseline: `node -e 0 p50 ${formatMs(b.p50)}`,
      value: formatRatio(releaseRatio),
      target: '-',
      pass: null,
    },
  ];
}
