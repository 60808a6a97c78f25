import type { HandlerContext, HandlerTable } from '../dispatch';
import { invalidInput } from '../errors';
import type { ClientSide, HandlerDeps } from './deps';

/**
 * A session's plain shell (core/shells/shell-manager.ts): start, keys, size, stop, and its output
 * to attached clients. Only a face with clients serves these (the app, the browser host).
 */

/** An attachment's key beside the agent terminal's (one client may watch both of a session). */
const SHELL = '\u0000shell';

function requireClient(ctx: HandlerContext): void {
  if (!ctx.clientId) throw invalidInput('a shell needs a connected client (a window, or a browser socket that said hello)');
}

export function shellHandlers({ repos }: HandlerDeps, clients: ClientSide) {
  const { hub, attachments } = clients;
  const shells = async (repo: string) => (await repos.open(repo)).shells();
  return {
    'shell.start': async ({ repo, id, cols, rows }) => (await shells(repo)).start(id, { cols, rows }),
    'shell.input': async ({ repo, id, data }) => ({ written: (await shells(repo)).write(id, data) }),
    'shell.resize': async ({ repo, id, cols, rows }) => ({ resized: (await shells(repo)).resize(id, cols, rows) }),
    'shell.stop': async ({ repo, id }) => ({ stopped: await (await shells(repo)).stop(id) }),
    'shell.attach': async ({ repo, id }, ctx) => {
      requireClient(ctx);
      const council = await repos.open(repo);
      const manager = await council.shells();
      const sessionId = council.session(id).id;
      const root = council.root;
      const { unsubscribe, ...snapshot } = manager.attach(
        sessionId,
        (info, chunk) => hub.sendTo(ctx.clientId, 'shell.output', { repo: root, sessionId, shellId: info.id, seq: chunk.seq, data: chunk.data }),
        (info, exit) => hub.sendTo(ctx.clientId, 'shell.exited', { repo: root, sessionId, shellId: info.id, code: exit.code, signal: exit.signal }),
      );
      attachments.set(ctx.clientId, root + SHELL, sessionId, unsubscribe);
      return snapshot;
    },
    'shell.detach': async ({ repo, id }, ctx) => {
      const council = await repos.open(repo);
      const unsubscribe = attachments.take(ctx.clientId, council.root + SHELL, council.session(id).id);
      unsubscribe?.();
      return { stopped: Boolean(unsubscribe) };
    },
  } satisfies HandlerTable;
}
