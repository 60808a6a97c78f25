import type { HandlerTable } from '../dispatch';
import { readDigestState, setDigestOff } from '../coordination/digest-state';
import type { HandlerDeps } from './deps';

/** A session's digest switch (shared/commands/digest.ts). */
export function digestHandlers({ repos }: HandlerDeps) {
  return {
    'digest.set': async ({ repo, id, enabled }) => {
      const council = await repos.open(repo);
      const session = council.session(id);
      if (enabled !== undefined) await setDigestOff(council.ws.paths, session.id, !enabled);
      return { sessionId: session.id, enabled: !readDigestState(council.ws.paths, session.id).off };
    },
  } satisfies HandlerTable;
}
