// Cross-process test worker: finds a file lock busy, then waits for it with acquire(timeoutMs).
//
// argv: <repo> <sessionId> <path> <timeoutMs>
// stdout: "busy <owner session>" (the first, immediate try), "waiting <epoch ms>" just before the
//   waiting acquire() starts, then "acquired <epoch ms>" taken the moment acquire() resolved.
import { writeSync } from 'node:fs';
import { say } from '../helpers/worker-io';
import { Council } from '../../electron/core/council';


async function main(): Promise<void> {
  const [repo, sessionId, file, timeoutText] = process.argv.slice(2);
  if (!repo || !sessionId || !file || !timeoutText) throw new Error('usage: wait-lock <repo> <sessionId> <path> <timeoutMs>');
  const council = Council.open(repo);
  const first = await council.locks.tryAcquire(file, sessionId, { cwd: repo });
  if (first.acquired) throw new Error(`expected ${file} to be busy, but it was free`);
  say(`busy ${first.owner.sessionId}`);
  say(`waiting ${Date.now()}`);
  const lock = await council.locks.acquire(file, sessionId, { cwd: repo, timeoutMs: Number(timeoutText) });
  const at = Date.now();
  say(`acquired ${at} ${lock.path} ${lock.sessionId}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    writeSync(2, `wait-lock failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
