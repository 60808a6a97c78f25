// Cross-process test worker: runs one "merge" under the repository's merge lock.
//
// argv: <repo> <log file> <timeoutMs> step   prints "ready", waits for "go" on stdin, then inside
//                                             the merge lock appends "start <pid>", sleeps ~200 ms,
//                                             appends "end <pid>".
//       <repo> <log file> <timeoutMs> hold   takes the merge lock, prints "holding <pid>", and keeps
//                                             it until "done" arrives on stdin.
import { appendFileSync, writeSync } from 'node:fs';
import { say, sleep, waitForLine } from '../helpers/worker-io';
import { Council } from '../../electron/core/council';




async function main(): Promise<void> {
  const [repo, log, timeoutText, mode] = process.argv.slice(2);
  if (!repo || !log || !timeoutText || (mode !== 'step' && mode !== 'hold')) {
    throw new Error('usage: merge-step <repo> <log> <timeoutMs> step|hold');
  }
  const council = Council.open(repo);
  if (mode === 'step') {
    say('ready');
    await waitForLine('go');
    await council.withMergeLock(
      async () => {
        appendFileSync(log, `start ${process.pid}\n`);
        await sleep(200);
        appendFileSync(log, `end ${process.pid}\n`);
      },
      { timeoutMs: Number(timeoutText), purpose: `test step ${process.pid}` },
    );
    say('merged');
    return;
  }
  await council.withMergeLock(
    async () => {
      say(`holding ${process.pid}`);
      await waitForLine('done');
    },
    { timeoutMs: Number(timeoutText), purpose: `test hold ${process.pid}` },
  );
  say('released');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    writeSync(2, `merge-step failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
