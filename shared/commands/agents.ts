import * as z from 'zod/mini';
import { RemoveResultSchema } from '../models';
import { AgentEventSchema, AgentPresetIdSchema, AgentPresetInfoSchema, AgentRunSchema, CompareRowSchema, RunModeSchema } from '../agents';
import { repo, id } from './fields';
import { FollowUpDeliverySchema } from '../follow-ups';

/** Agents: the presets on this machine, a session's runs, best-of-N comparison. */

export const agentCommands = {
  /** The agent presets, found on this machine or not (with the reason and the fix). */
  'agents.list': {
    input: z.strictObject({ repo: repo() }),
    output: z.array(AgentPresetInfoSchema),
  },
  /** Starts the session's agent (its preset unless another is named); `resume` continues its last run. */
  'agent.start': {
    input: z.strictObject({ repo: repo(), id: id(), preset: z.optional(AgentPresetIdSchema), mode: z.optional(RunModeSchema), resume: z.optional(z.boolean()) }),
    output: AgentRunSchema,
  },
  /** Stops the session's agent and everything it started. */
  'agent.stop': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.nullable(AgentRunSchema),
  },
  /** Keystrokes for an interactive agent's terminal. */
  'agent.input': {
    input: z.strictObject({ repo: repo(), id: id(), data: z.string().check(z.maxLength(65536)) }),
    output: z.object({ written: z.boolean() }),
  },
  /**
   * A follow-up prompt for the session's agent: typed and submitted in a running interactive
   * agent's terminal (through the session's inbox when another process hosts it), queued for a
   * running headless one (it is resumed with it when it ends), or an ended agent is resumed on its
   * own conversation with it. With `start`, a session without an agent (or whose conversation
   * cannot be resumed) starts one with it as its prompt. `delivered` says which happened.
   */
  'agent.followUp': {
    input: z.strictObject({
      repo: repo(),
      id: id(),
      text: z.string().check(z.minLength(1), z.maxLength(8000)),
      start: z.optional(z.strictObject({ agent: z.optional(AgentPresetIdSchema), mode: RunModeSchema })),
    }),
    output: z.object({ delivered: FollowUpDeliverySchema, run: z.nullable(AgentRunSchema), note: z.string() }),
  },
  'agent.resize': {
    input: z.strictObject({ repo: repo(), id: id(), cols: z.int().check(z.gte(2), z.lte(1000)), rows: z.int().check(z.gte(1), z.lte(500)) }),
    output: z.object({ resized: z.boolean() }),
  },
  /**
   * Starts sending this client `agent.output` for the session and answers with the scrollback so
   * far. Chunks are numbered 1, 2, 3… per run; `seq` is the number of the last chunk included in
   * `data` (0: none), so the next event is `seq + 1` — a gap means re-attach. `truncated` when
   * older output was dropped from the bounded buffer. For a run hosted by another process (or one
   * that ended), `data` is the end of its log and `seq` is 0.
   */
  'agent.attach': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.object({ run: z.nullable(AgentRunSchema), seq: z.int(), data: z.string(), truncated: z.boolean() }),
  },
  'agent.detach': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.object({ stopped: z.boolean() }),
  },
  /** A session's runs (newest first), or every session's latest run. */
  'agent.runs': {
    input: z.strictObject({ repo: repo(), id: z.optional(id()) }),
    output: z.array(AgentRunSchema),
  },
  /** The log of the session's latest run from `offset` (bytes; `size` is where the next read starts). */
  'agent.log': {
    input: z.strictObject({ repo: repo(), id: id(), offset: z.optional(z.int().check(z.gte(0))) }),
    output: z.object({ run: AgentRunSchema, log: z.string(), size: z.int() }),
  },
  /** The normalized events of the session's latest run. */
  'agent.events': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.array(AgentEventSchema),
  },
  /** Best-of-N: the sessions side by side (files, lines, status, and the check command's result). */
  'compare.sessions': {
    input: z.strictObject({ repo: repo(), ids: z.array(id()).check(z.minLength(1), z.maxLength(50)), check: z.optional(z.boolean()) }),
    output: z.array(CompareRowSchema),
  },
  /** Keeps one session and removes the others; their work is archived under refs/council/archive first. */
  'compare.pick': {
    input: z.strictObject({ repo: repo(), keep: id(), discard: z.array(id()).check(z.minLength(1), z.maxLength(50)) }),
    output: z.array(RemoveResultSchema),
  },
} as const;
