import * as z from 'zod/mini';
import { FileLockSchema } from '../file-lock';
import { id, path, repo } from './fields';
import { TIMEOUT_MAX_MS } from './lock-checks';

/**
 * File locks between sessions: a session's checkout of a file. This domain is all the CLI's hot
 * verbs need (`council lock …`, run before every agent edit), so it imports no model but the
 * lock's own (shared/file-lock.ts).
 *
 * `path` is as a user or an agent gives it: relative to `cwd` (default: the main checkout), or
 * absolute, in the main checkout or any session worktree. `id` is a session id or a unique prefix.
 */


export const lockCommands = {
  /** Takes the lock for the session, waiting up to `timeoutMs` (default 0: answer at once); busy is `lock-busy`. */
  'locks.acquire': {
    input: z.strictObject({ repo: repo(), id: id(), path: path(), timeoutMs: z.optional(z.int().check(z.gte(0), z.lte(TIMEOUT_MAX_MS))), cwd: z.optional(path()) }),
    output: FileLockSchema,
  },
  /** Releases the session's lock on a file (not locked: `released: false`; another session's: `conflict`). */
  'locks.release': {
    input: z.strictObject({ repo: repo(), id: id(), path: path(), cwd: z.optional(path()) }),
    output: z.object({ released: z.boolean(), path: z.string() }),
  },
  /** Releases every lock the session holds; answers their paths. */
  'locks.releaseAll': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.array(z.string()),
  },
  /** Who holds a file (null: nobody). */
  'locks.who': {
    input: z.strictObject({ repo: repo(), path: path(), cwd: z.optional(path()) }),
    output: z.nullable(FileLockSchema),
  },
  'locks.list': {
    input: z.strictObject({ repo: repo() }),
    output: z.array(FileLockSchema),
  },
} as const;

export type LockCommandName = keyof typeof lockCommands;
