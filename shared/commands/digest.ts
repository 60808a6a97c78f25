import * as z from 'zod/mini';
import { SessionIdSchema } from '../ids';
import { id, repo } from './fields';

/**
 * The digest each session's agent is told of its peers (electron/core/coordination/digest.ts):
 * switched off or on for one session (per preset: the `agents.<preset>.digest` setting).
 */
export const DigestStateSchema = z.object({
  sessionId: SessionIdSchema,
  /** False: its agent is told no digest (the session's switch). */
  enabled: z.boolean(),
});
export type DigestState = z.infer<typeof DigestStateSchema>;

export const digestCommands = {
  /** Switches one session's digests on or off (`enabled` absent: only reads the switch). Takes effect at its agent's next prompt. */
  'digest.set': {
    input: z.strictObject({ repo: repo(), id: id(), enabled: z.optional(z.boolean()) }),
    output: DigestStateSchema,
  },
} as const;
