// Cross-process test worker: a session commit frozen part-way, to be SIGKILLed there.
//
// argv: <worktree> before-commit | after-commit
//   Takes the worktree's index the way commitSession does (withIndexCopy), stages everything in
//   the copy, with `after-commit` also commits; then prints "holding" and blocks its thread for good
//   (no event-loop turn: nothing more happens) until the test kills it.
import { writeSync } from 'node:fs';
import { say } from '../helpers/worker-io';
import { commitIndex } from '../../electron/core/git/commit';
import { addAll } from '../../electron/core/git/index-file';
import { withIndexCopy } from '../../electron/core/sessions/index-lock';

async function main(): Promise<void> {
  const [worktree, when] = process.argv.slice(2);
  if (!worktree || (when !== 'before-commit' && when !== 'after-commit')) throw new Error('usage: hold-index <worktree> before-commit|after-commit');
  await withIndexCopy(worktree, async (copy) => {
    await addAll(worktree, copy);
    if (when === 'after-commit') await commitIndex(worktree, 'frozen commit', copy);
    say('holding');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  });
  say('woke up without being killed');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    writeSync(2, `hold-index failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
