import { Command, Option } from 'commander';
import { MERGE_STRATEGIES, type MergeStrategy, type QueueEntry } from '../../shared/merge';
import { invalidInput } from '../core/errors';
import type { Door } from './core-call';
import { ago, table } from './output';

/**
 * The merge queue's verbs, each one contract command through the front door: `council merge ID
 * [--strategy S] [--gate CMD | --no-gate] [--wait]` (queue.merge), `council queue [list] [--json]`,
 * `queue remove|retry|log ENTRY`, `queue move ENTRY INDEX`; and the hidden `queue run` (plumbing,
 * plumbing.ts) that `council merge` (without --wait) leaves running in the background to work
 * through the queue. Exit status of `merge --wait`: 0 merged, 3 parked (the reason is printed).
 */

const short = (sha: string | null): string => (sha ? sha.slice(0, 12) : '-');

function placeOf(entries: readonly QueueEntry[], entry: QueueEntry): string {
  return placeWords(entries.filter((e) => e.state === 'queued').findIndex((e) => e.id === entry.id), entry);
}

/** A place in line as a person reads it (0 = next = #1); the state when it is not waiting. */
const placeWords = (place: number | null, entry: QueueEntry): string => (place === null || place === -1 ? entry.state : `#${place + 1} in line`);

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

function strategyOf(value: string | undefined): MergeStrategy | undefined {
  if (value === undefined) return undefined;
  if (!(MERGE_STRATEGIES as readonly string[]).includes(value)) throw invalidInput(`--strategy must be one of ${MERGE_STRATEGIES.join(', ')}, not "${value}"`);
  return value as MergeStrategy;
}

export function mergeCommands(program: Command, door: Door): void {
  program
    .command('merge')
    .description('put a session in the merge queue (its pending work is committed, then it is merged into its base branch); --wait merges now and waits for the outcome')
    .argument('<id>', 'session id or prefix')
    .addOption(new Option('-s, --strategy <strategy>', `merge | squash | rebase (default: the setting)`))
    .option('-g, --gate <command>', 'a command run on the merged result before the base moves; it must exit 0 (default: the setting)')
    .option('--no-gate', 'no gate, whatever the setting says')
    .option('-m, --message <text>', "the merge (or squash) commit's message (default: the queue's own, naming the session and its task)")
    .option('-w, --wait', 'merge in this process and wait: exit 0 merged, 3 parked (the reason is printed)')
    .action(
      door(async ({ out, call, repo }, id, opts) => {
        const o = opts as { strategy?: string; gate?: string | false; wait?: boolean; message?: string };
        const strategy = strategyOf(o.strategy);
        const gate = o.gate === false ? null : o.gate;
        const input = { repo: repo(), id: String(id), ...(strategy ? { strategy } : {}), ...(gate !== undefined ? { gate } : {}), ...(o.message !== undefined ? { message: o.message } : {}) };
        if (!o.wait) {
          const { entry, baseBranch, place, runner } = await call('queue.merge', input);
          out.done({ entry, runner }, () =>
            [`queued session ${entry.sessionId} as entry ${entry.id} (${entry.strategy}${entry.gate ? `, gate: ${entry.gate}` : ''}; ${placeWords(place, entry)})`, `merging into ${baseBranch} in the background; follow with: council queue`].join('\n'),
          );
          return;
        }
        const progress = out.json ? undefined : (text: string): void => void process.stderr.write(text);
        const { entry: now, baseBranch } = await call('queue.merge', { ...input, wait: true }, { progress });
        out.done(now, () =>
          now.resultCommit === now.baseBefore
            ? `session ${now.sessionId}: ${baseBranch} already had all of its work (${short(now.resultCommit)})`
            : `merged session ${now.sessionId} into ${baseBranch} as ${short(now.resultCommit)}`,
        );
      }),
    );

  const queue = program.command('queue').description('the merge queue: list (default), remove, retry, move, log');

  queue
    .command('list', { isDefault: true })
    .description('the entries in queue order: waiting, in progress, parked (with why), merged')
    .action(
      door(async ({ out, call, repo }) => {
        const entries = await call('queue.list', { repo: repo() });
        out.done(entries, () => queueTable(entries));
      }),
    );

  queue
    .command('remove')
    .description('take an entry out of the queue (not while it is merging)')
    .argument('<entry>', 'entry id or prefix (or the session id)')
    .action(
      door(async ({ out, call, repo }, ref) => {
        const removed = await call('queue.remove', { repo: repo(), entry: String(ref) });
        out.done(removed, () => `removed entry ${removed.entry.id} (session ${removed.entry.sessionId}, ${removed.entry.state})`);
      }),
    );

  queue
    .command('retry')
    .description('put a parked entry back in line')
    .argument('<entry>', 'entry id or prefix (or the session id)')
    .action(
      door(async ({ out, call, repo }, ref) => {
        const { place, ...entry } = await call('queue.retry', { repo: repo(), entry: String(ref) });
        out.done(entry, () => `entry ${entry.id} is back in line (${placeWords(place, entry)}, attempt ${entry.attempts}); run it with: council queue run, or council merge ${entry.sessionId} --wait`);
      }),
    );

  queue
    .command('move')
    .description('move a waiting entry to a place in line (0 = next)')
    .argument('<entry>', 'entry id or prefix (or the session id)')
    .argument('<index>', 'the place in line, 0 = next')
    .action(
      door(async ({ out, call, repo }, ref, index) => {
        const text = String(index);
        if (!/^\d+$/.test(text)) throw invalidInput(`the place in line must be a whole number from 0, not "${text}"`);
        const line = await call('queue.move', { repo: repo(), entry: String(ref), index: Number(text) });
        out.done(line, () => queueTable(line));
      }),
    );

  queue
    .command('log')
    .description("an entry's gate output (its end)")
    .argument('<entry>', 'entry id or prefix (or the session id)')
    .action(
      door(async ({ out, call, repo }, ref) => {
        const value = await call('queue.gateLog', { repo: repo(), entry: String(ref) });
        out.done(value, () => `${value.truncated ? '[…]\n' : ''}${value.log}`);
      }),
    );

  queue
    .command('run', { hidden: true })
    .description('(internal) works through the merge queue until nothing is waiting; started in the background by `council merge`')
    .action(
      door(async ({ out, repo }) => {
        const { openRepository } = await import('./cli-handlers');
        const council = await openRepository(repo());
        const abort = new AbortController();
        const stop = (): void => abort.abort();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        try {
          const result = await council.processQueue({
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
