// Cross-process test worker: takes a file lock for a session and keeps running, until the test
// either SIGKILLs it or writes "release" on its stdin (then it releases the lock itself).
//
// argv: <repo> <sessionId> <path>
// stdout: "acquired <epoch ms>", and after "release": "released <epoch ms>" (taken right after
//   release() returned).
import { writeSync } from 'node:fs';
import { say, waitForLine } from '../helpers/worker-io';
import { Council } from '../../electron/core/council';


async function main(): Promise<void> {
  const [repo, sessionId, file] = process.argv.slice(2);
  if (!repo || !sessionId || !file) throw new Error('usage: hold-lock <repo> <sessionId> <path>');
  const council = Council.open(repo);
  const lock = await council.locks.acquire(file, sessionId, { cwd: repo });
  say(`acquired ${Date.now()} ${lock.path} ${lock.sessionId}`);
  // The lock stays if the test goes away: it outlives its process.
  await waitForLine('release');
  const result = await council.locks.release(file, sessionId, { cwd: repo });
  say(`released ${Date.now()} ${String(result.released)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    writeSync(2, `hold-lock failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
