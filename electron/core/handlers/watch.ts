import type { HandlerContext, HandlerTable } from '../dispatch';
import { invalidInput } from '../errors';
import { sessionChanges } from '../sessions/changes';
import type { ClientSide, HandlerDeps } from './deps';

/**
 * Subscriptions: the events a client receives while it watches a repository or a session, and the
 * terminal output of a session's agent while it is attached. Watches are keyed by the repository's
 * main checkout, whatever folder in it was named: one watcher per repository (and per session),
 * however many spellings clients send. Only a face with clients serves these (not the CLI).
 */

/** Subscriptions belong to a client that events can reach; without one they would never end. */
function requireClient(ctx: HandlerContext): void {
  if (!ctx.clientId) throw invalidInput('watching needs a connected client (a window, or a browser socket that said hello)');
}

export function watchHandlers({ repos, background }: HandlerDeps, clients: ClientSide) {
  const { hub, attachments } = clients;
  return {
    'watch.repo': async ({ repo: named }, ctx) => {
      requireClient(ctx);
      const council = await repos.open(named);
      if (hub.subscribeRepo(ctx.clientId, council.root)) {
        clients.repositoryWatched(council);
        await (await council.watcher()).watchRepository();
      }
      // The queue resumes after a restart: what was waiting (or cut off mid-merge) goes on.
      if (council.queue.hasWork()) background.queueChanged(council);
      return { watching: true };
    },
    'watch.session': async ({ repo: named, id }, ctx) => {
      requireClient(ctx);
      const council = await repos.open(named);
      const session = council.session(id);
      const { first, seq } = hub.subscribeSession(ctx.clientId, council.root, session.id);
      if (first) await (await council.watcher()).holdSession(session.id, session.worktreePath);
      return { seq, files: await sessionChanges(council.ws, session) };
    },
    'watch.stop': async ({ repo: named, id }, ctx) => {
      const council = await repos.open(named);
      const repo = council.root;
      const ids = id ? [council.session(id).id] : hub.sessionsOf(ctx.clientId, repo);
      let stopped = false;
      for (const sid of ids) {
        stopped = true;
        if (hub.unsubscribeSession(ctx.clientId, repo, sid)) await (await council.watcher()).releaseSession(sid);
      }
      if (!id && hub.unsubscribeRepo(ctx.clientId, repo)) {
        stopped = true;
        await (await council.watcher()).unwatchRepository();
      }
      return { stopped };
    },
    'agent.attach': async ({ repo, id }, ctx) => {
      requireClient(ctx);
      const council = await repos.open(repo);
      const manager = await council.agents();
      const sessionId = council.session(id).id;
      const root = council.root;
      const { unsubscribe, ...snapshot } = manager.attach(sessionId, (run, chunk) =>
        hub.sendTo(ctx.clientId, 'agent.output', { repo: root, sessionId, runId: run.id, seq: chunk.seq, data: chunk.data }),
      );
      attachments.set(ctx.clientId, root, sessionId, unsubscribe);
      return snapshot;
    },
    'agent.detach': async ({ repo, id }, ctx) => {
      const council = await repos.open(repo);
      const unsubscribe = attachments.take(ctx.clientId, council.root, council.session(id).id);
      unsubscribe?.();
      return { stopped: Boolean(unsubscribe) };
    },
  } satisfies HandlerTable;
}
