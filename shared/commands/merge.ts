import * as z from 'zod/mini';
import { AgentRunSchema } from '../agents';
import { MergeStrategySchema, QueueEntryIdSchema, QueueEntrySchema, RadarSchema } from '../merge';
import { repo, id } from './fields';

/** The conflict radar and the merge queue. */

export const mergeCommands = {
  /** The conflict radar: overlaps and predicted conflicts between every pair of sessions and the base. */
  'radar.get': {
    input: z.strictObject({ repo: repo() }),
    output: RadarSchema,
  },
  'queue.list': {
    input: z.strictObject({ repo: repo() }),
    output: z.array(QueueEntrySchema),
  },
  /** Puts a session in the merge queue (strategy and gate default to the settings'). */
  'queue.enqueue': {
    input: z.strictObject({ repo: repo(), id: id(), strategy: z.optional(MergeStrategySchema), gate: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(4000)))) }),
    output: QueueEntrySchema,
  },
  'queue.remove': {
    input: z.strictObject({ repo: repo(), entry: QueueEntryIdSchema }),
    output: z.object({ removed: z.boolean() }),
  },
  /** A parked entry goes back in line. */
  'queue.retry': {
    input: z.strictObject({ repo: repo(), entry: QueueEntryIdSchema }),
    output: QueueEntrySchema,
  },
  /** Moves a waiting entry to a place in the line (0 = next). */
  'queue.move': {
    input: z.strictObject({ repo: repo(), entry: QueueEntryIdSchema, index: z.int().check(z.gte(0), z.lte(10_000)) }),
    output: z.array(QueueEntrySchema),
  },
  /** Re-runs a parked entry's session agent to bring in the base and resolve the conflicting files. */
  'queue.resolve': {
    input: z.strictObject({ repo: repo(), entry: QueueEntryIdSchema }),
    output: AgentRunSchema,
  },
  /** The end of a gate's output log. */
  'queue.gateLog': {
    input: z.strictObject({ repo: repo(), entry: QueueEntryIdSchema }),
    output: z.object({ log: z.string(), truncated: z.boolean() }),
  },
} as const;
