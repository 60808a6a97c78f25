import type { HandlerTable } from '../dispatch';
import type { FileLocks } from '../locks/file-locks';

/**
 * File locks between sessions. Only `locks.list` here for now: the lock verbs' commands (acquire,
 * release, releaseAll, who) come with the lean lock path (issue 13, item 4), which has this same
 * shape — handlers over whatever opens a repository's locks.
 */

export function lockHandlers(open: (repo: string) => Promise<{ locks: FileLocks }>) {
  return {
    'locks.list': async ({ repo }) => (await open(repo)).locks.list(),
  } satisfies HandlerTable;
}
