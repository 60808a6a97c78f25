import * as z from 'zod/mini';
import { SessionIdSchema } from './ids';

/** A plain shell in a session's worktree, beside its agent (electron/core/shells/shell-manager.ts). */
export const ShellInfoSchema = z.object({
  /** This shell's id (a new one for each shell the session starts). */
  id: z.string(),
  sessionId: SessionIdSchema,
  pid: z.int(),
  /** The program: the user's $SHELL, else /bin/bash or /bin/sh (%ComSpec% on Windows). */
  program: z.string(),
  /** Its folder when it started: the session's worktree. */
  cwd: z.string(),
  startedAt: z.string(),
});
export type ShellInfo = z.infer<typeof ShellInfoSchema>;
