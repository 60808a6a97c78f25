import * as z from 'zod/mini';
import { SessionIdSchema } from './ids';

/*
 * On its own (models.ts re-exports it) so that the lock domain of the contract
 * (shared/commands/locks.ts), which the CLI's `council lock …` verbs validate before every call,
 * builds this one schema and not the twenty of models.ts.
 */

/** A file lock is a logical checkout of one repo-relative path by one session. */
export const FileLockSchema = z.object({
  path: z.string().check(z.minLength(1)),
  sessionId: SessionIdSchema,
  acquiredAt: z.string(),
});
export type FileLock = z.infer<typeof FileLockSchema>;
