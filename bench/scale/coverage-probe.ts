// The watch check of the scale measurement, in a process of its own: bundled by coverageOf() (coverage.ts) and
// run as `node coverage-probe.cjs <pid> <file listing the worktrees, one a line>`; prints one JSON
// object (ProbeAnswer). Walking 100 worktrees of 10,000 files keys a million files by inode: done
// inside the measured process, that alone added ~300 MB to the RSS being measured.
import { readFileSync } from 'node:fs';
import { inotifyWatchLimit } from '../../electron/core/agents/worktree-activity';
import { othersWatches, watchCoverage } from './inotify';

const [pidText, listFile] = process.argv.slice(2);
const pid = Number(pidText);
if (!Number.isInteger(pid) || !listFile) {
  process.stderr.write('usage: coverage-probe <pid> <worktree list file>\n');
  process.exit(2);
}
const worktrees = readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
process.stdout.write(`${JSON.stringify({ coverage: watchCoverage(worktrees, pid), others: othersWatches([pid]), limit: inotifyWatchLimit() })}\n`);
