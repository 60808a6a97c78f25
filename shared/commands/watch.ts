import * as z from 'zod/mini';
import { ChangedFileSchema } from '../models';
import { repo, id } from './fields';

/** Subscriptions: events a client receives while it watches a repository or a session. */

export const watchCommands = {
  /** Starts sending this window `state.changed` for the repository (sessions, locks, context). */
  'watch.repo': {
    input: z.strictObject({ repo: repo() }),
    output: z.object({ watching: z.boolean() }),
  },
  /**
   * Starts sending this window `worktree.changed` for one session: answers with a snapshot of its
   * changed files and the sequence number the following deltas continue from.
   */
  'watch.session': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.object({ seq: z.int(), files: z.array(ChangedFileSchema) }),
  },
  'watch.stop': {
    input: z.strictObject({ repo: repo(), id: z.optional(id()) }),
    output: z.object({ stopped: z.boolean() }),
  },
} as const;
