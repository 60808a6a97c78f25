import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { renderTable } from './table';

/** 1, 5 and 15 minute load averages: anything well above 0 means other work shared the cores. */
export const loadAverage = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' / ');

/** What the numbers were measured on. */
export function machineTable(): string {
  const cpus = os.cpus();
  const gitVersion = execFileSync('git', ['--version'], { encoding: 'utf8' }).trim();
  return renderTable('Machine', ['item', 'value'], [
    ['cpus', `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown'}`],
    ['memory', `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ['os', `${os.type()} ${os.release()} ${os.arch()}`],
    ['node', process.version],
    ['git', gitVersion.replace(/^git version /, '')],
    ['tmpdir', os.tmpdir()],
    ['load average at start', loadAverage()],
  ]);
}
