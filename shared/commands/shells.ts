import * as z from 'zod/mini';
import { ShellInfoSchema } from '../shells';
import { repo, id } from './fields';

/**
 * A plain shell in a session's worktree, separate from its agent's terminal: started on demand,
 * one per session, in the process that serves the window (the app, the browser host). Its output
 * reaches attached clients as `shell.output` events, numbered per shell like `agent.output`.
 */
export const shellCommands = {
  /** Starts the session's shell (or answers with the one that runs). */
  'shell.start': {
    input: z.strictObject({ repo: repo(), id: id(), cols: z.optional(z.int().check(z.gte(2), z.lte(1000))), rows: z.optional(z.int().check(z.gte(1), z.lte(500))) }),
    output: ShellInfoSchema,
  },
  /** Keystrokes for the session's shell. */
  'shell.input': {
    input: z.strictObject({ repo: repo(), id: id(), data: z.string().check(z.maxLength(65536)) }),
    output: z.object({ written: z.boolean() }),
  },
  'shell.resize': {
    input: z.strictObject({ repo: repo(), id: id(), cols: z.int().check(z.gte(2), z.lte(1000)), rows: z.int().check(z.gte(1), z.lte(500)) }),
    output: z.object({ resized: z.boolean() }),
  },
  /** Ends the session's shell and everything started in it. */
  'shell.stop': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.object({ stopped: z.boolean() }),
  },
  /**
   * Starts sending this client `shell.output` (and `shell.exited`) for the session's shell and
   * answers with its scrollback (`shell` null when none runs: nothing follows until one starts and
   * the client attaches again). `seq` as in `agent.attach`.
   */
  'shell.attach': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.object({ shell: z.nullable(ShellInfoSchema), seq: z.int(), data: z.string(), truncated: z.boolean() }),
  },
  'shell.detach': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.object({ stopped: z.boolean() }),
  },
} as const;
