import type { QueueEntry } from '../../../shared/merge';
import { resolveRefusal } from '../../../shared/merge-policy';
import { resolvePrompt } from '../agents/resolve-prompt';
import type { HandlerTable } from '../dispatch';
import { CouncilError, invalidInput } from '../errors';
import type { MergeEvent } from '../merge/engine';
import type { HandlerDeps } from './deps';

/**
 * The merge queue: one store per repository (its owner's `queue`). What an enqueue or a retry sets
 * going is the face's business (Background.queueChanged: the app merges in its own process; the
 * CLI merges only when asked, `council merge` or `queue run`).
 */

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Progress lines for a person: what the merge of `entryId` does, and its gate's output. */
function progressOf(entryId: string, say: (text: string) => void): (event: MergeEvent) => void {
  return (event) => {
    if (event.step === 'gate-output') {
      if (event.entryId === entryId) say(event.message);
      return;
    }
    if (['journal-written', 'checkout-locked', 'checkout-updated', 'base-moved'].includes(event.step)) return;
    say(`[${event.entryId ?? 'queue'}] ${event.message.trimEnd()}\n`);
  };
}

function parkedError(entry: QueueEntry): CouncilError {
  const files = entry.files.length ? `\nconflicting files: ${entry.files.join(', ')}` : '';
  const log = entry.gateLog && entry.gateExitCode !== 0 ? `\ngate log: ${entry.gateLog}` : '';
  return new CouncilError('conflict', `entry ${entry.id} (session ${entry.sessionId}) is parked: ${entry.reason ?? 'no reason recorded'}${files}${log}\nfix it, then: council queue retry ${entry.id}`, { entry });
}

/** Where a waiting entry stands in line (0 = next); null when it is not waiting. */
function placeOf(entries: readonly QueueEntry[], id: string): number | null {
  const index = entries.filter((e) => e.state === 'queued').findIndex((e) => e.id === id);
  return index === -1 ? null : index;
}

export function queueHandlers({ repos, background }: HandlerDeps) {
  return {
    'queue.list': async ({ repo }) => (await repos.open(repo)).queue.list(),
    'queue.enqueue': async ({ repo, id, strategy, gate, message }) => {
      const council = await repos.open(repo);
      const entry = await council.queue.enqueue(id, { strategy, gate, message });
      background.queueChanged(council);
      return entry;
    },
    'queue.merge': async ({ repo, id, strategy, gate, message, wait }, ctx) => {
      const council = await repos.open(repo);
      const session = council.session(id);
      // A remote session's work is on its host: brought home first, so the queue sees all of it (issue 17).
      if (session.host) await (await import('../hosts/remote-session')).syncHome(council.ws, session);
      const entry = await council.queue.enqueue(session.id, { strategy, gate, message });
      const baseBranch = session.baseBranch;
      if (!wait) {
        const place = placeOf(council.queue.list(), entry.id);
        return { entry, baseBranch, place, runner: await background.drainQueue(council) };
      }
      const onEvent = ctx.progress ? progressOf(entry.id, ctx.progress) : undefined;
      for (;;) {
        await council.processQueue({ waitForLock: true, signal: ctx.signal, onEvent });
        const now = council.queue.find(entry.id);
        if (!now) throw new CouncilError('not-found', `entry ${entry.id} was removed from the queue before it was merged`);
        if (now.state === 'merged') return { entry: now, baseBranch, place: null, runner: null };
        if (now.state === 'parked') throw parkedError(now);
        if (ctx.signal?.aborted) throw new CouncilError('command-failed', `stopped waiting for entry ${entry.id}: it is ${now.state}`);
        // Another process has it in hand: wait for its outcome.
        await sleep(200);
      }
    },
    'queue.remove': async ({ repo, entry }) => ({ removed: true, entry: await (await repos.open(repo)).queue.remove(entry) }),
    'queue.retry': async ({ repo, entry }) => {
      const council = await repos.open(repo);
      const retried = await council.queue.retry(entry);
      background.queueChanged(council);
      return { ...retried, place: placeOf(council.queue.list(), retried.id) };
    },
    'queue.move': async ({ repo, entry, index }) => (await repos.open(repo)).queue.move(entry, index),
    'queue.resolve': async ({ repo, entry }) => {
      const council = await repos.open(repo);
      const manager = await council.agents();
      const parked = council.queue.get(entry);
      const refusal = resolveRefusal(parked, council.ws.registry.find(parked.sessionId));
      if (refusal !== null) throw invalidInput(refusal);
      const session = council.session(parked.sessionId);
      const task = resolvePrompt({ task: session.task, baseBranch: session.baseBranch, files: parked.files, reason: parked.reason });
      return manager.start(session.id, { task, mode: manager.store.latest(session.id)?.mode ?? 'headless' });
    },
    'queue.gateLog': async ({ repo, entry: ref }) => {
      const queue = (await repos.open(repo)).queue;
      const entry = queue.get(ref);
      const { log, truncated } = queue.gateLog(entry.id);
      if (!entry.gate && !log) throw new CouncilError('not-found', `entry ${entry.id} has no gate`);
      return { entry: entry.id, log, truncated };
    },
  } satisfies HandlerTable;
}
