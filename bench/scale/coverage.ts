import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleProgram } from '../bundle';
import type { BenchConfig } from '../result';
import type { WatchCoverage } from './inotify';

/** The scale measurement's watch check, asked of a separate process (coverage-probe.ts). */

export interface ProbeAnswer {
  coverage: WatchCoverage | null;
  /** Watches held by the user's processes other than the measured one (and the probe). */
  others: number | null;
  limit: number | null;
}

/**
 * watchCoverage() and othersWatches() for process `pid`, computed in a separate process (see
 * coverage-probe.ts): the measured process only waits for the answer.
 */
export async function coverageOf(cfg: BenchConfig, worktrees: readonly string[], pid: number = process.pid): Promise<ProbeAnswer> {
  const bundle = await bundleProgram(cfg, 'scale/coverage-probe');
  const list = path.join(cfg.tmp, `worktrees-${pid}.txt`);
  writeFileSync(list, `${worktrees.join('\n')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, String(pid), list], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as ProbeAnswer);
      else reject(new Error(`coverage-probe exited ${String(code)}: ${stderr}`));
    });
  });
}
