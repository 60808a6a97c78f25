// Cross-process test worker: runs the merge queue of a repository, as the app or
// `council queue run` would, so that a test can kill it with SIGKILL at any moment.
//
// argv: <repo> [pause-at <step>]
//   Prints "step <name> <entry>" for every engine event as it happens (synchronously, so the line
//   is out before a SIGKILL can land), then "drained" when nothing is left to do, and exits 0.
//   With `pause-at <step>`: at the first event of that step it prints "paused <step>" and blocks
//   its thread for good (no event-loop turn: nothing more happens), waiting to be killed.
import { writeSync } from 'node:fs';
import { say } from '../helpers/worker-io';
import { Council } from '../../electron/core/council';
import { processQueue } from '../../electron/core/merge/engine';

function freeze(): never {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(cell, 0, 0, 60_000);
}

async function main(): Promise<void> {
  const [repo, mode, step] = process.argv.slice(2);
  if (!repo || (mode !== undefined && (mode !== 'pause-at' || !step))) throw new Error('usage: merge-queue-run <repo> [pause-at <step>]');
  const council = Council.open(repo);
  say(`started ${process.pid}`);
  await processQueue(council, {
    waitForLock: true,
    lockPollMs: 50,
    onEvent: (event) => {
      if (event.step === 'gate-output') return;
      say(`step ${event.step} ${event.entryId ?? '-'}`);
      if (mode === 'pause-at' && event.step === step) {
        say(`paused ${step}`);
        freeze();
      }
    },
  });
  say('drained');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    writeSync(2, `merge-queue-run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
