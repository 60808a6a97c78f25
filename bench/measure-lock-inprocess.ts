import path from 'node:path';
import type { Council } from '../electron/core/council';
import type { BenchConfig, SummaryRow } from './result';
import { summarize, type Summary } from './stats';
import { formatMs, renderTable } from './table';

export const LOCK_P50_TARGET_MS = 0.5;
export const LOCK_P99_TARGET_MS = 2;

/** Times `iterations` acquire+release pairs by one session, cycling over `paths` (absolute). */
export async function lockRoundTrips(council: Council, sessionId: string, paths: readonly string[], iterations: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const p = paths[i % paths.length] as string;
    const start = performance.now();
    await council.locks.acquire(p, sessionId);
    await council.locks.release(p, sessionId);
    samples.push(performance.now() - start);
  }
  return samples;
}

/** Measurement 2: in-process `locks.acquire` + `locks.release`, one session, a few paths. */
export async function measureLockInProcess(
  cfg: BenchConfig,
  council: Council,
  sessionId: string,
  repoRelPaths: readonly string[],
  counts: { warmup: number; iterations: number },
): Promise<{ rows: SummaryRow[]; summary: Summary }> {
  const paths = repoRelPaths.slice(0, 4).map((p) => path.join(council.ws.repo.mainRoot, p));
  await lockRoundTrips(council, sessionId, paths, counts.warmup);
  const s = summarize(await lockRoundTrips(council, sessionId, paths, counts.iterations));
  cfg.print(
    renderTable(
      '2. In-process lock acquire + release (one session)',
      ['operation', 'n', 'p50', 'p95', 'p99', 'max', 'mean'],
      [['await locks.acquire(p, id); await locks.release(p, id)', s.n, formatMs(s.p50), formatMs(s.p95), formatMs(s.p99), formatMs(s.max), formatMs(s.mean)]],
      [`${paths.length} paths in turn, ${counts.warmup} warm-up pairs discarded; ${council.listSessions().length} session(s) in the registry`],
    ),
  );
  return {
    summary: s,
    rows: [
      {
        measurement: 'lock acquire+release in-process p50',
        ours: formatMs(s.p50),
        baseline: '-',
        value: formatMs(s.p50),
        target: `≤ ${formatMs(LOCK_P50_TARGET_MS)}`,
        pass: s.p50 <= LOCK_P50_TARGET_MS,
      },
      {
        measurement: 'lock acquire+release in-process p99',
        ours: formatMs(s.p99),
        baseline: '-',
        value: formatMs(s.p99),
        target: `≤ ${formatMs(LOCK_P99_TARGET_MS)}`,
        pass: s.p99 <= LOCK_P99_TARGET_MS,
      },
    ],
  };
}
