// Cross-process test worker: takes one of the core's short cross-process mutexes and then blocks
// inside the critical section (its event loop frozen, as a hung or stopped process would be) until
// the test SIGKILLs it.
//
// argv: <repo> session <sessionId>   the per-session mutex FileLocks takes to release a lock
//       <repo> registry              the registry's mutex (<common dir>/council/sessions.json.mutex)
// stdout: "holding <mutex folder>" once inside the critical section.
import { writeSync } from 'node:fs';
import path from 'node:path';
import { Council } from '../../electron/core/council';
import { withMutex } from '../../electron/core/state/json-store';

async function main(): Promise<void> {
  const [repo, kind, sessionId] = process.argv.slice(2);
  if (!repo || (kind !== 'session' && kind !== 'registry') || (kind === 'session' && !sessionId)) {
    throw new Error('usage: hold-mutex <repo> session <id> | hold-mutex <repo> registry');
  }
  const council = Council.open(repo);
  // FileLocks.release() runs under withMutex(<locks dir>/session-<id>) (file-locks.ts, sessionMutex()).
  const file = kind === 'session' ? path.join(council.locks.dir, `session-${council.session(sessionId as string).id}`) : council.ws.paths.registry;
  await withMutex(file, () => {
    writeSync(1, `holding ${file}.mutex\n`);
    // Blocks the whole thread, timers included, so the mutex is never refreshed again.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  });
  writeSync(1, 'woke up without being killed\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    writeSync(2, `hold-mutex failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
