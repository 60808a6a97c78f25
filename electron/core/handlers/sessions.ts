import { existsSync } from 'node:fs';
import path from 'node:path';
import type { SessionCard } from '../../../shared/contract';
import type { RunResult } from '../../../shared/agents';
import { runSessions } from '../agents/executor';
import { createAndBootstrap } from '../agents/launch-sessions';
import { presetFor } from '../agents/presets/index';
import { removeSessionSafely } from '../agents/removal';
import type { Council } from '../council';
import type { HandlerTable } from '../dispatch';
import { invalidInput } from '../errors';
import { sessionChanges, sessionFileDiff } from '../sessions/changes';
import { inspectWork } from '../sessions/inspect';
import type { HandlerDeps } from './deps';
import { listRemoved } from '../sessions/removed-log';
import { clearResolvedUpdateMark, clearUpdateNote } from '../sessions/update-base';
import { unmergedPaths } from '../git/diff';
import { updateInProgress } from '../git/update';

/** Sessions: create (and launch agents in them), inspect, commit, remove, clean up, reconcile. */

function cards(council: Council): SessionCard[] {
  const contexts = new Map(council.context.all().map((c) => [c.sessionId, c]));
  return council.listSessions().flatMap((session) => {
    const context = contexts.get(session.id);
    return context ? [{ session, context }] : [];
  });
}

export function sessionHandlers({ repos, background }: HandlerDeps) {
  return {
    'sessions.list': async ({ repo }) => cards(await repos.open(repo)),
    'sessions.create': async ({ repo, task, agent, base, count, mode, host }) => {
      const council = await repos.open(repo);
      const manager = await council.agents();
      const { sessions, setupFailures } = await createAndBootstrap(manager, { task, agent: agent ?? null, base, count, startAgent: Boolean(agent), host });
      if (!agent) return sessions;
      // Started in the background: the dialog closes at once, each card follows its run.
      for (const s of sessions) {
        if (setupFailures.has(s.id)) continue;
        manager.start(s.id, { mode: mode ?? 'interactive' }).catch((err: Error) => {
          void council.context.update(s.id, { status: 'failed', message: err.message.slice(0, 2000) }).catch(() => undefined);
        });
      }
      return sessions;
    },
    'sessions.launch': async ({ repo, task, agent, base, count, run = 'no', concurrency, host }, ctx) => {
      const council = await repos.open(repo);
      if (run !== 'no' && (agent === undefined || agent === null)) throw invalidInput(`run "${run}" needs an agent: name its preset`);
      if (run === 'here' && (count ?? 1) > 1) throw invalidInput('interactive agents run one per terminal: use --headless for --count above 1 (or the app, which shows each terminal)');
      // An agent named as "" is no preset (refused, naming the presets), not "no agent".
      const preset = agent === undefined || agent === null ? null : presetFor(agent).id;
      const manager = await council.agents();
      if (host && run === 'here') throw invalidInput(`an interactive agent on ${host} runs in the app's terminal, not the CLI's, for now: use --headless here (or --no-start, or the app)`);
      const { sessions, setupFailures } = await createAndBootstrap(manager, { task, agent: preset, base, count, startAgent: run !== 'no', host });
      const ready = sessions.filter((s) => !setupFailures.has(s.id)).map((s) => s.id);
      const settings = council.ws.settings();
      let results: RunResult[] | null = null;
      if (preset && run === 'background' && ready.length) await background.startAgents(council, ready, preset, concurrency ?? settings.concurrency);
      if (preset && run === 'wait') {
        results = await runSessions(manager, ready, {
          preset,
          mode: 'headless',
          concurrency: concurrency ?? settings.concurrency,
          maxRetries: settings.maxRetries,
          signal: ctx.signal,
          onProgress: (id, r, note) => ctx.progress?.(`[${id}] ${note}${r.reason && r.state !== 'running' ? `: ${r.reason}` : ''}\n`),
        });
        for (const [id, reason] of setupFailures) results.push({ sessionId: id, preset, state: 'failed', attempts: 0, exitCode: null, reason, filesChanged: [], commits: 0, durationMs: 0, costUsd: null });
      }
      return { sessions, setupFailures: Object.fromEntries(setupFailures), results };
    },
    'sessions.work': async ({ repo, id }) => {
      const council = await repos.open(repo);
      const work = await inspectWork(council.ws, council.session(id));
      return { unmergedCommits: work.unmergedCommits, uncommitted: work.uncommitted };
    },
    'sessions.remove': async ({ repo, id, force }) => removeSessionSafely(await repos.open(repo), id, { force }),
    'sessions.removed': async ({ repo }) => listRemoved((await repos.open(repo)).ws.paths),
    'sessions.stats': async ({ repo, id }) => (await repos.open(repo)).stats(id),
    'sessions.show': async ({ repo, id }) => {
      const council = await repos.open(repo);
      const session = council.session(id);
      const [stats, update] = await Promise.all([council.stats(session.id), updateState(session.worktreePath)]);
      return { session, stats, context: council.context.get(session.id), ...(update ? { update } : {}) };
    },
    'sessions.changes': async ({ repo, id }) => {
      const council = await repos.open(repo);
      return sessionChanges(council.ws, council.session(id));
    },
    'sessions.fileDiff': async ({ repo, id, path }) => {
      const council = await repos.open(repo);
      return sessionFileDiff(council.ws, council.session(id), path);
    },
    'sessions.commit': async ({ repo, id, message }) => {
      const council = await repos.open(repo);
      const result = await council.commit(id, message);
      if (result.commit) {
        // The last update's outcome is over once something else happened; a conflicted update, resolved and now committed, no longer blocks the session.
        await clearUpdateNote(council.context, result.id).catch(() => undefined);
        await clearResolvedUpdateMark(council.context, council.session(result.id)).catch(() => undefined);
      }
      return result;
    },
    'sessions.cleanup': async ({ repo, olderThanMs }) => (await repos.open(repo)).cleanup(olderThanMs),
    'sessions.reconcile': async ({ repo }) => ({ ...(await (await repos.open(repo)).reconcile()) }),
  } satisfies HandlerTable;
}

/** A conflicted update from base left in a worktree: merge or rebase, and the files in conflict. */
async function updateState(worktree: string): Promise<{ strategy: 'merge' | 'rebase'; files: string[] } | null> {
  if (!existsSync(path.join(worktree, '.git'))) return null;
  const strategy = await updateInProgress(worktree);
  return strategy === null ? null : { strategy, files: await unmergedPaths(worktree) };
}
