import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { MERGE_STRATEGIES, type MergeStrategy, type QueueEntry } from '../../shared/merge';
import { councilCommand } from '../core/agents/council-command';
import type { Council } from '../core/council';
import { CouncilError, invalidInput } from '../core/errors';
import { MergeQueue, processQueue, type MergeEvent } from '../core/merge/index';
import type { Run } from './commands';
import { ago, table } from './output';

/**
 * The merge queue's verbs: `council merge ID [--strategy S] [--gate CMD | --no-gate] [--wait]`,
 * `council queue [list] [--json]`, `queue remove|retry|log ENTRY`, `queue move ENTRY INDEX`, and the
 * hidden `queue run` that `council merge` (without --wait) leaves running in the background to work
 * through the queue. Exit status of `merge --wait`: 0 merged, 3 parked (the reason is printed).
 */

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const short = (sha: string | null): string => (sha ? sha.slice(0, 12) : '-');

function placeOf(entries: readonly QueueEntry[], entry: QueueEntry): string {
  const index = entries.filter((e) => e.state === 'queued').findIndex((e) => e.id === entry.id);
  return index === -1 ? entry.state : `#${index + 1} in line`;
}

function outcomeOf(entries: readonly QueueEntry[], e: QueueEntry): string {
  switch (e.state) {
    case 'merged':
      return e.resultCommit === e.baseBefore ? `nothing to merge (${short(e.resultCommit)})` : `as ${short(e.resultCommit)}`;
    case 'parked':
      return e.reason ?? '';
    case 'queued':
      return placeOf(entries, e);
    default:
      return e.resultCommit ? `candidate ${short(e.resultCommit)}` : 'in progress';
  }
}

export function queueTable(entries: readonly QueueEntry[]): string {
  if (entries.length === 0) return 'the merge queue is empty';
  return table(
    ['ENTRY', 'SESSION', 'STRATEGY', 'GATE', 'STATE', 'TRIES', 'UPDATED', 'RESULT'],
    entries.map((e) => [e.id, e.sessionId, e.strategy, e.gate ?? '-', e.state, String(e.attempts), ago(e.updatedAt), outcomeOf(entries, e)]),
  );
}

/**
 * Starts a background `council queue run` (it outlives us) that works through the queue; its
 * output goes to `queue-runner.log` beside the queue. One that dies at once is an error, with what
 * it said; one that finds another process merging simply waits its turn or ends.
 */
async function startQueueRunner(council: Council): Promise<number | null> {
  const command = councilCommand();
  const [program, ...prefix] = command.argv as [string, ...string[]];
  const logFile = path.join(council.ws.paths.dir, 'queue-runner.log');
  let size = 0;
  try {
    size = statSync(logFile).size;
  } catch {
    // no log yet
  }
  // Appended to by every runner; started afresh once it passes a megabyte.
  const fd = openSync(logFile, size > 1024 * 1024 ? 'w' : 'a');
  let child;
  try {
    child = spawn(program, [...prefix, '--repo', council.ws.repo.mainRoot, 'queue', 'run'], {
      cwd: council.ws.repo.mainRoot,
      env: { ...process.env, ...command.env },
      detached: true,
      stdio: ['ignore', fd, fd],
      windowsHide: true,
    });
  } finally {
    closeSync(fd);
  }
  let exited: number | null = null;
  let failedToStart: Error | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.on('error', (err) => (failedToStart = err));
  for (let waited = 0; waited < 300 && exited === null && !failedToStart; waited += 25) await sleep(25);
  if (failedToStart) throw new CouncilError('internal', `could not start the background merge queue runner: ${(failedToStart as Error).message}`);
  if (exited !== null && exited !== 0) {
    let said = '';
    try {
      said = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
    } catch {
      // no log
    }
    throw new CouncilError('command-failed', `the background merge queue runner stopped at once (exit ${exited})${said ? `:\n${said}` : ''}`);
  }
  child.unref();
  return child.pid ?? null;
}

function strategyOf(value: string | undefined): MergeStrategy | undefined {
  if (value === undefined) return undefined;
  if (!(MERGE_STRATEGIES as readonly string[]).includes(value)) throw invalidInput(`--strategy must be one of ${MERGE_STRATEGIES.join(', ')}, not "${value}"`);
  return value as MergeStrategy;
}

/** Progress lines for a person, on stderr (stdout keeps the result). */
function progress(entryId: string): (event: MergeEvent) => void {
  return (event) => {
    if (event.step === 'gate-output') {
      if (event.entryId === entryId) process.stderr.write(event.message);
      return;
    }
    if (['journal-written', 'checkout-locked', 'checkout-updated', 'base-moved'].includes(event.step)) return;
    process.stderr.write(`[${event.entryId ?? 'queue'}] ${event.message.trimEnd()}\n`);
  };
}

function parkedError(entry: QueueEntry): CouncilError {
  const files = entry.files.length ? `\nconflicting files: ${entry.files.join(', ')}` : '';
  const log = entry.gateLog && entry.gateExitCode !== 0 ? `\ngate log: ${entry.gateLog}` : '';
  return new CouncilError('conflict', `entry ${entry.id} (session ${entry.sessionId}) is parked: ${entry.reason ?? 'no reason recorded'}${files}${log}\nfix it, then: council queue retry ${entry.id}`, { entry });
}

export function mergeCommands(program: Command, run: Run): void {
  program
    .command('merge')
    .description('put a session in the merge queue (its pending work is committed, then it is merged into its base branch); --wait merges now and waits for the outcome')
    .argument('<id>', 'session id or prefix')
    .addOption(new Option('-s, --strategy <strategy>', `merge | squash | rebase (default: the setting)`))
    .option('-g, --gate <command>', 'a command run on the merged result before the base moves; it must exit 0 (default: the setting)')
    .option('--no-gate', 'no gate, whatever the setting says')
    .option('-w, --wait', 'merge in this process and wait: exit 0 merged, 3 parked (the reason is printed)')
    .action(
      run(async (out, council, id, opts) => {
        const o = opts as { strategy?: string; gate?: string | false; wait?: boolean };
        const c = council();
        const session = c.session(String(id));
        const queue = new MergeQueue(c.ws);
        const gate = o.gate === false ? null : o.gate;
        const entry = await queue.enqueue(session.id, { strategy: strategyOf(o.strategy), gate });
        if (!o.wait) {
          const pid = await startQueueRunner(c);
          out.done({ entry, runner: pid }, () =>
            [`queued session ${session.id} as entry ${entry.id} (${entry.strategy}${entry.gate ? `, gate: ${entry.gate}` : ''}; ${placeOf(queue.list(), entry)})`, `merging into ${session.baseBranch} in the background; follow with: council queue`].join('\n'),
          );
          return;
        }
        const onEvent = out.json ? undefined : progress(entry.id);
        for (;;) {
          await processQueue(c, { waitForLock: true, onEvent });
          const now = queue.find(entry.id);
          if (!now) throw new CouncilError('not-found', `entry ${entry.id} was removed from the queue before it was merged`);
          if (now.state === 'merged') {
            out.done(now, () =>
              now.resultCommit === now.baseBefore
                ? `session ${session.id}: ${session.baseBranch} already had all of its work (${short(now.resultCommit)})`
                : `merged session ${session.id} into ${session.baseBranch} as ${short(now.resultCommit)}`,
            );
            return;
          }
          if (now.state === 'parked') throw parkedError(now);
          // Another process has it in hand: wait for its outcome.
          await sleep(200);
        }
      }),
    );

  const queue = program.command('queue').description('the merge queue: list (default), remove, retry, move, log');

  queue
    .command('list', { isDefault: true })
    .description('the entries in queue order: waiting, in progress, parked (with why), merged')
    .action(
      run((out, council) => {
        const entries = new MergeQueue(council().ws).list();
        out.done(entries, () => queueTable(entries));
      }),
    );

  queue
    .command('remove')
    .description('take an entry out of the queue (not while it is merging)')
    .argument('<entry>', 'entry id or prefix (or the session id)')
    .action(
      run(async (out, council, ref) => {
        const removed = await new MergeQueue(council().ws).remove(String(ref));
        out.done({ removed: true, entry: removed }, () => `removed entry ${removed.id} (session ${removed.sessionId}, ${removed.state})`);
      }),
    );

  queue
    .command('retry')
    .description('put a parked entry back in line')
    .argument('<entry>', 'entry id or prefix (or the session id)')
    .action(
      run(async (out, council, ref) => {
        const q = new MergeQueue(council().ws);
        const entry = await q.retry(String(ref));
        out.done(entry, () => `entry ${entry.id} is back in line (${placeOf(q.list(), entry)}, attempt ${entry.attempts}); run it with: council queue run, or council merge ${entry.sessionId} --wait`);
      }),
    );

  queue
    .command('move')
    .description('move a waiting entry to a place in line (0 = next)')
    .argument('<entry>', 'entry id or prefix (or the session id)')
    .argument('<index>', 'the place in line, 0 = next')
    .action(
      run(async (out, council, ref, index) => {
        const text = String(index);
        if (!/^\d+$/.test(text)) throw invalidInput(`the place in line must be a whole number from 0, not "${text}"`);
        const line = await new MergeQueue(council().ws).move(String(ref), Number(text));
        out.done(line, () => queueTable(line));
      }),
    );

  queue
    .command('log')
    .description("an entry's gate output (its end)")
    .argument('<entry>', 'entry id or prefix (or the session id)')
    .action(
      run((out, council, ref) => {
        const q = new MergeQueue(council().ws);
        const entry = q.get(String(ref));
        const { log, truncated } = q.gateLog(entry.id);
        if (!entry.gate && !log) throw new CouncilError('not-found', `entry ${entry.id} has no gate`);
        out.done({ entry: entry.id, log, truncated }, () => `${truncated ? '[…]\n' : ''}${log}`);
      }),
    );

  queue
    .command('run', { hidden: true })
    .description('(internal) works through the merge queue until nothing is waiting; started in the background by `council merge`')
    .action(
      run(async (out, council) => {
        const abort = new AbortController();
        const stop = (): void => abort.abort();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        try {
          const result = await processQueue(council(), {
            waitForLock: true,
            signal: abort.signal,
            onEvent: (e) => {
              if (e.step !== 'gate-output') process.stderr.write(`${new Date().toISOString()} [${e.entryId ?? 'queue'}] ${e.step}: ${e.message.trimEnd()}\n`);
            },
          });
          out.done(result, () => `${result.settled.length} entr${result.settled.length === 1 ? 'y' : 'ies'} settled: ${result.settled.map((e) => `${e.id} ${e.state}`).join(', ') || 'none'}`);
        } finally {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
        }
      }),
    );
}
