import { compareSessions, pickSession } from '../agents/compare';
import type { HandlerTable } from '../dispatch';
import type { HandlerDeps } from './deps';

/** Best-of-N: sessions side by side, then keep one (the others removed under the one removal rule). */

export function compareHandlers({ repos }: HandlerDeps) {
  return {
    'compare.sessions': async ({ repo, ids, check }) => compareSessions(await (await repos.open(repo)).agents(), ids, { check }),
    'compare.pick': async ({ repo, keep, discard }) => pickSession(await (await repos.open(repo)).agents(), keep, discard),
  } satisfies HandlerTable;
}
