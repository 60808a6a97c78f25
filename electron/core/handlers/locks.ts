import type { HandlerTable } from '../dispatch';
import type { HandlerDeps } from './deps';

/**
 * File locks between sessions. Only `locks.list` here for now: the lock verbs' commands
 * (acquire, release, releaseAll, who) come with the lean lock path (issue 13, item 4).
 */

export function lockHandlers({ repos }: HandlerDeps) {
  return {
    'locks.list': async ({ repo }) => (await repos.open(repo)).locks.list(),
  } satisfies HandlerTable;
}
