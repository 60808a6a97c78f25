import path from 'node:path';
import type { AgentPresetId } from '../../shared/agents';
import { RunStore } from '../core/agents/run-store';
import { Council } from '../core/council';
import type { HandlerTable } from '../core/dispatch';
import { repositoryHandlers, type Background } from '../core/handlers/index';
import { startCouncilWorker } from './detached';
import { CouncilError } from '../core/errors';

/**
 * The CLI's side of the front door: the core's handlers over one repository owner per repository
 * (per process), with background work in detached workers — the queue worked by `council queue
 * run`, headless agents hosted by `council agent-host` — since this process ends when the verb does.
 * Loaded on first use: a verb that dispatches nothing pays nothing for it.
 */

const owners = new Map<string, Council>();

/** The owner of the repository that contains `start`, one per repository in this process. */
export async function openRepository(start: string): Promise<Council> {
  const probe = Council.open(start);
  const known = owners.get(probe.root);
  if (known) return known;
  owners.set(probe.root, probe);
  return probe;
}

const background: Background = {
  // The CLI merges only when asked (`council merge`, `council queue run`).
  queueChanged: () => undefined,
  drainQueue: (council) =>
    startCouncilWorker(['--repo', council.root, 'queue', 'run'], {
      cwd: council.root,
      logFile: path.join(council.ws.paths.dir, 'queue-runner.log'),
      watchMs: 300,
      what: 'the background merge queue runner',
    }),
  startAgents: async (council: Council, ids: string[], preset: AgentPresetId, concurrency: number) => {
    const store = new RunStore(council.ws.paths);
    const first = ids[0] as string;
    // Returns once the first run is recorded, so `session logs` and `session stop` work at once.
    await startCouncilWorker(['--repo', council.root, 'agent-host', '--sessions', ids.join(','), '--agent', preset, '--concurrency', String(concurrency)], {
      cwd: council.root,
      ready: () => store.latest(first) !== null,
      watchMs: 15_000,
      what: 'the background agent host',
    });
  },

  // A CLI verb ends when it has answered: an agent resumed or started by a follow-up (`council
  // send`) is hosted by a detached `council agent-host`, which takes the messages from the inbox.
  followUpRunner: {
    interactive: false,
    async start(manager, sessionId, messages, options) {
      const council = manager.council;
      const store = manager.store;
      const before = store.latest(sessionId)?.id ?? null;
      const how = options.followUp !== undefined ? 'resumed' : 'started';
      const fresh = (): boolean => (store.latest(sessionId)?.id ?? null) !== before;
      const args = ['--repo', council.root, 'agent-host', '--sessions', sessionId, '--agent', String(options.preset), '--mode', options.mode ?? 'headless'];
      await startCouncilWorker([...args, '--follow-up', messages.map((m) => m.id).join(','), '--follow-up-as', how], {
        cwd: council.root,
        ready: fresh,
        watchMs: 15_000,
        what: 'the background agent host',
      });
      const run = store.latest(sessionId);
      if (!run || !fresh()) throw new CouncilError('internal', `the background agent host did not start session ${sessionId}'s agent within 15 s`);
      return run;
    },
  },
};

let table: HandlerTable | null = null;

export function cliHandlers(): HandlerTable {
  table ??= repositoryHandlers({ repos: { open: openRepository }, background });
  return table;
}
