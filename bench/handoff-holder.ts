// A separate process that holds a file lock for one session and lets go on command: the other side
// of the contended hand-off measurement. Bundled with esbuild by measure-handoff.ts and run as
// plain `node holder.cjs <repo> <session> <path>`. Reads commands from stdin, one per line:
//   acquire → takes the lock, prints "held"
//   release → releases it, prints "released <called> <returned>" (shared clock, ms, around release())
//   exit    → exits
import { createInterface } from 'node:readline';
import { Council } from '../electron/core/council';
import { sharedNow } from './clock';

const [repo, sessionId, file] = process.argv.slice(2);
if (!repo || !sessionId || !file) {
  process.stderr.write('usage: handoff-holder <repo> <session> <path>\n');
  process.exit(2);
}
const council = Council.open(repo);
const lines = createInterface({ input: process.stdin });

lines.on('line', (command) => {
  void (async () => {
    if (command === 'acquire') {
      await council.locks.acquire(file, sessionId, { timeoutMs: 5000, cwd: repo });
      process.stdout.write('held\n');
    } else if (command === 'release') {
      const called = sharedNow();
      await council.locks.release(file, sessionId, { cwd: repo });
      const returned = sharedNow();
      process.stdout.write(`released ${called} ${returned}\n`);
    } else if (command === 'exit') {
      lines.close();
      process.exit(0);
    }
  })().catch((err: unknown) => {
    process.stderr.write(`holder: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
});
process.stdout.write('ready\n');
